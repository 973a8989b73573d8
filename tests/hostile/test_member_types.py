"""Members are unique per (dao, subject_type, subject_id) (issue 11, item 6; SPEC 3): `user:x` and
`agent:x` are two members, each with its own role, power, status and extra roles. A path names
one with `?subject_type=`; without it, an id held by both is 409 `ambiguous_subject`, and an id
held by one is that member."""

from __future__ import annotations

import pytest

from infra.db import transaction
from models import DaoRoleAssignment
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao, make_role
from tests.proposals.helpers import WAIT, act, create, finished, vote


@pytest.fixture
def dao():
    return make_dao()


def members_url(dao, subject_id, subject_type=None):
    return f"/api/v1/daos/{dao.slug}/members/{subject_id}" + (f"?subject_type={subject_type}" if subject_type else "")


def _both(dao, *, user_role="admin", agent_role="observer", user_status="active"):
    subject = unique("x")
    add_member(dao, subject, role=user_role, voting_power=5, status=user_status)
    return subject


@pytest.mark.parametrize("user_status", ["active", "left", "pending"])
def test_adding_the_agent_of_a_users_id_adds_a_second_member(client, dao, user_status):
    owner = dao.owner_subject_id
    subject = _both(dao, user_status=user_status)
    response = client.post(f"/api/v1/daos/{dao.slug}/members", headers=auth(owner),
                           json={"subject_id": subject, "subject_type": "agent", "role": "observer"})
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].endswith(f"/members/{subject}?subject_type=agent")
    user = client.get(members_url(dao, subject, "user"), headers=auth(owner)).get_json()
    assert (user["subject_type"], user["role"], user["status"], user["voting_power"]) == (
        "user", "admin", user_status, "5.00000000")
    agent = client.get(response.headers["Location"], headers=auth(owner)).get_json()
    assert (agent["subject_type"], agent["role"], agent["status"]) == ("agent", "observer", "active")
    listed = client.get(f"/api/v1/daos/{dao.slug}/members?limit=500", headers=auth(owner)).get_json()["items"]
    assert sorted(m["subject_type"] for m in listed if m["subject_id"] == subject) == ["agent", "user"]


def test_a_path_naming_an_id_held_by_both_asks_for_the_type(client, dao):
    owner = dao.owner_subject_id
    subject = _both(dao)
    add_member(dao, subject, role="observer", subject_type="agent")
    for method, body in (("get", None), ("patch", {"role": "member"}), ("delete", None)):
        response = getattr(client, method)(members_url(dao, subject), json=body, headers=auth(owner))
        assert response.status_code == 409, (method, response.get_json())
        assert response.get_json()["code"] == "ambiguous_subject" and "subject_type" in response.get_json()["detail"]
    pdp = client.get(f"/api/v1/daos/{dao.slug}/permissions?subject_id={subject}", headers=auth(owner))
    assert pdp.status_code == 409 and pdp.get_json()["code"] == "ambiguous_subject"


def test_each_member_of_a_shared_id_is_changed_and_removed_on_its_own(client, dao):
    owner = dao.owner_subject_id
    subject = _both(dao)
    add_member(dao, subject, role="observer", subject_type="agent")
    changed = client.patch(members_url(dao, subject, "agent"), json={"voting_power": "2"}, headers=auth(owner))
    assert changed.status_code == 200 and changed.get_json()["subject_type"] == "agent", changed.get_json()
    assert client.delete(members_url(dao, subject, "user"), headers=auth(owner)).status_code == 204
    user = client.get(members_url(dao, subject, "user"), headers=auth(owner)).get_json()
    agent = client.get(members_url(dao, subject, "agent"), headers=auth(owner)).get_json()
    assert (user["status"], user["voting_power"]) == ("left", "5.00000000")
    assert (agent["status"], agent["voting_power"]) == ("active", "2.00000000")


def test_an_id_held_by_one_member_needs_no_type(client, dao):
    owner = dao.owner_subject_id
    subject = unique("ag_solo")
    add_member(dao, subject, subject_type="agent")
    assert client.get(members_url(dao, subject), headers=auth(owner)).get_json()["subject_type"] == "agent"
    response = client.get(members_url(dao, subject, "user"), headers=auth(owner))
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert client.get(members_url(dao, subject, "robot"), headers=auth(owner)).status_code == 422


def test_each_member_acts_with_its_own_entitlements_and_extra_roles(client, dao):
    owner = dao.owner_subject_id
    subject = _both(dao)  # the user is an admin
    add_member(dao, subject, role="guest", subject_type="agent")
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    with transaction() as session:
        session.add(DaoRoleAssignment(dao_id=dao.id, subject_id=subject, subject_type="agent", role="auditor"))
    as_agent = auth(subject, subject_type="agent")
    refused = client.post(f"/api/v1/daos/{dao.slug}/members", json={"subject_id": unique("user:y")}, headers=as_agent)
    assert refused.status_code == 403, refused.get_json()
    mine = client.get(f"/api/v1/daos/{dao.slug}/permissions", headers=as_agent).get_json()
    assert mine["entitlements"] == ["can_audit", "can_read"]
    agent = client.get(members_url(dao, subject, "agent"), headers=auth(owner)).get_json()
    user = client.get(members_url(dao, subject, "user"), headers=auth(owner)).get_json()
    assert agent["roles"] == ["guest", "auditor"] and user["roles"] == ["admin"]
    assert client.delete(members_url(dao, subject), headers=as_agent).status_code == 204  # leaving: its own
    assert client.get(members_url(dao, subject, "user"), headers=auth(owner)).get_json()["status"] == "active"


def test_an_executed_action_names_the_member_by_its_type(client, worker, dao):
    owner = dao.owner_subject_id
    subject = _both(dao, user_role="member")
    add_member(dao, subject, role="member", subject_type="agent")
    actions = [{"type": "remove_member", "subject_id": subject, "subject_type": "agent"},
               {"type": "set_role", "subject_id": subject, "subject_type": "user", "role": "observer"}]
    proposal = create(client, dao, owner, action_payload={"actions": actions})
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], owner, "yes")
    act(client, dao, proposal["slug"], "close", owner)
    act(client, dao, proposal["slug"], "execute", owner)
    agent = client.get(members_url(dao, subject, "agent"), headers=auth(owner)).get_json()
    user = client.get(members_url(dao, subject, "user"), headers=auth(owner)).get_json()
    assert (agent["status"], user["status"], user["role"]) == ("left", "active", "observer")


def test_an_action_naming_a_shared_id_without_its_type_fails_clearly(client, worker, dao):
    owner = dao.owner_subject_id
    subject = _both(dao, user_role="member")
    add_member(dao, subject, role="member", subject_type="agent")
    proposal = create(client, dao, owner, action_payload={"actions": [{"type": "remove_member", "subject_id": subject}]})
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], owner, "yes")
    act(client, dao, proposal["slug"], "close", owner)
    response = client.post(f"/api/v1/daos/{dao.slug}/proposals/{proposal['slug']}/execute", headers=auth(owner, **WAIT))
    job = finished(client, response.get_json(), owner)
    assert job["status"] == "failed" and job["error"]["code"] == "ambiguous_subject", job
