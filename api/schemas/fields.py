"""Field types shared by the schemas: decimals as strings, times as ISO 8601 UTC with Z."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from marshmallow import ValidationError, fields

from governance.decimals import parse_decimal
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
