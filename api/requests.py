"""Reading a request: the JSON body (decimals kept exact) and query parameters, via schemas."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import request
from marshmallow import Schema, ValidationError

from api.errors import BadRequest


def json_body() -> dict:
    """The request's JSON object; an empty body is {}. Numbers with a point stay exact."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise BadRequest(f"the body is not valid JSON: {error}"[:300]) from error
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["the body must be a JSON object"]})
    return body


def load_body(schema: Schema) -> dict:
    return schema.load(json_body())


def load_query(schema: Schema) -> dict:
    return schema.load(request.args.to_dict())
