"""Declaring a route's contract once: the schemas that validate its query and body, and the
schema of each answer it gives, are the ones the OpenAPI document is generated from, so the
document cannot drift from the code in either direction.

    @bp.post("/deltas")
    @endpoint(body=TreasuryDeltaSchema, responses={201: JobSchema}, asynchronous=True, summary="Apply a delta")
    def post_delta(slug, body): ...

Requests: the decorator loads `body` (JSON) and `query` (query string) and passes them to the
view as keyword arguments; validation errors become 422 problems. Each schema is instantiated
once per route, like the answer schemas (an instance is ~0.2 ms to build; loading and dumping
keep no state on it, so the request threads share it).
Path parameters holding text the database cannot store (governance.text) are refused first, with
422, as the schemas refuse it in bodies and queries.

Answers: the view returns what it answers as Flask allows (`value`, `(value, status)` or
`(value, status, headers)`; no status means 200) and the decorator dumps `value` through the
schema its contract declares for that status. So a view returns rows, dataclasses or plain
dicts, never JSON it shaped itself, and every JSON answer has exactly the documented shape.
`responses` maps each status to one of:
- a marshmallow Schema class: the JSON answer, dumped through it;
- None: no body (204);
- `NotJson(media_type)`: an answer that is not JSON (the SSE stream, the Prometheus exposition),
  which the view returns as a ready `Response` of that media type.
A view answering a status its contract does not declare, or the wrong kind of value for it,
raises `UndeclaredAnswer` (a programming error: a logged 500), so the contract is the whole
list of what a view can answer. Problem documents are not the views' answers: the error
handlers of api/errors.py dump them through the Problem schema. An asynchronous operation
(SPEC 8.2) always declares 202 and 200 with the job; a creation adds 201.

Why not flask-smorest: its `@blp.response` does the same dumping, but for one status per
route (`alt_response` only documents), while our job routes answer 202, 200 or 201 with the
job and /healthz 200 or 503 with its checks. Adopting it also means its Blueprint and Api, its
webargs loading (whose 422 messages nest under the location, `{"json": {...}}`, which changes
every validation problem document), and its own document generation, which would have to be
taught again what api/openapi.py adds: the problem documents per status, decimals as strings,
`Location`, `Idempotency-Key` and `Prefer` on jobs, the SSE stream. Dumping here is a few lines
on the contract we already had, and the routes keep their behaviour.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import Response
from marshmallow import Schema, ValidationError

from api.requests import load_body, load_query
from api.schemas.jobs import JobSchema
from governance.text import UNSTORABLE, storable


@dataclass(frozen=True)
class NotJson:
    """An answer that is not JSON: the view returns a `Response` of `media_type`."""

    media_type: str
    description: str = ""


class UndeclaredAnswer(RuntimeError):
    """A view answered a status, or a kind of value, that its contract does not declare."""


@dataclass(frozen=True)
class Contract:
    summary: str = ""
    body: type | None = None
    query: type | None = None
    responses: dict = field(default_factory=dict)  # status -> Schema class, None (no body) or NotJson
    auth: bool = True
    asynchronous: bool = False
    tags: tuple = ()
    problems: tuple = ()  # problem statuses beyond those api/openapi.py infers (e.g. 409 on a read)


def endpoint(*, summary: str = "", body=None, query=None, responses=None, auth: bool = True,
             asynchronous: bool = False, tags=(), problems=()):
    answers = dict(responses or {})
    if asynchronous:  # the job, accepted (202) or finished within `Prefer: wait` (200)
        answers.setdefault(202, JobSchema)
        answers.setdefault(200, JobSchema)
    contract = Contract(summary, body, query, answers, auth, asynchronous, tuple(tags), tuple(problems))
    dumpers = {status: schema() for status, schema in answers.items() if _is_schema(schema)}
    query_schema = query() if query is not None else None
    body_schema = body() if body is not None else None

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            _refuse_unstorable_path(kwargs)
            if query_schema is not None:
                kwargs["query"] = load_query(query_schema)
            if body_schema is not None:
                kwargs["body"] = load_body(body_schema)
            return _answer(view.__name__, contract, dumpers, view(*args, **kwargs))

        wrapper.contract = contract
        return wrapper

    return decorate


def _refuse_unstorable_path(arguments: dict) -> None:
    unstorable = {name: [UNSTORABLE] for name, value in arguments.items()
                  if isinstance(value, str) and not storable(value)}
    if unstorable:
        raise ValidationError(unstorable)


def _is_schema(declared) -> bool:
    return isinstance(declared, type) and issubclass(declared, Schema)


def _unpack(returned) -> tuple:
    """(value, status, headers) of a view's return value, as Flask reads it."""
    if not isinstance(returned, tuple):
        return returned, 200, {}
    value, status, *headers = returned
    return value, status, headers[0] if headers else {}


def _answer(name: str, contract: Contract, dumpers: dict, returned):
    """What the view returned, with its value dumped through the schema declared for its status."""
    if isinstance(returned, Response):
        declared = contract.responses.get(returned.status_code)
        if not isinstance(declared, NotJson) or returned.mimetype != declared.media_type:
            raise UndeclaredAnswer(f"{name} answered {returned.status_code} {returned.mimetype}, "
                                   f"its contract declares {declared!r}")
        return returned
    value, status, headers = _unpack(returned)
    if status not in contract.responses:
        raise UndeclaredAnswer(f"{name} answered {status}, its contract declares {sorted(contract.responses)}")
    if status in dumpers:
        return dumpers[status].dump(value), status, headers
    if contract.responses[status] is None and (value is None or value == ""):
        return "", status, headers
    raise UndeclaredAnswer(f"{name} answered {status} with {type(value).__name__}, "
                           f"its contract declares {contract.responses[status]!r}")
