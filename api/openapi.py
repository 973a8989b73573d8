"""The OpenAPI 3 document (SPEC 8.1), generated from the routes themselves.

Every rule of `app.url_map` becomes an operation, built from its view's `@endpoint` contract
(api/endpoint.py): summary, query and body schemas, responses, auth, asynchronous, tags; the
marshmallow schemas are the ones that validate requests, so the document cannot drift from the
code. Added to each operation as they apply:

- the problem documents of api/errors.py: 400 (malformed JSON), 413 and 415 (not JSON) for a body; 401 and 403
  when authenticated; 404 when the path has parameters; 409, and 429 (the write limit per
  subject), for authenticated writes; 422 for a body, a query, path parameters or an
  asynchronous request (Idempotency-Key); 503 always (a dependency down); and the statuses a
  contract lists in `problems` (e.g. 409 on a read refused in the current state);
- 414 always: a URL longer than api.requests.MAX_URL_BYTES (the app, or gunicorn for a request
  line beyond its own limit: api/gunicorn_conf.py makes its answers problem documents too);
- for an asynchronous operation: `Location` on the job answers, and the `Idempotency-Key` and
  `Prefer: wait=N` headers (SPEC 8.2).

A view may carry an `openapi` dict (e.g. a header parameter); it is merged into its operation
last. A view without a contract is still listed, with what its rule tells (tests/ops keep every
route under a contract).
"""

from __future__ import annotations

import copy
import inspect
import re
from http import HTTPStatus

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app
from marshmallow import fields
from werkzeug.routing import IntegerConverter, UUIDConverter

from api.endpoint import Contract, NotJson, endpoint
from api.schemas.base import AnswerSchema
from api.requests import MAX_URL_BYTES
from api.schemas.problems import ProblemSchema
from governance.decimals import INTEGER_DIGITS, PLACES

bp = Blueprint("openapi", __name__)

TITLE = "Governance engine API"
VERSION = "1.0.0"
OPENAPI_VERSION = "3.0.3"
PROBLEM_MEDIA_TYPE = "application/problem+json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


PROBLEM_DESCRIPTIONS = {
    400: "Malformed request (the body is not valid JSON)",
    401: "Missing, malformed or expired bearer token",
    403: "Not allowed to the caller (private DAO, missing entitlement, banned)",
    404: "No such resource",
    409: "State conflict (e.g. a transition not allowed from the current state)",
    413: "Request body too large",
    415: "The body is not JSON (its Content-Type is not application/json)",
    422: "Validation failed; `errors` holds the messages per field",
    429: "Too many writes by this subject; retry after `Retry-After` seconds",
    503: "A dependency (database, broker) is unavailable; retry later",
}
# Retry-After is always on a 429 and on a 503 of a dependency down, not on the event stream's
# own 503 (no listener slot left), hence required on 429 only.
# Requests follow governance.decimals.PATTERN (at most 22 digits before the point, stated in the
# descriptions); answers always carry 8 places, and a sum such as `W` may have more integer digits.
DECIMAL_PATTERN = rf"^-?(0|[1-9][0-9]*)(\.[0-9]{{1,{PLACES}}})?$"
DECIMAL_RANGE = (f"in a request at most {INTEGER_DIGITS} digits before the point and {PLACES} after, "
                 "ASCII digits, no exponent; a JSON number in that range is accepted too")
RETRY_AFTER_REQUIRED = {429: True, 503: False}
REQUEST_LINE_TOO_LONG = {
    "description": f"URL too long (path and query over {MAX_URL_BYTES} bytes)",
    "content": {PROBLEM_MEDIA_TYPE: {"schema": ProblemSchema}},
}


def _decimal_as_string(self, field, ret, **_) -> dict:
    """Decimals travel as strings so that no precision is lost (SPEC 8.4); a numeric range,
    meaningless on a string in JSON Schema, moves to the description, with the grammar and the
    range of governance.decimals."""
    if not (isinstance(field, fields.Decimal) and field.as_string):
        return {}
    bounds = {key: ret.pop(key) for key in ("minimum", "maximum") if key in ret}
    text = ", ".join([f"{key} {value}" for key, value in bounds.items()] + [DECIMAL_RANGE])
    description = f"{ret['description']} ({text})" if ret.get("description") else f"a decimal: {text}"
    return {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, "description": description}


def _nullable_nested(self, field, ret, **_) -> dict:
    """A nullable nested answer (a proposal's `result`, a job's `error`) is that schema or null.
    apispec's OpenAPI 3.0 form, `anyOf: [{type: object, nullable: true}, {$ref}]`, would let any
    object pass; `allOf: [{$ref}], nullable: true` says exactly this."""
    if not (isinstance(field, fields.Nested) and field.allow_none and "anyOf" in ret):
        return {}
    refs = [branch for branch in ret.pop("anyOf") if "$ref" in branch]
    return {"allOf": refs, "nullable": True}


