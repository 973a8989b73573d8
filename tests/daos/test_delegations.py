"""Delegations (SPEC 3, 8.3): list; set and clear the caller's delegate."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, events_of, problem, walk
from tests.factories import add_member, delegate, make_dao


@pytest.fixture
def dao():
    return make_dao()


def mine(dao):
    return f"/api/v1/daos/{dao.slug}/delegations/me"


def put(client, dao, caller, delegate_id):
    return client.put(mine(dao), json={"delegate_id": delegate_id}, headers=auth(caller))


def test_a_member_sets_changes_and_clears_its_delegate(client, dao):
    me, first, second = unique("user:me"), unique("user:d1"), unique("user:d2")
    for subject in (me, first, second):
        add_member(dao, subject)
    response = put(client, dao, me, first)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["delegator_id"], body["delegate_id"]) == (me, first) and body["created_at"].endswith("Z")
    assert put(client, dao, me, first).status_code == 200  # the same again: no new event
    assert put(client, dao, me, second).get_json()["delegate_id"] == second
    listed = client.get(f"/api/v1/daos/{dao.slug}/delegations", headers=auth(me)).get_json()["items"]
    assert [(d["delegator_id"], d["delegate_id"]) for d in listed] == [(me, second)]
    assert client.delete(mine(dao), headers=auth(me)).status_code == 204
    assert client.delete(mine(dao), headers=auth(me)).status_code == 204  # none left: nothing changes
    assert client.get(f"/api/v1/daos/{dao.slug}/delegations", headers=auth(me)).get_json()["items"] == []
    data = [e.payload["data"] for e in events_of(dao.id, "delegation_changed")]
    assert data == [
        {"delegator_id": me, "proposal_type": None, "delegate_id": first, "previous_delegate_id": None},
        {"delegator_id": me, "proposal_type": None, "delegate_id": second, "previous_delegate_id": first},
        {"delegator_id": me, "proposal_type": None, "delegate_id": None, "previous_delegate_id": second},
    ]
    assert all(e.actor == me for e in events_of(dao.id, "delegation_changed"))


def test_no_self_delegation_and_the_delegate_must_be_an_active_member(client, dao):
    me, gone = unique("user:me"), unique("user:gone")
    add_member(dao, me)
    add_member(dao, gone, status="left")
    assert "delegate_id" in problem(put(client, dao, me, me), 422, "validation_error")["errors"]
    assert "delegate_id" in problem(put(client, dao, me, unique("user:stranger")), 422)["errors"]
    assert "delegate_id" in problem(put(client, dao, me, gone), 422)["errors"]


@pytest.mark.parametrize("body", [{}, {"delegate_id": ""}, {"delegate_id": 5}, {"delegate_id": "user:x", "extra": 1}])
def test_put_refuses_bad_bodies(client, dao, body):
    me = unique("user:me")
    add_member(dao, me)
    problem(client.put(mine(dao), json=body, headers=auth(me)), 422)


def test_put_with_malformed_json_is_400(client, dao):
    problem(client.put(mine(dao), data="{", content_type="application/json", headers=auth(dao.owner_subject_id)), 400)


def test_setting_a_delegate_needs_can_vote(client, dao):
    observer, pending = unique("user:obs"), unique("user:p")
    add_member(dao, observer, role="observer")
    add_member(dao, pending, status="pending")
    problem(put(client, dao, observer, dao.owner_subject_id), 403, "forbidden")
    problem(put(client, dao, pending, dao.owner_subject_id), 403)
    problem(put(client, dao, unique("user:x"), dao.owner_subject_id), 403)
    problem(client.delete(mine(dao), headers=auth(unique("user:x"))), 403)
    problem(client.put(f"/api/v1/daos/{unique('none')}/delegations/me", json={"delegate_id": "user:a"},
                       headers=auth(observer)), 404)
    problem(client.delete(f"/api/v1/daos/{unique('none')}/delegations/me", headers=auth(observer)), 404)


def test_list_paginates_and_filters(client, dao):
    target = unique("user:t")
    add_member(dao, target)
    delegators = sorted(unique("user:d") for _ in range(5))
    for subject in delegators:
        add_member(dao, subject)
        delegate(dao, subject, target)
    other = unique("user:o")
    add_member(dao, other)
    delegate(dao, other, dao.owner_subject_id)
    base = f"/api/v1/daos/{dao.slug}/delegations"
    assert [d["delegator_id"] for d in walk(client, f"{base}?delegate_id={target}", target, limit=2)] == delegators
    assert [d["delegate_id"] for d in walk(client, f"{base}?delegator_id={other}", target, limit=2)] == [
        dao.owner_subject_id
    ]
    assert len(walk(client, base, target, limit=4)) == 6
    problem(client.get(f"{base}?limit=-1", headers=auth(target)), 422)
    problem(client.get(base, headers=auth(unique("user:x"))), 403)
    problem(client.get(f"/api/v1/daos/{unique('none')}/delegations", headers=auth(target)), 404)


# --- per proposal type (SPEC 5.6) -------------------------------------------------------------------

def test_a_member_holds_a_general_delegation_and_one_per_proposal_type(client, dao):
    me, general, treasurer, steward = (unique(f"user:{n}") for n in ("me", "g", "t", "s"))
    for subject in (me, general, treasurer, steward):
        add_member(dao, subject)
    assert put(client, dao, me, general).get_json()["proposal_type"] is None
    typed = client.put(mine(dao), json={"delegate_id": treasurer, "proposal_type": "treasury"}, headers=auth(me))
    assert typed.status_code == 200, typed.get_json()
    assert (typed.get_json()["proposal_type"], typed.get_json()["delegate_id"]) == ("treasury", treasurer)
    again = client.put(mine(dao), json={"delegate_id": steward, "proposal_type": "treasury"}, headers=auth(me))
    assert again.get_json()["delegate_id"] == steward  # replaces the treasury one, not the general one
    base = f"/api/v1/daos/{dao.slug}/delegations"
    listed = walk(client, f"{base}?delegator_id={me}", me, limit=1)
    assert sorted((d["proposal_type"] or "", d["delegate_id"]) for d in listed) == [("", general), ("treasury", steward)]
    only = client.get(f"{base}?proposal_type=treasury", headers=auth(me)).get_json()["items"]
    assert [(d["delegator_id"], d["delegate_id"]) for d in only] == [(me, steward)]

    assert client.delete(mine(dao) + "?proposal_type=treasury", headers=auth(me)).status_code == 204
    assert [d["proposal_type"] for d in walk(client, f"{base}?delegator_id={me}", me, limit=5)] == [None]
    assert client.delete(mine(dao) + "?proposal_type=membership", headers=auth(me)).status_code == 204  # none: no-op
    assert client.delete(mine(dao), headers=auth(me)).status_code == 204
    assert walk(client, f"{base}?delegator_id={me}", me, limit=5) == []
    data = [e.payload["data"] for e in events_of(dao.id, "delegation_changed")]
    assert [(d["proposal_type"], d["delegate_id"], d["previous_delegate_id"]) for d in data] == [
        (None, general, None), ("treasury", treasurer, None), ("treasury", steward, treasurer),
        ("treasury", None, steward), (None, None, general),
    ]


@pytest.mark.parametrize("proposal_type", ["bylaws", "", 3, ["treasury"]])
def test_an_unknown_proposal_type_is_refused_with_422(client, dao, proposal_type):
    me = unique("user:me")
    add_member(dao, me)
    body = {"delegate_id": dao.owner_subject_id, "proposal_type": proposal_type}
    assert "proposal_type" in problem(client.put(mine(dao), json=body, headers=auth(me)), 422)["errors"]
    if isinstance(proposal_type, str):
        query = f"?proposal_type={proposal_type}"
        assert "proposal_type" in problem(client.delete(mine(dao) + query, headers=auth(me)), 422)["errors"]
        base = f"/api/v1/daos/{dao.slug}/delegations"
        assert "proposal_type" in problem(client.get(base + query, headers=auth(me)), 422)["errors"]


def test_a_delegation_per_type_needs_can_vote_and_a_valid_token(client, dao):
    observer = unique("user:obs")
    add_member(dao, observer, role="observer")
    body = {"delegate_id": dao.owner_subject_id, "proposal_type": "treasury"}
    problem(client.put(mine(dao), json=body, headers=auth(observer)), 403, "forbidden")
    problem(client.delete(mine(dao) + "?proposal_type=treasury", headers=auth(unique("user:x"))), 403)
    for headers in BAD_CREDENTIALS.values():
        problem(client.put(mine(dao), json=body, headers=headers), 401)
        problem(client.delete(mine(dao) + "?proposal_type=treasury", headers=headers), 401)
    assert events_of(dao.id, "delegation_changed") == []
