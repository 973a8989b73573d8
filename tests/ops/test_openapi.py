"""GET /api/v1/openapi.json (SPEC 8.1): a valid OpenAPI 3 document generated from the routes'
contracts, covering every route of the app with its auth, bodies and error responses."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from api.app import PUBLIC_PATHS
from api.openapi import is_static

IGNORED = {"HEAD", "OPTIONS"}


def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    return response.get_json()


def operations(app):
    for rule in app.url_map.iter_rules():
        if is_static(rule):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - IGNORED:
            yield rule, path, method.lower(), app.view_functions[rule.endpoint]


def test_the_document_is_valid_openapi_3(client):
    spec = document(client)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_of_the_app_is_documented_with_its_contract(app, client):
    spec = document(client)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = {(path, method) for _, path, method, _ in operations(app)}
    assert routes == documented
    for rule, path, method, view in operations(app):
        assert hasattr(view, "contract"), f"{rule.rule} does not declare its contract with @endpoint"
        op = spec["paths"][path][method]
        contract = view.contract
        if contract.summary:
            assert op["summary"] == contract.summary
        for status in contract.responses:
            assert str(status) in op["responses"], (path, method, status)
        assert "503" in op["responses"]
        if contract.body is not None:
            assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert {"400", "413", "422"} <= op["responses"].keys()
        if contract.query is not None:
            assert "422" in op["responses"]
            assert any(p["in"] == "query" for p in op["parameters"])
        if "{" in path:
            assert "404" in op["responses"]


def test_auth_in_the_document_matches_what_the_app_enforces(app, client):
    spec = document(client)
    for rule, path, method, view in operations(app):
        enforced = rule.rule.startswith("/api/v1/") and rule.rule not in PUBLIC_PATHS
        assert view.contract.auth == enforced, f"{method} {path}: the contract says auth={view.contract.auth}"
        op = spec["paths"][path][method]
        assert op["security"] == ([{"bearerAuth": []}] if enforced else [])
        assert ({"401", "403"} <= op["responses"].keys()) == enforced
        if enforced and method in ("post", "put", "patch", "delete"):
            assert "Retry-After" in op["responses"]["429"]["headers"]  # the write limit per subject


def test_asynchronous_operations_answer_202_with_location_and_take_idempotency_keys(app, client):
    spec = document(client)
    asynchronous = [(path, method) for _, path, method, view in operations(app) if view.contract.asynchronous]
    assert ("/api/v1/daos/{slug}/treasury/deltas", "post") in asynchronous
    for path, method in asynchronous:
        op = spec["paths"][path][method]
        accepted = op["responses"]["202"]
        assert accepted["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Job"}
        assert "Location" in accepted["headers"]
        headers = {p["name"] for p in op["parameters"] if p["in"] == "header"}
        assert {"Idempotency-Key", "Prefer"} <= headers


def test_schemas_are_the_validating_ones(client):
    """The request body schema is generated from the marshmallow schema: required fields,
    patterns, unknown fields refused, decimals as strings."""
    spec = document(client)
    delta = spec["components"]["schemas"]["TreasuryDelta"]
    assert set(delta["required"]) == {"token_symbol", "delta", "reason"}
    assert delta["additionalProperties"] is False
    assert delta["properties"]["delta"]["type"] == "string"
    assert delta["properties"]["token_symbol"]["pattern"] == "^[A-Z0-9]{1,16}$"
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "status", "title", "detail", "code"}


def test_problem_responses_match_the_problem_schema(client):
    spec = document(client)
    problem = spec["components"]["schemas"]["Problem"]
    response = client.get("/api/v1/jobs/whatever")  # 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(problem["required"]) <= body.keys() <= problem["properties"].keys()


def test_the_event_stream_is_documented_as_server_sent_events(client):
    op = document(client)["paths"]["/api/v1/daos/{slug}/events/stream"]["get"]
    assert "text/event-stream" in op["responses"]["200"]["content"]
    assert any(p["name"] == "Last-Event-ID" and p["in"] == "header" for p in op["parameters"])
