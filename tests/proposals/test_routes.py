"""Proposal routes (SPEC 8.3, 8.4): success, 401, 403, 404, 409 and 422 for each."""

import time

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem, walk
from tests.factories import add_member, make_dao, make_role
from tests.proposals.helpers import act, create, detail, in_seconds, url, vote

TRANSITIONS = ("activate", "close", "execute", "cancel")


@pytest.fixture
def dao():
    return make_dao()


@pytest.fixture
def outsider():
    return unique("user:outsider")


# --- create ---------------------------------------------------------------------------------------

def test_create_a_draft_with_every_field(client, dao):
    start, end = in_seconds(3600), in_seconds(7200)
    body = {
        "title": "Fund the garden", "slug": unique("garden"), "description": "Seeds and tools",
        "proposal_type": "treasury", "start_at": start, "end_at": end,
        "governance_model_override": "weighted", "quorum_percent_override": "10",
        "pass_threshold_override": "66.5",
        "action_payload": {"auto_execute": True, "note": 1.5, "actions": [
            {"type": "treasury_transfer", "token_symbol": "SEED", "amount": "12.5", "to_subject_id": "user:g"},
        ]},
    }
    response = client.post(url(dao), json=body, headers=auth(dao.owner_subject_id))
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()
    assert response.headers["Location"] == url(dao, body["slug"])
    assert (shown["status"], shown["slug"], shown["created_by"]) == ("draft", body["slug"], dao.owner_subject_id)
    assert (shown["start_at"], shown["end_at"]) == (start, end)
    assert (shown["quorum_percent_override"], shown["pass_threshold_override"]) == ("10.00000000", "66.50000000")
    assert shown["action_payload"] == {"auto_execute": True, "note": "1.5", "actions": [
        {"type": "treasury_transfer", "token_symbol": "SEED", "amount": "12.50000000", "to_subject_id": "user:g"},
    ]}
    assert shown["result"] is None and shown["activated_at"] is None


def test_slug_is_made_from_the_title_and_kept_unique(client, dao):
    first = create(client, dao, dao.owner_subject_id, title="Élan: new Roof!")
    second = create(client, dao, dao.owner_subject_id, title="Elan new roof")
    assert (first["slug"], second["slug"]) == ("elan-new-roof", "elan-new-roof-2")


def test_a_given_slug_already_used_is_409(client, dao):
    taken = create(client, dao, dao.owner_subject_id)["slug"]
    response = client.post(url(dao), json={"title": "x", "slug": taken}, headers=auth(dao.owner_subject_id))
    problem(response, 409, "slug_taken")


def test_members_may_create_but_observers_and_outsiders_may_not(client, dao, outsider):
    member, observer = unique("user:m"), unique("user:o")
    add_member(dao, member)
    add_member(dao, observer, role="observer")
    assert create(client, dao, member)["created_by"] == member
    for subject in (observer, outsider):
        problem(client.post(url(dao), json={"title": "x"}, headers=auth(subject)), 403)


@pytest.mark.parametrize("body, field", [
    ({}, "title"),
    ({"title": " "}, "title"),
    ({"title": "x", "unknown": 1}, "unknown"),
    ({"title": "x", "slug": "Bad Slug"}, "slug"),
    ({"title": "x", "slug": "---"}, "slug"),
    ({"title": "x", "slug": "-ab-"}, "slug"),
    ({"title": "x", "slug": "ab-"}, "slug"),
    ({"title": "x", "slug": "a--b"}, "slug"),
    ({"title": "x", "proposal_type": "coup"}, "proposal_type"),
    ({"title": "x", "governance_model_override": "dictator"}, "governance_model_override"),
    ({"title": "x", "quorum_percent_override": "101"}, "quorum_percent_override"),
    ({"title": "x", "start_at": "2030-01-02T00:00:00Z", "end_at": "2030-01-01T00:00:00Z"}, "end_at"),
    ({"title": "x", "end_at": "2001-01-01T00:00:00Z"}, "end_at"),
    ({"title": "x", "start_at": "2030-01-02T00:00:00"}, "start_at"),
    ({"title": "x", "action_payload": {"actions": [{"type": "launch_rocket"}]}}, "action_payload.actions.0.type"),
    ({"title": "x", "action_payload": {"actions": [{"type": "add_member"}]}}, "action_payload.actions.0.subject_id"),
    ({"title": "x", "action_payload": {"auto_execute": "yes"}}, "action_payload.auto_execute"),
])
def test_create_refuses_bad_input_with_422(client, dao, body, field):
    response = client.post(url(dao), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422, "validation_error")["errors"]


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_every_route_refuses_bad_credentials_with_401(client, dao, credentials):
    headers = BAD_CREDENTIALS[credentials]
    calls = [("get", url(dao)), ("post", url(dao)), ("get", url(dao, "p-x")), ("patch", url(dao, "p-x")),
             ("get", url(dao, "p-x", "/tally"))]
    calls += [("post", url(dao, "p-x", f"/{action}")) for action in TRANSITIONS]
    for method, path in calls:
        problem(getattr(client, method)(path, json={}, headers=headers), 401, "unauthorized")


