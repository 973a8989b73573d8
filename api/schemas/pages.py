"""The shape of every paginated list (SPEC 8.1): `items` and `next_cursor`."""

from marshmallow import Schema, fields

from api.schemas.base import AnswerSchema


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A response schema `{items: [item_schema], next_cursor}` named `name` (for OpenAPI);
    `next_cursor` is null on the last page."""
    return AnswerSchema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )
