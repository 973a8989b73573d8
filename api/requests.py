"""Reading a request: the JSON body (decimals kept exact) and query parameters, via schemas."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestURITooLarge, UnsupportedMediaType

from api.errors import BadRequest
from governance.decimals import MAX_INTEGER_LITERAL_DIGITS


# The longest URL (path and query string) the API reads; gunicorn accepts request lines up to
# its own limit (8190 bytes, api/gunicorn_conf.py), so that a longer URL is refused here, as a
# problem document, rather than by the HTTP server.
MAX_URL_BYTES = 4096


def refuse_long_url() -> None:
    """before_request hook (before authentication): 414 for a URL longer than MAX_URL_BYTES."""
    url = request.environ.get("RAW_URI") or request.full_path
    if len(url.encode("latin-1", "replace")) > MAX_URL_BYTES:
        raise RequestURITooLarge(f"the URL (path and query) may be at most {MAX_URL_BYTES} bytes long")


class _TooManyDigits(Exception):
    """An integer literal longer than any field takes (raised from inside the JSON parser)."""


def _integer(literal: str) -> int:
    # Python refuses to convert more than 4300 digits with advice about sys.set_int_max_str_digits;
    # no field takes more than MAX_INTEGER_LITERAL_DIGITS, so say that instead.
    if len(literal.lstrip("-")) > MAX_INTEGER_LITERAL_DIGITS:
        raise _TooManyDigits
    return int(literal)


def _constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def json_body() -> dict:
    """The request's JSON object (parse_json_body)."""
    return parse_json_body(request.get_data(cache=True), request.mimetype)


def parse_json_body(raw: bytes, mimetype: str) -> dict:
    """The JSON object of a body; an empty body is {}. Numbers with a point stay exact (Decimal);
    NaN and Infinity are not JSON (400); an integer of more than MAX_INTEGER_LITERAL_DIGITS digits
    is a 422; a body of another media type than JSON is a 415."""
    if not raw.strip():
        return {}
    if not is_json(mimetype):
        raise UnsupportedMediaType(
            f"the body must be application/json, not {mimetype or 'without a Content-Type'}")
    try:
        body = json.loads(raw, parse_float=Decimal, parse_int=_integer, parse_constant=_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise BadRequest(f"the body is not valid JSON: {error}"[:300]) from error
    except _TooManyDigits:
        raise ValidationError({"_schema": [
            f"a number in the body has more than {MAX_INTEGER_LITERAL_DIGITS} digits: no field takes one"]}) from None
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["the body must be a JSON object"]})
    return body


def load_body(schema: Schema) -> dict:
    return schema.load(json_body())


def load_query(schema: Schema) -> dict:
    return schema.load(request.args.to_dict())
