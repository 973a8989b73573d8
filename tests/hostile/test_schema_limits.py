"""Every request schema bounds what it accepts (issue 6): strings by length (or an enumeration or
a bounded pattern), integers by a range, lists and objects by a size. The body limit (1 MiB)
is the last guard, not the only one. Walks the contracts of every route of the app, so a new
route with an unbounded field fails here."""

import re

import pytest
from marshmallow import Schema, fields, validate

from api.schemas.base import JsonSize
from api.schemas.disputes import EvidenceItem
from api.schemas.fields import Amount

ALWAYS_BOUNDED = (fields.Boolean, fields.UUID, fields.DateTime, Amount)  # Amount: < 10**22, 8 places
SELF_BOUNDED = (EvidenceItem,)  # checks its own size (MAX_ITEM_CHARS)
UNBOUNDED_QUANTIFIER = re.compile(r"(?<!\\)[+*]|\{\d*,\}")


def request_schemas(app) -> dict[str, type[Schema]]:
    found = {}
    for rule in app.url_map.iter_rules():
        contract = getattr(app.view_functions[rule.endpoint], "contract", None)
        for kind in ("body", "query"):
            schema = getattr(contract, kind, None)
            if schema is not None:
                found[f"{schema.__module__}.{schema.__name__}"] = schema
    return found


def _validators(field) -> list:
    return list(field.validators)


def _bounded_string(field) -> bool:
    for v in _validators(field):
        if isinstance(v, validate.Length) and v.max is not None:
            return True
        if isinstance(v, validate.OneOf):
            return True
        if isinstance(v, validate.Regexp) and not UNBOUNDED_QUANTIFIER.search(v.regex.pattern):
            return True
    return False


def unbounded_fields(schema: Schema, prefix: str = "") -> list[str]:
    problems = []
    for name, field in schema.fields.items():
        path = prefix + name
        if isinstance(field, ALWAYS_BOUNDED + SELF_BOUNDED):
            continue
        if isinstance(field, fields.String):
            ok = _bounded_string(field)
        elif isinstance(field, fields.Integer):
            ok = any(isinstance(v, validate.Range) and v.min is not None and v.max is not None
                     for v in _validators(field))
        elif isinstance(field, fields.List):
            ok = any(isinstance(v, validate.Length) and v.max is not None for v in _validators(field))
            problems += unbounded_fields(Schema.from_dict({"item": field.inner})(), f"{path}[].")
        elif isinstance(field, fields.Dict):
            ok = any(isinstance(v, JsonSize) or (isinstance(v, validate.Length) and v.max is not None)
                     for v in _validators(field))
        elif isinstance(field, fields.Nested):
            problems += unbounded_fields(field.schema, f"{path}.")
            continue
        else:
            ok = False  # an unknown field type: say how it is bounded by adding it above
        if not ok:
            problems.append(f"{path} ({type(field).__name__})")
    return problems


def test_the_app_has_request_schemas_to_check(app):
    assert len(request_schemas(app)) >= 20


def test_every_request_field_is_bounded(app):
    problems = {name: found for name, schema in request_schemas(app).items() if (found := unbounded_fields(schema()))}
    assert problems == {}


@pytest.mark.parametrize("field, ok", [
    (fields.String(), False), (fields.String(validate=validate.Length(1, 10)), True),
    (fields.String(validate=validate.Regexp(r"^[a-z]+$")), False), (fields.String(validate=validate.Regexp(r"^[a-z]{1,9}$")), True),
    (fields.Integer(validate=validate.Range(min=0)), False), (fields.List(fields.String(validate=validate.Length(max=3))), False),
    (fields.Dict(), False), (fields.Dict(validate=JsonSize(10)), True), (fields.Raw(), False),
])
def test_the_audit_tells_bounded_from_unbounded(field, ok):
    assert (unbounded_fields(Schema.from_dict({"f": field})()) == []) is ok
