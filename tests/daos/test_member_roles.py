"""Extra roles of a member (SPEC 3 `dao_role_assignments`, SPEC 4): PUT and DELETE
/daos/{slug}/members/{subject_id}/roles/{code}, the no-escalation rule, `member_updated`."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, events_of, problem
from tests.factories import add_member, make_dao, make_role


@pytest.fixture
def dao():
    return make_dao()


def url(dao, subject_id, code):
    return f"/api/v1/daos/{dao.slug}/members/{subject_id}/roles/{code}"


def put(client, dao, subject_id, code, actor=None):
    return client.put(url(dao, subject_id, code), headers=auth(actor or dao.owner_subject_id))


def delete(client, dao, subject_id, code, actor=None):
    return client.delete(url(dao, subject_id, code), headers=auth(actor or dao.owner_subject_id))


def entitlements(client, dao, subject_id) -> list[str]:
    response = client.get(f"/api/v1/daos/{dao.slug}/permissions?subject_id={subject_id}",
                          headers=auth(dao.owner_subject_id))
    return response.get_json()["entitlements"]


def test_an_extra_role_is_given_once_with_its_event_and_its_entitlements(client, dao):
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    subject = unique("user:m")
    add_member(dao, subject)
    response = put(client, dao, subject, "auditor")
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert (shown["subject_id"], shown["role"], shown["roles"]) == (subject, "member", ["member", "auditor"])
    [event] = events_of(dao.id, "member_updated")
    assert event.payload["data"] == {"changes": {"roles": ["member", "auditor"]}, "member": shown}
    assert event.actor == dao.owner_subject_id
    assert "can_audit" in entitlements(client, dao, subject)

    again = put(client, dao, subject, "auditor")
    assert again.status_code == 200 and again.get_json() == shown
    assert len(events_of(dao.id, "member_updated")) == 1  # held already: no change, no event
    members = client.get(f"/api/v1/daos/{dao.slug}/members?role=auditor", headers=auth(subject)).get_json()
    assert [m["subject_id"] for m in members["items"]] == [subject]
    assert client.get(f"/api/v1/daos/{dao.slug}/members/{subject}", headers=auth(subject)).get_json() == shown


def test_an_extra_role_is_taken_away_once(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    put(client, dao, subject, "observer")
    assert delete(client, dao, subject, "observer").status_code == 204
    shown = client.get(f"/api/v1/daos/{dao.slug}/members/{subject}", headers=auth(subject)).get_json()
    assert shown["roles"] == ["member"]
    granted, revoked = events_of(dao.id, "member_updated")
    assert revoked.payload["data"]["changes"] == {"roles": ["member"]}
    assert "can_audit" not in entitlements(client, dao, subject)
    assert delete(client, dao, subject, "observer").status_code == 204  # not held: no change
    assert len(events_of(dao.id, "member_updated")) == 2


def test_several_extra_roles_are_listed_in_code_order_and_a_held_role_cannot_be_deleted(client, dao):
    make_role(dao, "treasurer", {"can_read": True, "can_manage_treasury": True})
    subject = unique("user:m")
    add_member(dao, subject, role="guest")
    for code in ("treasurer", "observer"):
        assert put(client, dao, subject, code).status_code == 200
    shown = client.get(f"/api/v1/daos/{dao.slug}/members/{subject}", headers=auth(subject)).get_json()
    assert shown["roles"] == ["guest", "observer", "treasurer"]
    held = client.delete(f"/api/v1/daos/{dao.slug}/roles/treasurer", headers=auth(dao.owner_subject_id))
    problem(held, 409, "role_in_use")


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_both_routes_refuse_bad_credentials_with_401(client, dao, credentials):
    for method in (client.put, client.delete):
        response = method(url(dao, dao.owner_subject_id, "observer"), headers=BAD_CREDENTIALS[credentials])
        problem(response, 401, "unauthorized")


def test_both_routes_need_can_manage_members(client, dao):
    member, other = unique("user:m"), unique("user:o")
    add_member(dao, member)
    add_member(dao, other)
    for call in (put, delete):
        problem(call(client, dao, other, "observer", actor=member), 403, "forbidden")
        problem(call(client, dao, other, "observer", actor=unique("user:outsider")), 403, "forbidden")
    assert events_of(dao.id, "member_updated") == []


def test_a_manager_cannot_give_or_take_entitlements_it_does_not_hold(client, dao):
    make_role(dao, "manager", {"can_read": True, "can_manage_members": True})
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    manager, member, admin = unique("user:mgr"), unique("user:m"), unique("user:adm")
    add_member(dao, manager, role="manager")
    add_member(dao, member, role="guest")
    add_member(dao, admin, role="admin")
    problem(put(client, dao, member, "auditor", actor=manager), 403, "forbidden")  # grants can_audit
    problem(put(client, dao, manager, "admin", actor=manager), 403, "forbidden")  # to itself
    problem(put(client, dao, admin, "guest", actor=manager), 403, "forbidden")  # the admin's roles
    assert put(client, dao, member, "manager", actor=manager).status_code == 200  # within its own
    assert delete(client, dao, member, "manager", actor=manager).status_code == 204
    put(client, dao, member, "auditor")
    problem(delete(client, dao, member, "auditor", actor=manager), 403, "forbidden")  # takes can_audit
    problem(put(client, dao, member, "manager", actor=manager), 403, "forbidden")  # the member's can_audit


@pytest.mark.parametrize("code, why", [
    ("no-such-role", "unknown role"), ("Bad Role", "unknown role"), ("member", "is the member's role already"),
    ("owner", "not as an extra role"),
])
def test_put_refuses_a_role_it_cannot_give_with_422(client, dao, code, why):
    subject = unique("user:m")
    add_member(dao, subject)
    errors = problem(put(client, dao, subject, code), 422, "validation_error")["errors"]
    assert list(errors) == ["code"] and why in errors["code"][0]
    assert events_of(dao.id, "member_updated") == []


def test_delete_of_a_role_the_dao_does_not_define_is_422(client, dao):
    subject = unique("user:m")
    add_member(dao, subject)
    assert "code" in problem(delete(client, dao, subject, "no-such-role"), 422, "validation_error")["errors"]


def test_an_unknown_member_or_dao_is_404_and_a_deactivated_dao_409(client, dao):
    problem(put(client, dao, unique("user:none"), "observer"), 404, "not_found")
    problem(delete(client, dao, unique("user:none"), "observer"), 404, "not_found")
    problem(client.put(f"/api/v1/daos/{unique('nodao')}/members/x/roles/observer",
                       headers=auth(dao.owner_subject_id)), 404, "not_found")
    subject = unique("user:m")
    add_member(dao, subject)
    client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(dao.owner_subject_id))
    problem(put(client, dao, subject, "observer"), 409, "invalid_state")
    problem(delete(client, dao, subject, "observer"), 409, "invalid_state")
