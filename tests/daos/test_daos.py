"""DAOs (SPEC 4, 8.3, 8.4): create, list, overview, update, soft delete."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Dao, DaoMember, DaoRole
from infra.db import transaction
from services.treasury import move_treasury
from tests.conftest import auth, unique
from tests.daos.common import events_of, problem, walk
from tests.factories import add_member, make_dao

DEFAULTS = {
    "description": "", "microdao_id": None, "dao_type": "community", "governance_model": "simple",
    "voting_period_seconds": 604800, "quorum_percent": "20.00000000", "pass_threshold_percent": "50.00000000",
    "allow_vote_change": True, "is_public": False, "is_active": True,
}


def create(client, subject, **body):
    body.setdefault("slug", unique("dao"))
    body.setdefault("name", "A DAO")
    return client.post("/api/v1/daos", json=body, headers=auth(subject))


# --- create -------------------------------------------------------------------------------------

def test_create_makes_the_caller_owner_with_the_default_roles_and_an_event(client):
    owner = unique("user:o")
    response = create(client, owner, name="Makers")
    assert response.status_code == 201, response.get_json()
    dao = response.get_json()
    assert response.headers["Location"] == f"/api/v1/daos/{dao['slug']}"
    assert {k: dao[k] for k in DEFAULTS} == DEFAULTS
    assert dao["name"] == "Makers" and dao["owner_subject_id"] == owner
    assert dao["created_at"].endswith("Z") and dao["id"]
    with transaction() as session:
        roles = {r.code: r for r in session.scalars(select(DaoRole).where(DaoRole.dao_id == dao["id"]))}
        members = session.scalars(select(DaoMember).where(DaoMember.dao_id == dao["id"])).all()
    assert set(roles) == {"owner", "admin", "member", "observer", "guest"}
    assert all(r.is_default for r in roles.values())
    assert roles["member"].entitlements["can_vote"] and not roles["member"].entitlements["can_manage_dao"]
    assert [(m.subject_id, m.role, m.status, m.voting_power) for m in members] == [(owner, "owner", "active", 1)]
    [event] = events_of(dao["id"])
    assert event.type == "dao_created" and event.subject == f"dao.{dao['slug']}.dao_created"
    assert dao.pop("project_ids") == []  # links have events of their own (tests/daos/test_projects.py)
    assert event.actor == owner and event.payload["data"] == dao


def test_create_with_every_setting(client):
    body = {
        "slug": unique("full"), "name": "Full", "description": "d" * 5000, "dao_type": "trust",
        "governance_model": "quadratic", "voting_period_seconds": 60, "quorum_percent": "33.5",
        "pass_threshold_percent": 66, "allow_vote_change": False, "is_public": True, "microdao_id": "micro-1",
    }
    response = client.post("/api/v1/daos", json=body, headers=auth(unique("user:o")))
    assert response.status_code == 201, response.get_json()
    dao = response.get_json()
    assert dao["quorum_percent"] == "33.50000000" and dao["pass_threshold_percent"] == "66.00000000"
    assert {k: dao[k] for k in ("dao_type", "governance_model", "voting_period_seconds", "allow_vote_change",
                                "is_public", "microdao_id")} == {
        "dao_type": "trust", "governance_model": "quadratic", "voting_period_seconds": 60,
        "allow_vote_change": False, "is_public": True, "microdao_id": "micro-1",
    }


def test_an_agent_can_create_a_dao(client):
    agent = unique("ag")
    response = client.post("/api/v1/daos", json={"slug": unique("ag"), "name": "Agents"},
                           headers=auth(agent, subject_type="agent"))
    assert response.status_code == 201
    with transaction() as session:
        member = session.scalar(select(DaoMember).where(DaoMember.dao_id == response.get_json()["id"]))
    assert (member.subject_id, member.subject_type, member.role) == (agent, "agent", "owner")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"slug": "ab"}, "slug"),
        ({"slug": "x" * 65}, "slug"),
        ({"slug": "Upper-Case"}, "slug"),
        ({"slug": "with_underscore"}, "slug"),
        ({"slug": None}, "slug"),
        ({"slug": "---"}, "slug"),
        ({"slug": "-ab-"}, "slug"),
        ({"slug": "ab-"}, "slug"),
        ({"slug": "-abc"}, "slug"),
        ({"slug": "ab--cd"}, "slug"),
        ({"slug": "abc\n"}, "slug"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"description": "d" * 5001}, "description"),
        ({"dao_type": "club"}, "dao_type"),
        ({"governance_model": "plutocracy"}, "governance_model"),
        ({"voting_period_seconds": 59}, "voting_period_seconds"),
        ({"voting_period_seconds": 31_536_001}, "voting_period_seconds"),
        ({"voting_period_seconds": 3600.5}, "voting_period_seconds"),
        ({"voting_period_seconds": "soon"}, "voting_period_seconds"),
        ({"quorum_percent": "100.00000001"}, "quorum_percent"),
        ({"quorum_percent": -1}, "quorum_percent"),
        ({"quorum_percent": "NaN"}, "quorum_percent"),
        ({"pass_threshold_percent": "half"}, "pass_threshold_percent"),
        ({"pass_threshold_percent": "50.123456789"}, "pass_threshold_percent"),
        ({"allow_vote_change": "maybe"}, "allow_vote_change"),
        ({"is_public": []}, "is_public"),
        ({"microdao_id": "m" * 201}, "microdao_id"),
        ({"is_active": False}, "is_active"),
        ({"owner_subject_id": "user:mallory"}, "owner_subject_id"),
    ],
)
def test_create_refuses_bad_fields_with_422(client, body, field):
    body = {"slug": unique("bad"), "name": "Bad", **body}
    response = client.post("/api/v1/daos", json=body, headers=auth("user:a"))
    assert field in problem(response, 422, "validation_error")["errors"]


def test_create_requires_slug_and_name(client):
    errors = problem(client.post("/api/v1/daos", json={}, headers=auth("user:a")), 422)["errors"]
    assert set(errors) == {"slug", "name"}


def test_create_with_a_taken_slug_is_409(client):
    slug = unique("taken")
    assert create(client, unique("user:a"), slug=slug).status_code == 201
    problem(create(client, unique("user:b"), slug=slug), 409, "slug_taken")


def test_create_with_malformed_json_is_400(client):
    response = client.post("/api/v1/daos", data='{"slug": ', content_type="application/json", headers=auth("user:a"))
    problem(response, 400)


def test_create_with_a_body_over_1_mib_is_413(client):
    response = client.post(
        "/api/v1/daos", json={"slug": unique("big"), "name": "x", "description": "d" * (1024 * 1024)},
        headers=auth("user:a"),
    )
    problem(response, 413)


def test_create_with_a_json_array_is_422(client):
    problem(client.post("/api/v1/daos", json=[1, 2], headers=auth("user:a")), 422)


# --- list ---------------------------------------------------------------------------------------

def _slugs(client, subject, query=""):
    return [d["slug"] for d in walk(client, f"/api/v1/daos{query}", subject, limit=500)]


def test_list_shows_the_active_memberships_and_on_request_the_public_daos(client):
    me = unique("user:me")
    mine = make_dao(owner=me)
    joined = make_dao()
    add_member(joined, me)
    left = make_dao()
    add_member(left, me, status="left")
    public = make_dao(is_public=True)
    private = make_dao()
    listed = _slugs(client, me)
    assert mine.slug in listed and joined.slug in listed
    assert not {left.slug, public.slug, private.slug} & set(listed)
    with_public = _slugs(client, me, "?public=true")
    assert {mine.slug, joined.slug, public.slug} <= set(with_public)
    assert not {left.slug, private.slug} & set(with_public)
    assert with_public == sorted(with_public)


def test_list_filters_by_microdao_id(client):
    me, micro = unique("user:me"), unique("micro")
    inside = make_dao(owner=me, microdao_id=micro)
    make_dao(owner=me, microdao_id=unique("micro"))
    public_inside = make_dao(microdao_id=micro, is_public=True)
    assert _slugs(client, me, f"?microdao_id={micro}") == [inside.slug]
    assert _slugs(client, me, f"?microdao_id={micro}&public=true") == sorted([inside.slug, public_inside.slug])


def test_list_leaves_out_deactivated_daos_but_for_their_owners(client):
    me, admin, member = unique("user:me"), unique("user:admin"), unique("user:member")
    dao = make_dao(owner=me, is_public=True)
    add_member(dao, admin, role="admin")
    add_member(dao, member)
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(admin)).status_code == 204
    assert dao.slug in _slugs(client, me) and dao.slug in _slugs(client, me, "?public=true")  # to restore it
    for subject in (admin, member, unique("user:passer-by")):
        assert dao.slug not in _slugs(client, subject, "?public=true")


def test_list_paginates_with_a_cursor(client):
    me = unique("user:me")
    slugs = sorted(make_dao(owner=me).slug for _ in range(7))
    assert _slugs(client, me) == slugs
    assert [d["slug"] for d in walk(client, "/api/v1/daos", me, limit=3)] == slugs


@pytest.mark.parametrize("query", ["?limit=0", "?limit=501", "?limit=x", "?public=perhaps", "?cursor=%%%",
                                   "?cursor=bm90LWpzb24", "?colour=red"])
def test_list_refuses_bad_queries_with_422(client, query):
    problem(client.get(f"/api/v1/daos{query}", headers=auth("user:a")), 422)


# --- overview -----------------------------------------------------------------------------------

def test_overview_counts_active_members_and_lists_the_treasury(client):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    add_member(dao, unique("user:m"))
    add_member(dao, unique("user:gone"), status="left")
    with transaction() as session:
        move_treasury(session, session.get(Dao, dao.id), "USDC", Decimal("12.5"), reason="seed", actor=owner)
    response = client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner))
    assert response.status_code == 200
    body = response.get_json()
    assert body["dao"]["slug"] == dao.slug and body["dao"]["id"] == str(dao.id)
    assert body["members_count"] == 2
    assert body["active_proposals_count"] == 0
    assert body["treasury_items"] == [{"token_symbol": "USDC", "contract_address": None, "balance": "12.50000000"}]


def test_overview_of_a_private_dao_is_403_to_non_members_and_to_former_members(client):
    dao = make_dao()
    former = unique("user:f")
    add_member(dao, former, status="left")
    problem(client.get(f"/api/v1/daos/{dao.slug}", headers=auth(unique("user:x"))), 403, "forbidden")
    problem(client.get(f"/api/v1/daos/{dao.slug}", headers=auth(former)), 403, "forbidden")


def test_overview_of_a_public_dao_is_readable_by_anyone_authenticated(client):
    dao = make_dao(is_public=True)
    assert client.get(f"/api/v1/daos/{dao.slug}", headers=auth(unique("user:x"))).status_code == 200


def test_overview_of_an_unknown_dao_is_404(client):
    problem(client.get(f"/api/v1/daos/{unique('nope')}", headers=auth("user:a")), 404, "not_found")


# --- update -------------------------------------------------------------------------------------

def test_patch_changes_settings_and_records_the_changed_fields(client):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    response = client.patch(
        f"/api/v1/daos/{dao.slug}",
        json={"name": "Renamed", "quorum_percent": "25", "governance_model": "simple", "microdao_id": None},
        headers=auth(owner),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "Renamed" and body["quorum_percent"] == "25.00000000"
    [event] = events_of(dao.id, "dao_updated")
    assert event.actor == owner
    assert event.payload["data"]["changes"] == {"name": "Renamed", "quorum_percent": "25.00000000"}
    assert event.payload["data"]["dao"] == {key: value for key, value in body.items() if key != "project_ids"}
    again = client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "Renamed"}, headers=auth(owner))
    assert again.status_code == 200
    assert len(events_of(dao.id, "dao_updated")) == 1  # nothing changed, no second event


def test_an_admin_may_patch_but_a_member_may_not(client):
    dao = make_dao()
    admin, member = unique("user:a"), unique("user:m")
    add_member(dao, admin, role="admin")
    add_member(dao, member)
    assert client.patch(f"/api/v1/daos/{dao.slug}", json={"is_public": True}, headers=auth(admin)).status_code == 200
    problem(client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "x"}, headers=auth(member)), 403, "forbidden")
    problem(client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "x"}, headers=auth(unique("user:x"))), 403)


@pytest.mark.parametrize("body, field", [
    ({"slug": "another-slug"}, "slug"), ({"is_active": True}, "is_active"), ({"name": ""}, "name"),
    ({"pass_threshold_percent": 101}, "pass_threshold_percent"),
    ({"voting_period_seconds": 0}, "voting_period_seconds"),
    ({"owner_subject_id": "user:x"}, "owner_subject_id"),
])
def test_patch_refuses_immutable_and_bad_fields_with_422(client, body, field):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    response = client.patch(f"/api/v1/daos/{dao.slug}", json=body, headers=auth(owner))
    assert field in problem(response, 422, "validation_error")["errors"]


def test_patch_with_malformed_json_is_400_and_unknown_dao_404(client):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    malformed = client.patch(f"/api/v1/daos/{dao.slug}", data="{", content_type="application/json", headers=auth(owner))
    problem(malformed, 400)
    problem(client.patch(f"/api/v1/daos/{unique('none')}", json={"name": "x"}, headers=auth(owner)), 404)


# --- soft delete --------------------------------------------------------------------------------

def test_delete_deactivates_once_and_the_dao_stays_readable(client):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).status_code == 204
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).status_code == 204
    [event] = events_of(dao.id, "dao_deactivated")
    assert event.payload["data"]["is_active"] is False and event.actor == owner
    overview = client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner))
    assert overview.status_code == 200 and overview.get_json()["dao"]["is_active"] is False


def test_a_deactivated_dao_refuses_every_change_with_409(client):
    owner = unique("user:o")
    dao = make_dao(owner=owner)
    member = unique("user:m")
    add_member(dao, member)
    client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner))
    base = f"/api/v1/daos/{dao.slug}"
    writes = [
        client.patch(base, json={"name": "x"}, headers=auth(owner)),
        client.post(f"{base}/members", json={"subject_id": unique("user:n")}, headers=auth(owner)),
        client.patch(f"{base}/members/{member}", json={"role": "admin"}, headers=auth(owner)),
        client.delete(f"{base}/members/{member}", headers=auth(owner)),
        client.post(f"{base}/roles", json={"code": "auditor", "entitlements": {}}, headers=auth(owner)),
        client.put(f"{base}/roles/member", json={"entitlements": {"can_read": True}}, headers=auth(owner)),
        client.put(f"{base}/delegations/me", json={"delegate_id": member}, headers=auth(owner)),
        client.delete(f"{base}/delegations/me", headers=auth(owner)),
    ]
    for response in writes:
        problem(response, 409, "invalid_state")
    for path in ("", "/members", f"/members/{member}", "/roles", "/delegations", "/activity", "/permissions"):
        assert client.get(base + path, headers=auth(owner)).status_code == 200, path


def test_delete_needs_can_manage_dao(client):
    dao = make_dao()
    member = unique("user:m")
    add_member(dao, member)
    problem(client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(member)), 403, "forbidden")
    problem(client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(unique("user:x"))), 403, "forbidden")
    problem(client.delete(f"/api/v1/daos/{unique('none')}", headers=auth(member)), 404)
