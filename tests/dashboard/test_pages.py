"""The dashboard's server side (issue 9): the shell for every dashboard URL, its static modules,
and the development sign-in route, which exists only with the development JWT secret."""

from __future__ import annotations

import pytest

from api.auth import decode_token
from api.schemas.daos import DaoCreateSchema
from infra.config import DEVELOPMENT_JWT_SECRET, reset_settings
from services.daos import CREATE_DEFAULTS

SHELL_PATHS = ["/dao", "/dao?microdao_id=m-1", "/dao/garden", "/dao/garden/proposals", "/dao/garden/treasury",
               "/dao/garden/members", "/dao/garden/activity", "/dao/garden/proposals/buy-seeds"]


@pytest.mark.parametrize("path", SHELL_PATHS)
def test_every_dashboard_url_answers_the_shell_without_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<script type="module" src="/assets/dao/js/app.js">' in page
    assert '"preact": "/assets/dao/vendor/preact/preact.mjs"' in page


def test_an_unknown_tab_is_not_a_page(client):
    assert client.get("/dao/garden/settings").status_code == 404


@pytest.mark.parametrize("path", ["js/app.js", "vendor/preact/preact.mjs", "vendor/preact/hooks.mjs",
                                  "vendor/htm/htm.mjs", "vendor/uplot/uPlot.esm.js", "css/dashboard.css"])
def test_the_modules_are_served_from_the_blueprint(client, path):
    response = client.get(f"/assets/dao/{path}")
    assert response.status_code == 200, path
    response.close()


def test_the_vendored_libraries_are_recorded_with_version_and_licence():
    from pathlib import Path

    from api import dashboard

    record = (Path(dashboard.__file__).parent / "static" / "vendor" / "VENDORED.md").read_text()
    for row in ("| preact | 11.2.0 | MIT |", "| htm | 3.1.1 | Apache-2.0 |", "| uplot | 1.6.32 | MIT |"):
        assert row in record


def test_the_create_schema_states_the_defaults_the_service_applies():
    fields = DaoCreateSchema().fields
    for name in ("allow_vote_change", "is_public"):
        assert fields[name].load_default == CREATE_DEFAULTS[name]


# --- the development sign-in ----------------------------------------------------------------------

@pytest.fixture
def development_secret(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def test_with_a_configured_secret_there_is_no_development_sign_in(client):
    assert client.get("/api/v1/auth/development").get_json() == {"available": False}
    response = client.post("/api/v1/auth/development/tokens", json={"subject_id": "user:mallory"})
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_with_the_development_secret_a_token_is_minted_for_a_subject(client, development_secret):
    assert client.get("/api/v1/auth/development").get_json() == {"available": True}
    response = client.post("/api/v1/auth/development/tokens", json={"subject_id": "ag_helion", "subject_type": "agent"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["subject_id"], body["subject_type"]) == ("ag_helion", "agent") and body["expires_in"] > 3600
    principal = decode_token(f"Bearer {body['token']}")
    assert (principal.subject_id, principal.subject_type, principal.roles) == ("ag_helion", "agent", frozenset())
    balance = client.get("/api/v1/timebank/balance", headers={"Authorization": f"Bearer {body['token']}"})
    assert balance.status_code == 200 and balance.get_json()["subject_id"] == "ag_helion"


@pytest.mark.parametrize("body", [{}, {"subject_id": ""}, {"subject_id": "x", "subject_type": "robot"},
                                  {"subject_id": "x", "roles": ["platform_admin"]}])
def test_a_bad_development_sign_in_is_422(client, development_secret, body):
    response = client.post("/api/v1/auth/development/tokens", json=body)
    assert response.status_code == 422 and response.get_json()["code"] == "validation_error"
