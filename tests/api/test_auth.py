"""Bearer JWT authentication (SPEC 8.1): every failure is a 401 problem document."""

import time

import jwt
import pytest

from api.auth import decode_token, main as mint_main, AuthError
from tests.conftest import auth
from tests.stack import TEST_JWT_SECRET

ANY_ROUTE = "/api/v1/jobs/00000000-0000-0000-0000-000000000000"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _claims(**overrides) -> dict:
    claims = {"sub": "user:alice", "subject_type": "user", "exp": int(time.time()) + 60, "roles": []}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "unauthorized" and body["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-jwt"},
        _bearer(jwt.encode(_claims(), "another-secret-0123456789-abcdefghij", algorithm="HS256")),
        _bearer(jwt.encode(_claims(exp=int(time.time()) - 5), TEST_JWT_SECRET, algorithm="HS256")),
        _bearer(jwt.encode(_claims(exp=None), TEST_JWT_SECRET, algorithm="HS256")),
        _bearer(jwt.encode(_claims(subject_type="robot"), TEST_JWT_SECRET, algorithm="HS256")),
        _bearer(jwt.encode(_claims(roles="admin"), TEST_JWT_SECRET, algorithm="HS256")),
        _bearer(jwt.encode(_claims(), TEST_JWT_SECRET, algorithm="HS512")),
        _bearer(jwt.encode(_claims(), None, algorithm="none")),
    ],
    ids=[
        "missing", "basic", "empty-bearer", "malformed", "bad-signature", "expired", "no-exp",
        "bad-subject-type", "roles-not-a-list", "wrong-algorithm", "alg-none",
    ],
)
def test_bad_credentials_answer_401(client, headers):
    assert_unauthorized(client.get(ANY_ROUTE, headers=headers))


def test_valid_token_is_accepted(client):
    response = client.get(ANY_ROUTE, headers=auth("user:alice"))
    assert response.status_code == 404  # authenticated; the job does not exist


def test_claims_become_the_principal(stack):
    principal = decode_token(f"Bearer {jwt.encode(_claims(roles=['moderator'], subject_type='agent'), TEST_JWT_SECRET)}")
    assert principal.subject_id == "user:alice"
    assert principal.subject_type == "agent"
    assert principal.is_moderator and not principal.is_platform_admin
    with pytest.raises(AuthError):
        decode_token(None)


def test_cli_mints_a_token_the_api_accepts(capsys, stack):
    mint_main(["user:bob", "--role", "platform_admin", "--ttl", "120"])
    token = capsys.readouterr().out.strip()
    principal = decode_token(f"Bearer {token}")
    assert principal.subject_id == "user:bob"
    assert principal.is_platform_admin
