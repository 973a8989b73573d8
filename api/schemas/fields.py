"""Field types shared by the schemas: decimals as strings, times as ISO 8601 UTC with Z, subject
ids of one grammar."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from governance.decimals import parse_decimal
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


class FullMatch(validate.Regexp):
    """A Regexp validator that must match the whole value: `$` alone lets a trailing newline
    through. The pattern is the one the OpenAPI document shows."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class SubjectId(fields.String):
    """A subject id (governance.subjects): `user:alice`, `ag_helion`; `a/b`, blanks, white space and
    control characters are refused."""

    def __init__(self, **kwargs):
        super().__init__(validate=FullMatch(SUBJECT_ID_PATTERN, error=f"a subject id: {SUBJECT_ID_RULE}"), **kwargs)
