"""Declaring a route's contract once: the schemas that validate its query and body are the
ones the OpenAPI document is generated from (so the document cannot drift from the code).

    @bp.post("/deltas")
    @endpoint(body=TreasuryDeltaSchema, responses={202: JobSchema}, summary="Apply a delta")
    def post_delta(slug, body): ...

The decorator loads `body` (JSON) and `query` (query string) with fresh schema instances and
passes them to the view as keyword arguments; validation errors become 422 problems.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from api.requests import load_body, load_query


@dataclass(frozen=True)
class Contract:
    summary: str = ""
    body: type | None = None
    query: type | None = None
    responses: dict = field(default_factory=dict)  # status -> Schema class, or None (no body)
    auth: bool = True
    asynchronous: bool = False
    tags: tuple = ()


def endpoint(*, summary: str = "", body=None, query=None, responses=None, auth: bool = True,
             asynchronous: bool = False, tags=()):
    contract = Contract(summary, body, query, responses or {}, auth, asynchronous, tuple(tags))

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if contract.query is not None:
                kwargs["query"] = load_query(contract.query())
            if contract.body is not None:
                kwargs["body"] = load_body(contract.body())
            return view(*args, **kwargs)

        wrapper.contract = contract
        return wrapper

    return decorate
