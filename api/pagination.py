"""Keyset pagination with an opaque cursor (SPEC 8.1): `?limit=` (1-500, default 50), `?cursor=`."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime

from marshmallow import ValidationError, fields, validate
from sqlalchemy import tuple_

from api.schemas.base import StrictSchema

DEFAULT_LIMIT, MAX_LIMIT = 50, 500



def _encode_value(value):
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["uuid", str(value)]
    return ["v", value]


def _decode_value(pair):
    kind, value = pair
    if kind == "dt":
        return datetime.fromisoformat(value)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "v" and isinstance(value, (str, int)):
        return value
    raise ValueError(kind)


def encode_cursor(values) -> str:
    raw = json.dumps([_encode_value(v) for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = [_decode_value(pair) for pair in json.loads(raw)]
    except (ValueError, TypeError, json.JSONDecodeError) as error:
        raise ValidationError({"cursor": ["not a valid cursor"]}) from error
    if len(values) != width:
        raise ValidationError({"cursor": ["not a valid cursor"]})
    return values


def page(session, stmt, key_columns, *, limit: int, cursor: str | None, descending: bool = False):
    """Run `stmt` ordered by `key_columns` (unique together) from the cursor on.

    Returns (rows, next_cursor). `stmt` must select one entity whose attributes include the keys.
    """
    key = tuple_(*key_columns)
    if cursor:
        values = decode_cursor(cursor, len(key_columns))
        stmt = stmt.where(key < tuple_(*values) if descending else key > tuple_(*values))
    order = [c.desc() for c in key_columns] if descending else list(key_columns)
    rows = session.scalars(stmt.order_by(*order).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, c.key) for c in key_columns])
    return rows, next_cursor


class PageQuerySchema(StrictSchema):
    """`?limit=&cursor=`; list routes with filters subclass it."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=512))


def listing(session, stmt, key_columns, query: dict, *, descending: bool = False, present=list) -> dict:
    """One page of a list route: `{items: present(rows), next_cursor}` (SPEC 8.1), for the
    route's page schema to dump; `present` turns the rows into what the item schema reads."""
    rows, next_cursor = page(
        session, stmt, key_columns, limit=query["limit"], cursor=query["cursor"], descending=descending
    )
    return {"items": present(rows), "next_cursor": next_cursor}
