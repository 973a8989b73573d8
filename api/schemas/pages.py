"""The shape of every paginated list (SPEC 8.1): `items` and `next_cursor`."""

from marshmallow import Schema, fields


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A response schema `{items: [item_schema], next_cursor}` named `name` (for OpenAPI)."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )
