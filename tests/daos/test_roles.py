"""Roles (SPEC 4, 8.3) and the permission decision point."""

import pytest

from governance.entitlements import ENTITLEMENTS
from models import DaoRoleAssignment
from infra.db import transaction
from tests.conftest import auth, unique
from tests.daos.common import problem, walk
from tests.factories import add_member, make_dao, make_role

AUDITOR = {"can_read": True, "can_audit": True}


@pytest.fixture
def dao():
    return make_dao()


def url(dao, code=None):
    base = f"/api/v1/daos/{dao.slug}/roles"
    return f"{base}/{code}" if code else base


def complete(**granted):
    return {name: granted.get(name, False) for name in ENTITLEMENTS}


# --- list and read ------------------------------------------------------------------------------

def test_list_shows_the_default_roles_by_code_and_paginates(client, dao):
    roles = walk(client, url(dao), dao.owner_subject_id, limit=2)
    assert [r["code"] for r in roles] == ["admin", "guest", "member", "observer", "owner"]
    owner = next(r for r in roles if r["code"] == "owner")
    assert owner["entitlements"] == complete(**{name: True for name in ENTITLEMENTS}) and owner["is_default"]
    guest = client.get(url(dao, "guest"), headers=auth(dao.owner_subject_id)).get_json()
    assert guest["entitlements"] == complete(can_read=True) and guest["name"] == "Guest"


def test_reading_roles_needs_can_read(client, dao):
    problem(client.get(url(dao), headers=auth(unique("user:x"))), 403)
    problem(client.get(url(dao, "owner"), headers=auth(unique("user:x"))), 403)
    problem(client.get(url(dao, "nope"), headers=auth(dao.owner_subject_id)), 404)
    problem(client.get(f"/api/v1/daos/{unique('none')}/roles", headers=auth(dao.owner_subject_id)), 404)
    problem(client.get(url(dao) + "?limit=9999", headers=auth(dao.owner_subject_id)), 422)


# --- create -------------------------------------------------------------------------------------

def test_create_a_custom_role_and_give_it_to_a_member(client, dao):
    response = client.post(url(dao), json={"code": "auditor", "name": "Auditor", "entitlements": AUDITOR},
                           headers=auth(dao.owner_subject_id))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == url(dao, "auditor")
    assert body["entitlements"] == complete(**AUDITOR) and body["is_default"] is False
    subject = unique("user:aud")
    member = client.post(f"/api/v1/daos/{dao.slug}/members", json={"subject_id": subject, "role": "auditor"},
                         headers=auth(dao.owner_subject_id))
    assert member.status_code == 201
    permissions = client.get(f"/api/v1/daos/{dao.slug}/permissions?action=audit", headers=auth(subject)).get_json()
    assert permissions["allowed"] is True and permissions["entitlements"] == ["can_audit", "can_read"]


def test_create_an_existing_code_is_409(client, dao):
    make_role(dao, "agent-core", AUDITOR)
    for code in ("agent-core", "owner"):
        response = client.post(url(dao), json={"code": code, "entitlements": {}}, headers=auth(dao.owner_subject_id))
        problem(response, 409, "role_exists")


@pytest.mark.parametrize("body, field", [
    ({"entitlements": {}}, "code"),
    ({"code": "x", "entitlements": {}}, "code"),
    ({"code": "Caps", "entitlements": {}}, "code"),
    ({"code": "c" * 65, "entitlements": {}}, "code"),
    ({"code": "auditor"}, "entitlements"),
    ({"code": "auditor", "entitlements": ["can_read"]}, "entitlements"),
    ({"code": "auditor", "entitlements": {"can_fly": True}}, "entitlements.can_fly"),
    ({"code": "auditor", "entitlements": {"can_read": "yes"}}, "entitlements.can_read"),
    ({"code": "auditor", "entitlements": {}, "name": ""}, "name"),
    ({"code": "auditor", "entitlements": {}, "is_default": True}, "is_default"),
])
def test_create_refuses_bad_input_with_422(client, dao, body, field):
    response = client.post(url(dao), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422, "validation_error")["errors"]


def test_create_with_malformed_json_is_400(client, dao):
    problem(client.post(url(dao), data="{{", content_type="application/json", headers=auth(dao.owner_subject_id)), 400)


def test_managing_roles_needs_can_manage_roles_and_no_escalation(client, dao):
    member, designer = unique("user:m"), unique("user:d")
    add_member(dao, member)
    make_role(dao, "designer", {"can_read": True, "can_manage_roles": True})
    add_member(dao, designer, role="designer")
    body = {"code": "auditor", "entitlements": AUDITOR}
    problem(client.post(url(dao), json=body, headers=auth(member)), 403, "forbidden")
    problem(client.post(url(dao), json=body, headers=auth(unique("user:x"))), 403)
    problem(client.post(url(dao), json=body, headers=auth(designer)), 403)  # it lacks can_audit
    ok = client.post(url(dao), json={"code": "reader", "entitlements": {"can_read": True}}, headers=auth(designer))
    assert ok.status_code == 201
    problem(client.put(url(dao, "admin"), json={"entitlements": {"can_read": True}}, headers=auth(designer)), 403)
    problem(client.post(f"/api/v1/daos/{unique('none')}/roles", json=body, headers=auth(member)), 404)


# --- replace ------------------------------------------------------------------------------------

def test_put_replaces_the_entitlements_and_the_name(client, dao):
    make_role(dao, "auditor", AUDITOR)
    response = client.put(url(dao, "auditor"), json={"name": "Reader", "entitlements": {"can_read": True}},
                          headers=auth(dao.owner_subject_id))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["entitlements"] == complete(can_read=True)
    assert response.get_json()["name"] == "Reader"
    member = client.put(url(dao, "member"), json={"entitlements": {"can_read": True, "can_vote": True}},
                        headers=auth(dao.owner_subject_id))
    assert member.status_code == 200 and member.get_json()["entitlements"]["can_create_proposals"] is False


def test_the_owner_role_keeps_every_entitlement(client, dao):
    owner = auth(dao.owner_subject_id)
    response = client.put(url(dao, "owner"), json={"entitlements": {"can_read": True}}, headers=owner)
    problem(response, 409, "default_role")
    everything = {name: True for name in ENTITLEMENTS}
    renamed = client.put(url(dao, "owner"), json={"name": "Founder", "entitlements": everything}, headers=owner)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Founder"


def test_put_errors(client, dao):
    owner = auth(dao.owner_subject_id)
    problem(client.put(url(dao, "nope"), json={"entitlements": {}}, headers=owner), 404)
    problem(client.put(url(dao, "member"), json={"entitlements": {"can_x": True}}, headers=owner), 422)
    problem(client.put(url(dao, "member"), json={"code": "other", "entitlements": {}}, headers=owner), 422)
    problem(client.put(url(dao, "member"), data="nope", content_type="application/json", headers=owner), 400)
    member = unique("user:m")
    add_member(dao, member)
    problem(client.put(url(dao, "member"), json={"entitlements": {}}, headers=auth(member)), 403)


# --- delete -------------------------------------------------------------------------------------

def test_delete_a_custom_role_nobody_holds(client, dao):
    make_role(dao, "auditor", AUDITOR)
    assert client.delete(url(dao, "auditor"), headers=auth(dao.owner_subject_id)).status_code == 204
    problem(client.get(url(dao, "auditor"), headers=auth(dao.owner_subject_id)), 404)
    problem(client.delete(url(dao, "auditor"), headers=auth(dao.owner_subject_id)), 404)


def test_default_roles_and_roles_in_use_cannot_be_deleted(client, dao):
    problem(client.delete(url(dao, "guest"), headers=auth(dao.owner_subject_id)), 409, "default_role")
    make_role(dao, "auditor", AUDITOR)
    former = unique("user:f")
    add_member(dao, former, role="auditor", status="left")
    problem(client.delete(url(dao, "auditor"), headers=auth(dao.owner_subject_id)), 409, "role_in_use")
    make_role(dao, "extra", AUDITOR)
    with transaction() as session:
        session.add(DaoRoleAssignment(dao_id=dao.id, subject_id=dao.owner_subject_id, role="extra"))
    problem(client.delete(url(dao, "extra"), headers=auth(dao.owner_subject_id)), 409, "role_in_use")


def test_delete_needs_can_manage_roles(client, dao):
    make_role(dao, "auditor", AUDITOR)
    member = unique("user:m")
    add_member(dao, member)
    problem(client.delete(url(dao, "auditor"), headers=auth(member)), 403)
    problem(client.delete(url(dao, "auditor"), headers=auth(unique("user:x"))), 403)


# --- permissions (PDP) --------------------------------------------------------------------------

def pdp(client, dao, caller, **query):
    return client.get(f"/api/v1/daos/{dao.slug}/permissions", query_string=query, headers=auth(caller))


def test_permissions_answer_for_another_subject_and_for_the_caller(client, dao):
    member = unique("user:m")
    add_member(dao, member)
    answer = pdp(client, dao, dao.owner_subject_id, subject_id=member, action="vote").get_json()
    assert answer == {"subject_id": member, "action": "vote", "allowed": True,
                      "entitlements": ["can_create_proposals", "can_read", "can_vote"]}
    treasury = pdp(client, dao, dao.owner_subject_id, subject_id=member, action="can_manage_treasury")
    assert treasury.get_json()["allowed"] is False
    mine = pdp(client, dao, member).get_json()
    assert mine["subject_id"] == member and mine["allowed"] is None and "can_vote" in mine["entitlements"]


def test_permissions_of_non_active_members_and_strangers_are_empty(client):
    public = make_dao(is_public=True)
    pending = unique("user:p")
    add_member(public, pending, status="pending")
    stranger = pdp(client, public, public.owner_subject_id, subject_id=unique("user:x"), action="read").get_json()
    assert stranger["allowed"] is True and stranger["entitlements"] == ["can_read"]  # a public DAO
    private = make_dao()
    add_member(private, pending, status="pending")
    answer = pdp(client, private, private.owner_subject_id, subject_id=pending, action="read").get_json()
    assert answer["allowed"] is False and answer["entitlements"] == []


def test_permissions_errors(client, dao):
    problem(pdp(client, dao, dao.owner_subject_id, action="fly"), 422, "validation_error")
    problem(pdp(client, dao, dao.owner_subject_id, subject_id=""), 422)
    problem(pdp(client, dao, dao.owner_subject_id, verb="read"), 422)
    problem(pdp(client, dao, unique("user:x"), action="read"), 403)
    problem(client.get(f"/api/v1/daos/{unique('none')}/permissions", headers=auth("user:a")), 404)