def test_unknown_dao_or_proposal_is_404(client, dao):
    owner = dao.owner_subject_id
    problem(client.get("/api/v1/daos/no-such-dao-x/proposals", headers=auth(owner)), 404, "not_found")
    problem(client.post("/api/v1/daos/no-such-dao-x/proposals", json={"title": "x"}, headers=auth(owner)), 404)
    problem(client.get(url(dao, "no-such-proposal"), headers=auth(owner)), 404, "not_found")
    problem(client.patch(url(dao, "no-such-proposal"), json={"title": "y"}, headers=auth(owner)), 404)
    problem(client.get(url(dao, "no-such-proposal", "/tally"), headers=auth(owner)), 404)
    for action in TRANSITIONS:
        problem(client.post(url(dao, "no-such-proposal", f"/{action}"), headers=auth(owner)), 404)


# --- list and detail ------------------------------------------------------------------------------

def test_list_newest_first_filtered_by_status_and_paginated(client, dao, worker):
    owner = dao.owner_subject_id
    slugs = [create(client, dao, owner)["slug"] for _ in range(3)]
    act(client, dao, slugs[0], "cancel", owner)
    listed = walk(client, url(dao), owner, limit=2)
    assert [p["slug"] for p in listed] == slugs[::-1]
    canceled = client.get(url(dao) + "?status=canceled", headers=auth(owner)).get_json()["items"]
    assert [p["slug"] for p in canceled] == [slugs[0]]


def test_list_and_detail_of_a_private_dao_are_403_to_outsiders(client, dao, outsider):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    problem(client.get(url(dao), headers=auth(outsider)), 403, "forbidden")
    problem(client.get(url(dao, pslug), headers=auth(outsider)), 403, "forbidden")
    problem(client.get(url(dao, pslug, "/tally"), headers=auth(outsider)), 403, "forbidden")


def test_public_dao_proposals_are_readable_by_anyone(client, outsider):
    dao = make_dao(is_public=True)
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    assert client.get(url(dao), headers=auth(outsider)).status_code == 200
    shown = detail(client, dao, pslug, outsider)
    assert (shown["slug"], shown["tally"]) == (pslug, None)


@pytest.mark.parametrize("query", ["status=open", "limit=0", "limit=501", "cursor=%%%", "colour=red"])
def test_list_refuses_bad_query_with_422(client, dao, query):
    problem(client.get(url(dao) + "?" + query, headers=auth(dao.owner_subject_id)), 422, "validation_error")


# --- edit -----------------------------------------------------------------------------------------

def test_author_edits_a_draft(client, dao):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner, title="Old")["slug"]
    response = client.patch(url(dao, pslug), json={"title": "New", "quorum_percent_override": "5"},
                            headers=auth(owner))
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert (shown["title"], shown["quorum_percent_override"], shown["slug"]) == ("New", "5.00000000", pslug)


def test_only_the_author_edits(client, dao, outsider):
    admin = unique("user:admin")
    add_member(dao, admin, role="admin")
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    problem(client.patch(url(dao, pslug), json={"title": "x"}, headers=auth(admin)), 403, "forbidden")
    problem(client.patch(url(dao, pslug), json={"title": "x"}, headers=auth(outsider)), 403, "forbidden")


@pytest.mark.parametrize("body, field", [
    ({"slug": "new-slug"}, "slug"), ({"title": ""}, "title"), ({"proposal_type": "x"}, "proposal_type"),
    ({"action_payload": {"actions": [{"type": "nope"}]}}, "action_payload.actions.0.type"),
    ({"end_at": "2001-01-01T00:00:00Z"}, "end_at"),
    ({"action_payload": {"actions": [{"type": "set_role", "subject_id": "user:x", "role": "wizard"}]}},
     "action_payload.actions.0.role"),
])
def test_edit_refuses_bad_input_with_422(client, dao, body, field):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    response = client.patch(url(dao, pslug), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422, "validation_error")["errors"]


UNDEFINED_ROLES = [
    [{"type": "add_member", "subject_id": "user:x", "role": "wizard"}],
    [{"type": "set_role", "subject_id": "user:x", "role": "Owner"}],
    [{"type": "remove_member", "subject_id": "user:y"}, {"type": "set_role", "subject_id": "user:x", "role": "auditor"}],
]


@pytest.mark.parametrize("actions", UNDEFINED_ROLES)
def test_an_action_giving_a_role_the_dao_does_not_define_is_422_at_creation(client, dao, actions):
    response = client.post(url(dao), json={"title": "x", "action_payload": {"actions": actions}},
                           headers=auth(dao.owner_subject_id))
    errors = problem(response, 422, "validation_error")["errors"]
    assert list(errors) == [f"action_payload.actions.{len(actions) - 1}.role"]


