"""The base of every request schema: unknown fields are refused (SPEC 8.4)."""

from marshmallow import RAISE, Schema


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