def problem_statuses(contract: Contract, method: str, has_path_params: bool) -> list[int]:
    statuses = {503, *contract.problems}
    if contract.body is not None:
        statuses |= {400, 413, 415, 422}
    if contract.query is not None or contract.asynchronous:
        statuses.add(422)
    if contract.auth:
        statuses |= {401, 403}
        if method in WRITE_METHODS:
            statuses |= {409, 429}
    if has_path_params:
        statuses |= {404, 422}  # 422: a path value the database cannot hold (api/errors.py)
    return sorted(statuses)


def _path_parameters(rule) -> list[dict]:
    parameters = []
    for name in _RULE_ARGUMENT.findall(rule.rule):
        converter = rule._converters.get(name)
        schema = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer"}
        elif isinstance(converter, UUIDConverter):
            schema = {"type": "string", "format": "uuid"}
        parameters.append({"in": "path", "name": name, "required": True, "schema": schema})
    return parameters


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _response(status: int, declared, *, location: bool = False) -> dict:
    response = {"description": HTTPStatus(status).phrase}
    if isinstance(declared, NotJson):
        response["description"] = declared.description or response["description"]
        response["content"] = {declared.media_type: {"schema": {"type": "string"}}}
    elif declared is not None:
        response["content"] = _json(declared)
    if location:
        response["headers"] = {
            "Location": {"description": "the job: /api/v1/jobs/<id>", "required": True,
                         "schema": {"type": "string", "pattern": "^/api/v1/jobs/[0-9a-f-]{36}$"}}
        }
    return response


def _merge(target: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key] = target[key] + copy.deepcopy(value)
        else:
            target[key] = copy.deepcopy(value)


def operation(rule, method: str, view) -> dict:
    contract = getattr(view, "contract", None) or Contract(summary=rule.endpoint, auth=rule.rule.startswith("/api/v1/"))
    path_parameters = _path_parameters(rule)
    op = {
        "operationId": rule.endpoint if len(rule.methods - IGNORED_METHODS) == 1 else f"{rule.endpoint}_{method.lower()}",
        "summary": contract.summary or rule.endpoint,
        "tags": list(contract.tags),
        "parameters": list(path_parameters),
        "responses": {},
        "security": [{"bearerAuth": []}] if contract.auth else [],
    }
    description = inspect.getdoc(view)
    if description:
        op["description"] = description
    if contract.query is not None:
        op["parameters"].append({"in": "query", "schema": contract.query})
    if contract.body is not None:
        required = any(field.required for field in contract.body().fields.values())
        op["requestBody"] = {"required": required, "content": _json(contract.body)}
    if contract.asynchronous:
        op["parameters"] += [
            {"in": "header", "name": "Idempotency-Key", "required": False,
             "description": "a repeat of the same request (method, path, body) with the same key returns "
                            "the first job and enqueues nothing; the key used for another request is 422 "
                            "`idempotency_key_reused`",
             "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
            {"in": "header", "name": "Prefer", "required": False,
             "description": "`wait=<seconds>` (at most 30): answer once the job finished",
             "schema": {"type": "string", "pattern": r"^wait=[0-9]{1,2}$"}},
        ]
    for status, declared in sorted(contract.responses.items()):
        op["responses"][str(status)] = _response(status, declared, location=contract.asynchronous and status < 300)
    for status in problem_statuses(contract, method, bool(path_parameters)):
        problem = {"description": PROBLEM_DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {"schema": ProblemSchema}}}
        if status in RETRY_AFTER_REQUIRED:
            problem["headers"] = {"Retry-After": {"description": "seconds to wait before retrying",
                                                  "required": RETRY_AFTER_REQUIRED[status],
                                                  "schema": {"type": "integer"}}}
        op["responses"].setdefault(str(status), problem)
    op["responses"]["414"] = copy.deepcopy(REQUEST_LINE_TOO_LONG)
    _merge(op, getattr(view, "openapi", {}))
    return op


def is_static(rule) -> bool:
    """The static files of the app or of a blueprint (the dashboard's): not part of the API."""
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def build_spec(app: Flask) -> dict:
    """The OpenAPI document of every route of `app` (apart from static files)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=TITLE, version=VERSION, openapi_version=OPENAPI_VERSION, plugins=[plugin])
    plugin.converter.add_attribute_function(_decimal_as_string)
    plugin.converter.add_attribute_function(_nullable_nested)
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Problem", schema=ProblemSchema)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if is_static(rule):
            continue
        view = app.view_functions[rule.endpoint]
        path = _RULE_ARGUMENT.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            paths.setdefault(path, {})[method.lower()] = operation(rule, method, view)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


class OpenApiDocumentSchema(AnswerSchema):
    """The answer of /api/v1/openapi.json: an OpenAPI 3 document (its parts as build_spec makes them)."""

    openapi = fields.String()
    info = fields.Dict()
    paths = fields.Dict()
    components = fields.Dict()


@bp.get("/api/v1/openapi.json")
@endpoint(summary="This document: the OpenAPI 3 description of every route", auth=False,
          responses={200: OpenApiDocumentSchema}, tags=["operations"])
def openapi_document():
    app = current_app._get_current_object()
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build_spec(app)
    return app.extensions["openapi"]
