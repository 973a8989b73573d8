"""The base of every request schema: unknown fields are refused (SPEC 8.4)."""

import json

from marshmallow import RAISE, Schema, ValidationError


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class JsonSize:
    """Validator of a free-form JSON value (an object, a list): at most `max_chars` characters
    once serialized, so that no field stores or echoes an unbounded document."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars

    def __call__(self, value) -> None:
        if len(json.dumps(value, default=str)) > self.max_chars:
            raise ValidationError(f"at most {self.max_chars} characters as JSON")
