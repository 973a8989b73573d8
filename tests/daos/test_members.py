"""Members (SPEC 4, 8.3, 8.4): list, add, read, change, remove; the DAO keeps an owner."""

import pytest

from models import DaoRoleAssignment
from infra.db import transaction
from tests.conftest import auth, unique
from tests.daos.common import events_of, problem, walk
from tests.factories import add_member, make_dao, make_role


@pytest.fixture
def dao():
    return make_dao()


def url(dao, subject_id=None):
    base = f"/api/v1/daos/{dao.slug}/members"
    return f"{base}/{subject_id}" if subject_id else base


def post(client, dao, actor, **body):
    return client.post(url(dao), json=body, headers=auth(actor))


# --- add ----------------------------------------------------------------------------------------

def test_owner_adds_a_member_with_defaults(client, dao):
    subject = unique("user:new")
    response = post(client, dao, dao.owner_subject_id, subject_id=subject)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == url(dao, subject) + "?subject_type=user"
    assert {k: body[k] for k in ("subject_id", "subject_type", "role", "roles", "status", "voting_power")} == {
        "subject_id": subject, "subject_type": "user", "role": "member", "roles": ["member"],
        "status": "active", "voting_power": "1.00000000",
    }
    assert body["joined_at"].endswith("Z")
    [event] = events_of(dao.id, "member_added")
    assert event.payload["data"] == body and event.actor == dao.owner_subject_id


def test_add_an_agent_with_a_role_and_power(client, dao):
    agent = unique("ag")
    response = post(client, dao, dao.owner_subject_id, subject_id=agent, subject_type="agent", role="observer",
                    voting_power="2.5")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["subject_type"], body["role"], body["voting_power"]) == ("agent", "observer", "2.50000000")


def test_adding_an_active_member_again_is_409(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    problem(post(client, dao, dao.owner_subject_id, subject_id=subject), 409, "already_member")


def test_a_member_who_left_is_reactivated_by_adding_again(client, dao):
    subject = unique("user:m")
    add_member(dao, subject, status="left")
    response = post(client, dao, dao.owner_subject_id, subject_id=subject, role="observer", voting_power=3)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["role"], body["voting_power"]) == ("active", "observer", "3.00000000")


@pytest.mark.parametrize("body, field", [
    ({}, "subject_id"), ({"subject_id": ""}, "subject_id"), ({"subject_id": "u" * 201}, "subject_id"),
    ({"subject_id": "user:x", "subject_type": "robot"}, "subject_type"),
    ({"subject_id": "user:x", "role": "Bad Role"}, "role"),
    ({"subject_id": "user:x", "role": "no-such-role"}, "role"),
    ({"subject_id": "user:x", "voting_power": "-1"}, "voting_power"),
    ({"subject_id": "user:x", "voting_power": "1.123456789"}, "voting_power"),
    ({"subject_id": "user:x", "status": "active"}, "status"),
])
def test_add_refuses_bad_input_with_422(client, dao, body, field):
    response = client.post(url(dao), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422, "validation_error")["errors"]


def test_add_with_malformed_json_is_400(client, dao):
    response = client.post(url(dao), data="[", content_type="application/json", headers=auth(dao.owner_subject_id))
    problem(response, 400)


def test_add_needs_can_manage_members(client, dao):
    member = unique("user:m")
    add_member(dao, member)
    problem(post(client, dao, member, subject_id=unique("user:x")), 403, "forbidden")
    problem(post(client, dao, unique("user:stranger"), subject_id=unique("user:x")), 403, "forbidden")
    problem(post(client, make_dao(is_public=True), unique("user:stranger"), subject_id="user:x"), 403)
    problem(client.post(f"/api/v1/daos/{unique('none')}/members", json={"subject_id": "user:x"},
                        headers=auth(member)), 404)


def test_a_manager_cannot_grant_entitlements_it_does_not_hold(client, dao):
    manager = unique("user:mgr")
    make_role(dao, "membership", {"can_read": True, "can_manage_members": True})
    add_member(dao, manager, role="membership")
    assert post(client, dao, manager, subject_id=unique("user:ok"), role="member").status_code == 403
    assert post(client, dao, manager, subject_id=unique("user:ok"), role="guest").status_code == 201
    problem(post(client, dao, manager, subject_id=unique("user:x"), role="admin"), 403, "forbidden")
    problem(client.delete(url(dao, dao.owner_subject_id), headers=auth(manager)), 403, "forbidden")


# --- list and read ------------------------------------------------------------------------------

def test_list_filters_by_status_and_role_and_paginates(client, dao):
    actives = [unique("user:a") for _ in range(5)]
    for subject in actives:
        add_member(dao, subject)
    gone = unique("user:gone")
    add_member(dao, gone, role="observer", status="left")
    owner = dao.owner_subject_id
    everyone = walk(client, url(dao), owner, limit=2)
    assert sorted(m["subject_id"] for m in everyone) == sorted(actives + [gone, owner])
    assert [m["subject_id"] for m in everyone] == sorted(m["subject_id"] for m in everyone)
    left = walk(client, url(dao) + "?status=left", owner, limit=2)
    assert [m["subject_id"] for m in left] == [gone]
    observers = walk(client, url(dao) + "?role=observer", owner, limit=10)
    assert [m["subject_id"] for m in observers] == [gone]


def test_roles_lists_the_extra_roles_and_the_role_filter_finds_them(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    with transaction() as session:
        session.add(DaoRoleAssignment(dao_id=dao.id, subject_id=subject, role="observer"))
    body = client.get(url(dao, subject), headers=auth(dao.owner_subject_id)).get_json()
    assert body["role"] == "member" and body["roles"] == ["member", "observer"]
    observers = walk(client, url(dao) + "?role=observer", dao.owner_subject_id, limit=10)
    assert [m["subject_id"] for m in observers] == [subject]


@pytest.mark.parametrize("query", ["?status=gone", "?role=BAD", "?limit=0", "?cursor=zz", "?x=1"])
def test_list_refuses_bad_queries(client, dao, query):
    problem(client.get(url(dao) + query, headers=auth(dao.owner_subject_id)), 422)


def test_reading_members_needs_can_read(client, dao):
    member, pending = unique("user:m"), unique("user:p")
    add_member(dao, member)
    add_member(dao, pending, status="pending")
    assert client.get(url(dao), headers=auth(member)).status_code == 200
    assert client.get(url(dao, member), headers=auth(member)).status_code == 200
    problem(client.get(url(dao), headers=auth(pending)), 403)
    problem(client.get(url(dao, member), headers=auth(unique("user:x"))), 403)
    problem(client.get(url(dao, unique("user:nobody")), headers=auth(member)), 404, "not_found")
    problem(client.get(f"/api/v1/daos/{unique('none')}/members", headers=auth(member)), 404)


# --- change -------------------------------------------------------------------------------------

def test_patch_changes_role_power_and_status_with_events(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    response = client.patch(url(dao, subject), json={"role": "admin", "voting_power": "4", "status": "pending"},
                            headers=auth(dao.owner_subject_id))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["role"], body["voting_power"], body["status"]) == ("admin", "4.00000000", "pending")
    [updated] = events_of(dao.id, "member_updated")
    assert updated.payload["data"]["changes"] == {"role": "admin", "voting_power": "4.00000000", "status": "pending"}
    [changed] = events_of(dao.id, "role_changed")
    assert changed.payload["data"] == {"subject_id": subject, "role": "admin", "previous_role": "member"}


def test_patch_with_nothing_new_records_nothing(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    response = client.patch(url(dao, subject), json={"role": "member", "voting_power": 1},
                            headers=auth(dao.owner_subject_id))
    assert response.status_code == 200
    assert events_of(dao.id, "member_updated") == [] and events_of(dao.id, "role_changed") == []


@pytest.mark.parametrize("body, field", [
    ({"role": "nope"}, "role"), ({"voting_power": "-0.5"}, "voting_power"), ({"status": "vanished"}, "status"),
    ({"subject_id": "user:other"}, "subject_id"), ({"joined_at": "2020-01-01T00:00:00Z"}, "joined_at"),
])
def test_patch_refuses_bad_input(client, dao, body, field):
    subject = unique("user:m")
    add_member(dao, subject)
    response = client.patch(url(dao, subject), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422)["errors"]


def test_patch_needs_can_manage_members_and_a_member(client, dao):
    member = unique("user:m")
    add_member(dao, member)
    problem(client.patch(url(dao, member), json={"voting_power": 9}, headers=auth(member)), 403)
    problem(client.patch(url(dao, member), json={"voting_power": 9}, headers=auth(unique("user:x"))), 403)
    problem(client.patch(url(dao, unique("user:none")), json={"voting_power": 9},
                         headers=auth(dao.owner_subject_id)), 404)


def test_the_last_owner_cannot_be_demoted_or_removed(client, dao):
    owner = dao.owner_subject_id
    problem(client.patch(url(dao, owner), json={"role": "admin"}, headers=auth(owner)), 409, "last_owner")
    problem(client.patch(url(dao, owner), json={"status": "left"}, headers=auth(owner)), 409, "last_owner")
    problem(client.delete(url(dao, owner), headers=auth(owner)), 409, "last_owner")
    second = unique("user:o2")
    add_member(dao, second, role="owner")
    assert client.patch(url(dao, owner), json={"role": "admin"}, headers=auth(owner)).status_code == 200
    problem(client.delete(url(dao, second), headers=auth(owner)), 409, "last_owner")


# --- remove -------------------------------------------------------------------------------------

def test_delete_sets_status_left_once(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    assert client.delete(url(dao, subject), headers=auth(dao.owner_subject_id)).status_code == 204
    assert client.delete(url(dao, subject), headers=auth(dao.owner_subject_id)).status_code == 204
    body = client.get(url(dao, subject), headers=auth(dao.owner_subject_id)).get_json()
    assert body["status"] == "left"
    [event] = events_of(dao.id, "member_removed")
    assert event.payload["data"]["status"] == "left"
    problem(client.get(f"/api/v1/daos/{dao.slug}", headers=auth(subject)), 403)


def test_a_member_may_leave_but_not_remove_others(client, dao):
    one, other = unique("user:one"), unique("user:other")
    add_member(dao, one)
    add_member(dao, other)
    problem(client.delete(url(dao, other), headers=auth(one)), 403, "forbidden")
    assert client.delete(url(dao, one), headers=auth(one)).status_code == 204
    problem(client.delete(url(dao, other), headers=auth(unique("user:x"))), 403)
    problem(client.delete(url(dao, unique("user:none")), headers=auth(dao.owner_subject_id)), 404)


def test_roles_of_former_members_still_count_against_escalation(client, dao):
    manager, former_admin = unique("user:mgr"), unique("user:fa")
    make_role(dao, "membership", {"can_read": True, "can_manage_members": True})
    add_member(dao, manager, role="membership")
    add_member(dao, former_admin, role="admin", status="left")
    problem(client.patch(url(dao, former_admin), json={"status": "active"}, headers=auth(manager)), 403)
    problem(post(client, dao, manager, subject_id=former_admin, role="guest"), 403)
