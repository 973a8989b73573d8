"""Text Postgres cannot store (issue 11, item 3): a NUL character or a lone UTF-16 surrogate in any
text a request carries (a body field at any depth, an object key, a query parameter, a path
parameter, a token claim) is refused with 422 (401 for a token), never a 500.

The check is the request schemas' base (api.schemas.base.StrictSchema) and the endpoint's path
check (api.endpoint): the first test walks every field of every request schema of the app."""

from __future__ import annotations

import jwt
import pytest

from governance.text import UNSTORABLE
from tests.conftest import auth, unique
from tests.factories import make_dao
from tests.hostile.test_schema_limits import request_schemas
from tests.stack import TEST_JWT_SECRET

HOSTILE = ["nul\u0000byte", "\u0000", "\ud800", "lone \udfff surrogate", "\udbff"]
NESTED = [["ok", "\u0000"], {"key": "\ud800"}, {"\u0000": "value"}, {"a": [{"b": "\udc00"}]}]


def test_the_app_has_request_schemas_with_fields(app):
    assert sum(len(schema().fields) for schema in request_schemas(app).values()) >= 80


@pytest.mark.parametrize("value", HOSTILE + NESTED, ids=repr)
def test_every_field_of_every_request_schema_refuses_unstorable_text(app, value):
    for name, schema in request_schemas(app).items():
        for field in schema().fields:
            errors = schema().validate({field: value})
            # at the field, or at the path inside it of the string that holds the text
            assert errors and all(key == field or key.startswith(f"{field}.") for key in errors), (name, field, errors)
            assert all(messages == [UNSTORABLE] for messages in errors.values()), (name, field, errors)


def test_an_unstorable_field_name_is_refused_too(app):
    for name, schema in request_schemas(app).items():
        assert schema().validate({"\ud800": 1}) == {"_schema": [UNSTORABLE]}, name


@pytest.fixture(scope="module")
def dao():
    return make_dao(is_public=True)


def _writes(dao, owner):
    """(method, path, body with "HOSTILE" where the hostile text goes) of routes writing text."""
    slug = dao.slug
    return [
        ("post", "/api/v1/daos", {"slug": unique("txt"), "name": "HOSTILE"}),
        ("post", "/api/v1/daos", {"slug": unique("txt"), "name": "n", "description": "HOSTILE"}),
        ("patch", f"/api/v1/daos/{slug}", {"name": "HOSTILE"}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "HOSTILE"}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"note": "HOSTILE"}}),
        ("post", f"/api/v1/daos/{slug}/roles", {"code": "txt", "name": "HOSTILE", "entitlements": {}}),
        ("post", f"/api/v1/daos/{slug}/roles", {"code": "txt", "entitlements": {"HOSTILE": True}}),
        ("post", f"/api/v1/daos/{slug}/members", {"subject_id": "user:t", "role": "HOSTILE"}),
        ("put", f"/api/v1/daos/{slug}/delegations/me", {"delegate_id": "HOSTILE"}),
        ("post", "/api/v1/disputes", {"respondent_id": "user:r", "subject_type": "other", "subject_id": "x",
                                      "description": "HOSTILE"}),
        ("post", "/api/v1/disputes", {"respondent_id": "user:r", "subject_type": "other", "subject_id": "x",
                                      "description": "d", "evidence": [{"link": "HOSTILE"}]}),
        ("post", "/api/v1/moderation/actions", {"target_type": "proposal", "target_id": "p", "action": "warn",
                                                "reason": "HOSTILE"}),
        ("post", f"/api/v1/daos/{slug}/treasury/deltas", {"token_symbol": "GOV", "delta": "1", "reason": "HOSTILE"}),
        ("post", "/api/v1/timebank/transfers", {"to_subject_id": "user:x", "amount": "1", "note": "HOSTILE"}),
        ("post", "/api/v1/timebank/adjustments", {"subject_id": owner, "amount": "1", "note": "HOSTILE"}),
    ]


def _with(body, text):
    if isinstance(body, dict):
        return {_with(key, text): _with(value, text) for key, value in body.items()}
    if isinstance(body, list):
        return [_with(item, text) for item in body]
    return text if body == "HOSTILE" else body


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_every_write_refuses_unstorable_text_with_422(client, dao, text):
    owner = dao.owner_subject_id
    for method, path, body in _writes(dao, owner):
        response = getattr(client, method)(path, json=_with(body, text),
                                           headers=auth(owner, roles=("platform_admin", "moderator")))
        assert response.status_code == 422, (method, path, response.get_data(as_text=True)[:300])
        assert UNSTORABLE in str(response.get_json()["errors"]), response.get_json()


@pytest.mark.parametrize("path", [
    "/api/v1/daos/{slug}/members?role=a%00b", "/api/v1/daos/{slug}/activity?type=%00",
    "/api/v1/daos/{slug}/delegations?delegate_id=user%00", "/api/v1/moderation/actions?target_id=%00",
    "/api/v1/daos?microdao_id=m%00", "/api/v1/daos?cursor=%00",
])
def test_query_parameters_with_nul_are_422(client, dao, path):
    response = client.get(path.format(slug=dao.slug), headers=auth(dao.owner_subject_id, roles=("moderator",)))
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == "validation_error"


@pytest.mark.parametrize("path", [
    "/api/v1/daos/a%00b", "/api/v1/daos/{slug}/members/user%00x", "/api/v1/daos/{slug}/proposals/p%00",
    "/api/v1/daos/{slug}/roles/r%00", "/api/v1/jobs/%00", "/api/v1/disputes/%00",
    "/api/v1/daos/{slug}/proposals/p%00/votes",
])
def test_path_parameters_with_nul_are_422(client, dao, path):
    response = client.get(path.format(slug=dao.slug), headers=auth(dao.owner_subject_id))
    if path.endswith("r%00"):  # a role is read through PUT and DELETE only
        response = client.delete(path.format(slug=dao.slug), headers=auth(dao.owner_subject_id))
    assert response.status_code == 422, (path, response.get_data(as_text=True)[:300])
    assert response.get_json()["errors"], response.get_json()


@pytest.mark.parametrize("claims", [
    {"sub": "user:a\u0000b"}, {"sub": "\ud800"}, {"sub": "user:x", "roles": ["moderator\u0000"]},
    {"sub": "user:x", "roles": ["\udfff"]},
], ids=repr)
def test_a_token_with_unstorable_claims_is_401(client, claims):
    token = jwt.encode({"exp": 4_000_000_000, **claims}, TEST_JWT_SECRET, algorithm="HS256")
    for method, path in (("get", "/api/v1/daos"), ("post", "/api/v1/daos"), ("get", "/api/v1/timebank/balance")):
        response = getattr(client, method)(path, json={}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (path, response.get_data(as_text=True)[:300])
        assert response.get_json()["code"] == "unauthorized"
