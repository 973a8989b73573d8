"""Field types shared by the schemas: decimals as strings, times as ISO 8601 UTC with Z, subject
ids of one grammar."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from marshmallow import ValidationError, fields

from api.schemas.base import WholeMatch
from governance.decimals import parse_decimal
from governance.errors import ValidationFailed
from governance.ledger import non_zero_amount, positive_amount
from governance.power import decimal_text
from governance.subjects import SUBJECT_ID_PATTERN, SUBJECT_ID_RULE
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


class Amount(fields.Decimal):
    """A decimal carried as a JSON string (SPEC 8.4). Input follows governance.decimals: the
    strict grammar for strings, the range of numeric(30,8) (|x| < 10^22, at most 8 places) for
    strings and JSON numbers alike; anything else is refused, never rounded. Output is
    governance.power.decimal_text, exact for whatever the column holds."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return decimal_text(value)  # 8 places, never "0E-8", in a context wide enough for 30 digits

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        try:
            return parse_decimal(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class SubjectId(fields.String):
    """A subject id (governance.subjects): `user:alice`, `ag_helion`; `a/b`, blanks, white space and
    control characters are refused."""

    def __init__(self, **kwargs):
        super().__init__(validate=WholeMatch(SUBJECT_ID_PATTERN, error=f"a subject id: {SUBJECT_ID_RULE}"), **kwargs)


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
