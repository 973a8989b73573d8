"""Bearer JWT authentication (SPEC 8.1): every failure is a 401 problem document."""

import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from freezegun import freeze_time

from api.auth import TOKEN_CACHE_TTL_SECONDS, AuthError, Principal, _VerifiedTokens, decode_token, main as mint_main
from tests.conftest import auth, settings_from, unique
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


# Verified once per token (issue 14): a per-process cache that honours exp.


@pytest.fixture
def verifications(monkeypatch) -> list:
    """Every signature verification (jwt.decode, passed through) made during the test."""
    calls, real = [], jwt.decode

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    return calls


def _fresh_token(**claims) -> str:
    """A token no earlier test could have put in the cache."""
    return jwt.encode(_claims(sub=unique("user:cached"), **claims), TEST_JWT_SECRET, algorithm="HS256")


def in_seconds(seconds: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


def test_a_token_is_verified_once_then_served_from_the_cache(client, verifications):
    token = _fresh_token()
    for _ in range(3):
        assert client.get(ANY_ROUTE, headers=_bearer(token)).status_code == 404
    assert verifications == [token]


def test_a_cached_token_past_its_exp_is_401(client, verifications):
    token = _fresh_token(exp=int(time.time()) + 30)  # expires well within the cache's TTL
    assert client.get(ANY_ROUTE, headers=_bearer(token)).status_code == 404
    with freeze_time(in_seconds(31)):
        assert_unauthorized(client.get(ANY_ROUTE, headers=_bearer(token)))
        assert_unauthorized(client.get(ANY_ROUTE, headers=_bearer(token)))
    assert verifications == [token] * 3


def test_a_cached_token_is_verified_again_after_the_ttl(client, verifications):
    token = _fresh_token(exp=int(time.time()) + 3600)
    assert client.get(ANY_ROUTE, headers=_bearer(token)).status_code == 404
    with freeze_time(in_seconds(TOKEN_CACHE_TTL_SECONDS + 1)):
        assert client.get(ANY_ROUTE, headers=_bearer(token)).status_code == 404
    assert verifications == [token] * 2


def test_a_bad_token_is_never_cached_as_good(client, verifications):
    claims = _claims(sub=unique("user:cached"))
    good = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")
    assert client.get(ANY_ROUTE, headers=_bearer(good)).status_code == 404  # cached
    # The same header and claims under another key's signature, and a well-signed token whose
    # claims are refused: each is checked, and refused, every time.
    forged = jwt.encode(claims, "another-secret-0123456789-abcdefghij", algorithm="HS256")
    assert forged.rsplit(".", 1)[0] == good.rsplit(".", 1)[0] and forged != good
    bad_claims = _fresh_token(subject_type="robot")
    for _ in range(2):
        assert_unauthorized(client.get(ANY_ROUTE, headers=_bearer(forged)))
        assert_unauthorized(client.get(ANY_ROUTE, headers=_bearer(bad_claims)))
    assert verifications == [good] + [forged, bad_claims] * 2


def test_a_cached_token_is_refused_once_the_key_changes(stack):
    token = _fresh_token()
    assert decode_token(f"Bearer {token}").subject_id.startswith("user:cached")
    with settings_from(JWT_SECRET="a-rotated-secret-0123456789-abcdefghij"):
        with pytest.raises(AuthError):
            decode_token(f"Bearer {token}")


def test_the_cache_keeps_the_most_recently_used_tokens_up_to_its_size():
    cache = _VerifiedTokens(size=2, ttl_seconds=60)
    exp = int(time.time()) + 3600
    a, b, c = (Principal(name, "user", frozenset()) for name in ("user:a", "user:b", "user:c"))
    cache.put(("k", "a"), a, exp)
    cache.put(("k", "b"), b, exp)
    assert cache.get(("k", "a")) == a  # a is now the most recent
    cache.put(("k", "c"), c, exp)
    assert (cache.get(("k", "a")), cache.get(("k", "b")), cache.get(("k", "c"))) == (a, None, c)
