"""CORS for browser callers on other origins (issue 11): off by default; CORS_ORIGINS lists the
origins allowed (or `*`); a preflight OPTIONS answers without authentication."""

import pytest

from tests.conftest import auth, settings_from, unique

APP = "https://app.example.org"
PREFLIGHT = {"Origin": APP, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"}


def test_cors_is_off_by_default(client):
    response = client.get("/api/v1/daos", headers=auth(unique("user:a"), Origin=APP))
    assert response.status_code == 200
    assert not [name for name in response.headers.keys() if name.lower().startswith("access-control-")]
    preflight = client.options("/api/v1/daos", headers=PREFLIGHT)
    assert preflight.status_code == 204 and "Access-Control-Allow-Origin" not in preflight.headers


def test_a_preflight_from_an_allowed_origin_answers_without_auth(client):
    with settings_from(CORS_ORIGINS=f"{APP}, http://localhost:3000/"):
        response = client.options("/api/v1/daos/some-dao/treasury/deltas", headers=PREFLIGHT)
        local = client.options("/api/v1/daos", headers={**PREFLIGHT, "Origin": "http://localhost:3000"})
    assert response.status_code == 204 and response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"POST", "OPTIONS"}
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "prefer", "last-event-id"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert local.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert set(local.headers["Access-Control-Allow-Methods"].split(", ")) >= {"GET", "POST"}


def test_answers_to_an_allowed_origin_carry_the_headers_problems_included(client):
    with settings_from(CORS_ORIGINS=APP):
        ok = client.get("/api/v1/daos", headers=auth(unique("user:a"), Origin=APP))
        unauthorized = client.get("/api/v1/daos", headers={"Origin": APP})
        invalid = client.post("/api/v1/daos", json={}, headers=auth(unique("user:a"), Origin=APP))
    for response, status in ((ok, 200), (unauthorized, 401), (invalid, 422)):
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == APP
        assert "Location" in response.headers["Access-Control-Expose-Headers"]
        assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize("origin", ["https://evil.example.org", "http://app.example.org", APP + ":8443", "null"])
def test_other_origins_get_no_cors_headers(client, origin):
    with settings_from(CORS_ORIGINS=APP):
        preflight = client.options("/api/v1/daos", headers={**PREFLIGHT, "Origin": origin})
        answer = client.get("/api/v1/daos", headers=auth(unique("user:a"), Origin=origin))
    for response in (preflight, answer):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Origin" in response.headers["Vary"]
    assert preflight.status_code == 204 and answer.status_code == 200


def test_a_star_allows_any_origin(client):
    with settings_from(CORS_ORIGINS="*"):
        response = client.get("/api/v1/daos", headers=auth(unique("user:a"), Origin="https://anywhere.test"))
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_options_never_needs_a_token_but_other_methods_still_do(client):
    with settings_from(CORS_ORIGINS=APP):
        options = client.options("/api/v1/timebank/balance", headers={"Origin": APP})
        get = client.get("/api/v1/timebank/balance", headers={"Origin": APP})
    assert options.status_code == 204 and "GET" in options.headers["Allow"]
    assert "Access-Control-Allow-Methods" not in options.headers  # not a preflight
    assert get.status_code == 401
