"""Hostile requests (issue 6): oversized, malformed, deeply nested or unstorable input is refused
with a problem document (400, 413 or 422), never a 500. JWTs with `alg: none` or a wrong
algorithm are covered by tests/api/test_auth.py."""

import json

import pytest

from tests.conftest import auth, unique
from tests.factories import make_dao

JSON = {"Content-Type": "application/json"}


def assert_problem(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.fixture(scope="module")
def dao():
    return make_dao(is_public=True)


def test_a_body_over_one_mebibyte_is_413(client):
    body = json.dumps({"slug": "big", "name": "x" * (1024 * 1024)})
    response = client.post("/api/v1/daos", data=body, headers=auth("user:big", **JSON))
    assert assert_problem(response, 413)["code"] == "payload_too_large"


def test_deeply_nested_json_is_refused(client):
    depth = 100_000
    body = '{"slug": ' + "[" * depth + "]" * depth + "}"
    assert_problem(client.post("/api/v1/daos", data=body, headers=auth("user:deep", **JSON)), 400, 422)


@pytest.mark.parametrize("raw", [b'{"slug": "\xff\xfe"}', b'{"slug": ', b"\x00\x00", b'"a string"', b"[1, 2]"])
def test_malformed_bodies_are_400_or_422(client, raw):
    assert_problem(client.post("/api/v1/daos", data=raw, headers=auth("user:bad", **JSON)), 400, 422)


@pytest.mark.parametrize("field, value", [
    ("name", "nul\u0000byte"), ("description", "\u0000"), ("microdao_id", "a\u0000"),
])
def test_strings_postgres_cannot_store_are_refused(client, field, value):
    body = {"slug": unique("nul"), "name": "ok", field: value}
    assert_problem(client.post("/api/v1/daos", json=body, headers=auth(unique("user:nul"))), 422)


def test_a_nul_byte_in_a_query_parameter_is_refused(client, dao):
    response = client.get(f"/api/v1/daos/{dao.slug}/members?role=a%00b", headers=auth(dao.owner_subject_id))
    assert_problem(response, 422)


@pytest.mark.parametrize("body", [
    {"voting_period_seconds": 10**30}, {"quorum_percent": "1e400"}, {"quorum_percent": "NaN"},
    {"voting_period_seconds": "60"}, {"is_public": "maybe"}, {"name": ["a"]}, {"name": {"a": 1}},
])
def test_out_of_range_and_mistyped_values_are_422(client, body):
    body = {"slug": unique("rng"), "name": "ok", **body}
    assert_problem(client.post("/api/v1/daos", json=body, headers=auth(unique("user:rng"))), 422)


def test_an_action_payload_too_large_to_keep_is_422(client, dao):
    payload = {"notes": "x" * 100_000}
    body = {"title": "big payload", "action_payload": payload}
    response = client.post(f"/api/v1/daos/{dao.slug}/proposals", json=body, headers=auth(dao.owner_subject_id))
    assert_problem(response, 422)


def test_role_entitlements_with_thousands_of_keys_are_422(client, dao):
    body = {"code": "many", "name": "Many", "entitlements": {f"k{i}": True for i in range(5000)}}
    response = client.post(f"/api/v1/daos/{dao.slug}/roles", json=body, headers=auth(dao.owner_subject_id))
    assert len(response.get_data()) < 10_000, "the answer echoes every key"
    assert_problem(response, 422)


@pytest.mark.parametrize("prefer", ["wait=" + "9" * 5000, "wait=99999999999999999999", "wait=-1", "wait=abc"])
def test_a_hostile_prefer_header_never_fails_the_request(client, worker, dao, prefer):
    body = {"token_symbol": "GOV", "delta": "1", "reason": "prefer"}
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", json=body,
                           headers=auth(dao.owner_subject_id, Prefer=prefer))
    assert response.status_code in (200, 201, 202), response.get_data(as_text=True)


@pytest.mark.parametrize("key", ["k" * 201, "tab\there", ""])
def test_a_hostile_idempotency_key_is_422(client, dao, key):
    body = {"token_symbol": "GOV", "delta": "1", "reason": "idem"}
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", json=body,
                           headers=auth(dao.owner_subject_id, **{"Idempotency-Key": key}))
    assert_problem(response, 422)


@pytest.mark.parametrize("path", [
    "/api/v1/daos/" + "a" * 5000, "/api/v1/daos/%00", "/api/v1/jobs/" + "f" * 5000,
    "/api/v1/daos/x/proposals/" + "%ff" * 100, "/api/v1/daos?limit=" + "9" * 5000, "/api/v1/daos?limit=-1",
    "/api/v1/daos?cursor=" + "A" * 600, "/api/v1/daos?cursor=!!!", "/api/v1/daos?public=%00",
])
def test_hostile_paths_and_queries_are_4xx(client, path):
    response = client.get(path, headers=auth("user:path"))
    assert 400 <= response.status_code < 500, (path[:60], response.status_code, response.get_data(as_text=True)[:300])


def test_a_huge_last_event_id_is_refused(client, dao):
    response = client.get(f"/api/v1/daos/{dao.slug}/events/stream",
                          headers=auth(dao.owner_subject_id, **{"Last-Event-ID": "9" * 5000}))
    assert_problem(response, 422)
