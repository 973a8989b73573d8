"""Subject ids that could not be addressed (issue 11, item 5): one grammar (governance.subjects)
for every subject a request names, in a body, a query, a path, an action or a token's `sub`;
what it refuses is a 422 (a 401 in a token), and every id it accepts can be read, changed and
removed through the routes that take a subject in their path."""

from __future__ import annotations

from urllib.parse import quote

import jwt
import pytest

from tests.conftest import auth, unique
from tests.factories import add_member, make_dao
from tests.stack import TEST_JWT_SECRET

INVALID = ["a/b", "", " ", "   ", "user alice", "user:a\n", "user:\tx", "ag\u0001x", "..", ".", "zo\u00eb",
           "user:a?b", "user:a#b", "user%2Fb", "x" * 201, "-leading", "user:a\u00a0b"]
VALID = ["user:alice", "ag_helion", "agent:bot-7", "user:ann.lee@example.org", "A.b-c_d@e:f", "u", "x" * 200]


@pytest.fixture
def dao():
    return make_dao()


def _bodies(dao, bad):
    slug = dao.slug
    return [
        ("post", f"/api/v1/daos/{slug}/members", {"subject_id": bad}),
        ("put", f"/api/v1/daos/{slug}/delegations/me", {"delegate_id": bad}),
        ("post", "/api/v1/timebank/transfers", {"to_subject_id": bad, "amount": "1"}),
        ("post", "/api/v1/timebank/adjustments", {"subject_id": bad, "amount": "1", "note": "n"}),
        ("post", "/api/v1/disputes", {"respondent_id": bad, "subject_type": "other", "subject_id": "x",
                                      "description": "d"}),
        ("post", "/api/v1/moderation/actions", {"target_type": "user", "target_id": bad, "action": "ban",
                                                "reason": "r"}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"actions": [
            {"type": "add_member", "subject_id": bad}]}}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"actions": [
            {"type": "treasury_transfer", "token_symbol": "GOV", "amount": "1", "to_subject_id": bad}]}}),
        ("post", f"/api/v1/daos/{slug}/proposals", {"title": "t", "action_payload": {"actions": [
            {"type": "remove_member", "subject_id": bad}]}}),
    ]


@pytest.mark.parametrize("bad", INVALID, ids=repr)
def test_every_body_refuses_an_invalid_subject_id(client, dao, bad):
    owner = dao.owner_subject_id
    for method, path, body in _bodies(dao, bad):
        response = getattr(client, method)(path, json=body,
                                           headers=auth(owner, roles=("platform_admin", "moderator")))
        assert response.status_code == 422, (method, path, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("bad", ["a/b", " ", "user alice", "..", "zo\u00eb", ""], ids=repr)
def test_every_query_refuses_an_invalid_subject_id(client, dao, bad):
    owner = dao.owner_subject_id
    for path in ("permissions?subject_id=", "delegations?delegator_id=", "delegations?delegate_id="):
        response = client.get(f"/api/v1/daos/{dao.slug}/{path}{quote(bad, safe='')}", headers=auth(owner))
        assert response.status_code == 422, (path, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("sub", ["a/b", "", " ", "user alice", "user:a\n", "x" * 201, "zo\u00eb"], ids=repr)
def test_a_token_whose_sub_is_not_a_subject_id_is_401(client, sub):
    token = jwt.encode({"sub": sub, "exp": 4_000_000_000}, TEST_JWT_SECRET, algorithm="HS256")
    response = client.get("/api/v1/daos", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("subject", VALID)
def test_every_valid_subject_id_is_reachable_through_the_member_routes(client, dao, subject):
    owner = dao.owner_subject_id
    response = client.post(f"/api/v1/daos/{dao.slug}/members", json={"subject_id": subject}, headers=auth(owner))
    assert response.status_code == 201, response.get_json()
    location = response.headers["Location"]
    for path in (location, f"/api/v1/daos/{dao.slug}/members/{quote(subject, safe='')}"):
        read = client.get(path, headers=auth(owner))
        assert read.status_code == 200 and read.get_json()["subject_id"] == subject, (path, read.get_json())
    changed = client.patch(location, json={"role": "observer"}, headers=auth(owner))
    assert changed.status_code == 200 and changed.get_json()["role"] == "observer", changed.get_json()
    asked = client.get(f"/api/v1/daos/{dao.slug}/permissions?subject_id={quote(subject, safe='')}&action=can_audit",
                       headers=auth(owner))
    assert asked.status_code == 200 and asked.get_json()["allowed"] is True, asked.get_json()
    assert client.delete(location, headers=auth(owner)).status_code == 204
    assert client.get(location, headers=auth(owner)).get_json()["status"] == "left"


def test_a_valid_subject_id_acts_with_its_own_token(client):
    subject = unique("user:ann.lee") + "@example.org"
    dao = make_dao(owner=subject)
    add_member(dao, "ag_helion", subject_type="agent")
    response = client.get(f"/api/v1/daos/{dao.slug}/members/{subject}", headers=auth(subject))
    assert response.status_code == 200, response.get_json()
    agent = client.get(f"/api/v1/daos/{dao.slug}", headers=auth("ag_helion", subject_type="agent"))
    assert agent.status_code == 200, agent.get_json()
