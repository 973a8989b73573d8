"""Field types shared by the schemas: decimals as strings, times as ISO 8601 UTC with Z."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from marshmallow import ValidationError, fields

from governance.errors import ValidationFailed
from governance.ledger import non_zero_amount, positive_amount

from governance.power import decimal_text
from infra.clock import utc_text


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with a trailing Z; naive input is refused."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return utc_text(value)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            raise ValidationError("must carry a time zone (e.g. Z)")
        return parsed.astimezone(timezone.utc)


LIMIT = Decimal(10) ** 22  # numeric(30, 8) holds 22 digits before the point


class Amount(fields.Decimal):
    """A decimal carried as a JSON string with 8 places (numeric(30,8)); input with more places,
    NaN, infinity or too many digits is refused rather than rounded."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return decimal_text(value)  # 8 places, never "0E-8", in a context wide enough for 30 digits

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        if number.as_tuple().exponent < -8:
            raise ValidationError("at most 8 decimal places")
        if abs(number) >= LIMIT:
            raise ValidationError("too large")
        return number


def rule(check):
    """A marshmallow validator from a governance rule that raises ValidationFailed, so that a
    request field is checked by the same rule the services apply."""

    def validate(value) -> None:
        try:
            check(value)
        except ValidationFailed as error:
            raise ValidationError([m for messages in error.errors.values() for m in messages]) from None

    return validate


POSITIVE = rule(positive_amount)
NON_ZERO = rule(non_zero_amount)