def test_an_action_giving_a_custom_or_default_role_is_accepted(client, dao):
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    actions = [{"type": "set_role", "subject_id": "user:x", "role": "auditor"},
               {"type": "add_member", "subject_id": "user:y"}]  # the default role: member
    shown = create(client, dao, dao.owner_subject_id, action_payload={"actions": actions})
    assert [a["role"] for a in shown["action_payload"]["actions"]] == ["auditor", "member"]


@pytest.mark.parametrize("actions", UNDEFINED_ROLES)
def test_an_edit_giving_a_role_the_dao_does_not_define_is_422(client, dao, actions):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    response = client.patch(url(dao, pslug), json={"action_payload": {"actions": actions}},
                            headers=auth(dao.owner_subject_id))
    assert f"action_payload.actions.{len(actions) - 1}.role" in problem(response, 422, "validation_error")["errors"]


def test_a_proposal_that_left_draft_cannot_be_edited(client, dao, worker):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner)["slug"]
    act(client, dao, pslug, "activate", owner)
    problem(client.patch(url(dao, pslug), json={"title": "x"}, headers=auth(owner)), 409, "invalid_state")


# --- transitions ----------------------------------------------------------------------------------

def test_transition_answers_202_with_the_job_and_location(client, dao, worker):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner)["slug"]
    response = client.post(url(dao, pslug, "/activate"), headers=auth(owner))
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["kind"] == "activate_proposal"


def test_who_may_request_each_transition(client, dao, outsider, worker):
    owner, author, other = dao.owner_subject_id, unique("user:author"), unique("user:other")
    add_member(dao, author)
    add_member(dao, other)
    pslug = create(client, dao, author)["slug"]
    for subject in (other, outsider):
        for action in TRANSITIONS:
            problem(client.post(url(dao, pslug, f"/{action}"), headers=auth(subject)), 403)
    problem(client.post(url(dao, pslug, "/close"), headers=auth(author)), 403, "forbidden")
    problem(client.post(url(dao, pslug, "/execute"), headers=auth(author)), 403, "forbidden")
    act(client, dao, pslug, "activate", author)
    act(client, dao, pslug, "close", owner)


@pytest.mark.parametrize("action, status", [
    ("close", "draft"), ("execute", "draft"), ("activate", "canceled"), ("close", "canceled"),
    ("execute", "canceled"), ("cancel", "rejected"), ("activate", "rejected"), ("execute", "expired"),
])
def test_an_impossible_transition_is_409_at_once(client, dao, worker, action, status):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner)["slug"]
    if status == "canceled":
        act(client, dao, pslug, "cancel", owner)
    elif status in ("rejected", "expired"):
        act(client, dao, pslug, "activate", owner)
        if status == "rejected":  # the owner is the only voter: a no makes it rejected
            vote(client, dao, pslug, owner, "no")
        act(client, dao, pslug, "close", owner)
        assert detail(client, dao, pslug, owner)["status"] == status
    problem(client.post(url(dao, pslug, f"/{action}"), headers=auth(owner)), 409, "invalid_state")


def test_a_bad_idempotency_key_is_422(client, dao):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    headers = auth(dao.owner_subject_id, **{"Idempotency-Key": "k" * 201})
    problem(client.post(url(dao, pslug, "/activate"), headers=headers), 422, "validation_error")


def test_a_draft_whose_end_passed_cannot_be_activated(client, dao):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner, end_at=in_seconds(0.3))["slug"]
    time.sleep(0.4)
    assert "end_at" in problem(client.post(url(dao, pslug, "/activate"), headers=auth(owner)), 422)["errors"]


def test_a_deactivated_dao_refuses_new_proposals_and_transitions(client, dao):
    owner = dao.owner_subject_id
    pslug = create(client, dao, owner)["slug"]
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).status_code == 204
    problem(client.post(url(dao), json={"title": "x"}, headers=auth(owner)), 409, "invalid_state")
    problem(client.post(url(dao, pslug, "/activate"), headers=auth(owner)), 409, "invalid_state")


# --- tally ----------------------------------------------------------------------------------------

def test_tally_of_a_draft_is_409(client, dao):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    problem(client.get(url(dao, pslug, "/tally"), headers=auth(dao.owner_subject_id)), 409, "invalid_state")


@pytest.mark.parametrize("query", ["model=dictator", "colour=red"])
def test_tally_refuses_a_bad_query_with_422(client, dao, query):
    pslug = create(client, dao, dao.owner_subject_id)["slug"]
    response = client.get(url(dao, pslug, "/tally?" + query), headers=auth(dao.owner_subject_id))
    problem(response, 422, "validation_error")
