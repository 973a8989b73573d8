"""Votes (SPEC 5.2) over HTTP with the real worker: eligibility from the snapshot, the window,
replacement or `already_voted`, weights, the `vote_cast` event, the votes and tally routes."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Job, Vote
from infra.db import transaction
from tasks.voting import cast_vote
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem, walk
from tests.factories import add_member, delegate, make_dao
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, events, finished, in_seconds, now, proposal_row, url, vote,
)
from services.jobs import run_job


def votes_url(dao, pslug):
    return url(dao, pslug, "/votes")


def active_proposal(client, dao, **fields) -> dict:
    proposal = create(client, dao, dao.owner_subject_id, **fields)
    act(client, dao, proposal["slug"], "activate", dao.owner_subject_id)
    return proposal


def vote_rows(proposal_id) -> list[Vote]:
    with transaction() as session:
        return session.scalars(select(Vote).where(Vote.proposal_id == proposal_id)).all()


# --- casting --------------------------------------------------------------------------------------

def test_a_vote_is_recorded_with_its_snapshot_weight_and_one_event(client, worker):
    dao, owner, m = dao_with_members({"a": "2"}, governance_model="quadratic")
    proposal = active_proposal(client, dao)
    response = client.post(votes_url(dao, proposal["slug"]), json={"choice": "yes"}, headers=auth(m["a"]))
    assert response.status_code == 202
    assert response.headers["Location"] == f"/api/v1/jobs/{response.get_json()['id']}"
    job = finished(client, response.get_json(), m["a"])
    assert (job["kind"], job["status"]) == ("cast_vote", "succeeded")

    [row] = vote_rows(proposal["id"])
    assert (row.voter_id, row.choice, row.raw_power, row.weight) == (m["a"], "yes", Decimal(2), Decimal("1.41421356"))
    assert row.submitted_at.isoformat().replace("+00:00", "Z") == job["submitted_at"]
    [event] = events(dao.id, "vote_cast", proposal_id=proposal["id"])
    assert event.subject == f"dao.{dao.slug}.vote_cast" and event.actor == m["a"]
    assert event.payload["data"] == {
        "proposal_id": proposal["id"], "proposal_slug": proposal["slug"], "voter": m["a"],
        "choice": "yes", "weight": "1.41421356",
    }


def test_a_changed_vote_replaces_the_earlier_one(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = active_proposal(client, dao)
    for choice in ("yes", "no", "abstain"):
        assert vote(client, dao, proposal["slug"], m["a"], choice)["status"] == "succeeded"
    assert [(v.voter_id, v.choice) for v in vote_rows(proposal["id"])] == [(m["a"], "abstain")]
    assert len(events(dao.id, "vote_cast", proposal_id=proposal["id"])) == 3
    assert detail(client, dao, proposal["slug"], owner)["tally"]["abstain"] == "1.00000000"


def test_without_allow_vote_change_a_second_vote_fails_already_voted(client, worker):
    dao, owner, m = dao_with_members({"a": "1"}, allow_vote_change=False)
    proposal = active_proposal(client, dao)
    assert vote(client, dao, proposal["slug"], m["a"], "yes")["status"] == "succeeded"
    job = vote(client, dao, proposal["slug"], m["a"], "no")
    assert (job["status"], job["error"]["code"]) == ("failed", "already_voted")
    assert [v.choice for v in vote_rows(proposal["id"])] == ["yes"]


def queued_votes(proposal: dict, voter: str, *choices: str) -> dict:
    """Queued vote jobs of `voter`, submitted 1 ms apart in the order given; no message is sent:
    the test processes them itself, in the order it wants."""
    base, ids = now(), {}
    with transaction() as session:
        for offset, choice in enumerate(choices):
            job = Job(id=uuid.uuid4(), kind="cast_vote", actor=voter, target_id=proposal["id"],
                      request={"choice": choice}, submitted_at=base + timedelta(milliseconds=offset))
            session.add(job)
            ids[choice] = job.id
    return ids


def jobs_by_choice(ids: dict) -> dict:
    with transaction() as session:
        return {choice: session.get(Job, job_id) for choice, job_id in ids.items()}


def test_the_vote_submitted_last_wins_whatever_order_it_is_processed_in(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = active_proposal(client, dao)
    ids = queued_votes(proposal, m["a"], "yes", "no")
    run_job(str(ids["no"]), cast_vote.body)  # the later vote first; it also takes the earlier one
    jobs = jobs_by_choice(ids)
    assert {c: (j.status, j.result["superseded"]) for c, j in jobs.items()} == {
        "no": ("succeeded", False), "yes": ("succeeded", True),
    }
    assert [v.choice for v in vote_rows(proposal["id"])] == ["no"]
    assert len(events(dao.id, "vote_cast", proposal_id=proposal["id"])) == 1


def test_without_vote_change_the_vote_submitted_first_wins_whatever_order(client, worker):
    dao, owner, m = dao_with_members({"a": "1"}, allow_vote_change=False)
    proposal = active_proposal(client, dao)
    ids = queued_votes(proposal, m["a"], "yes", "no")
    run_job(str(ids["no"]), cast_vote.body)  # refused: the earlier one stays queued for its turn
    run_job(str(ids["yes"]), cast_vote.body)
    jobs = jobs_by_choice(ids)
    assert (jobs["yes"].status, jobs["no"].status, jobs["no"].error["code"]) == ("succeeded", "failed", "already_voted")
    assert [v.choice for v in vote_rows(proposal["id"])] == ["yes"]


def test_a_member_added_after_activation_cannot_vote(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = active_proposal(client, dao)
    late = unique("user:late")
    add_member(dao, late)
    response = client.post(votes_url(dao, proposal["slug"]), json={"choice": "yes"}, headers=auth(late))
    problem(response, 403, "not_eligible")


def test_a_member_without_can_vote_is_not_eligible_and_an_outsider_is_forbidden(client, worker):
    dao, owner, m = dao_with_members({})
    observer, outsider = unique("user:obs"), unique("user:out")
    add_member(dao, observer, role="observer")
    proposal = active_proposal(client, dao)
    problem(client.post(votes_url(dao, proposal["slug"]), json={"choice": "yes"}, headers=auth(observer)),
            403, "not_eligible")
    problem(client.post(votes_url(dao, proposal["slug"]), json={"choice": "yes"}, headers=auth(outsider)),
            403, "forbidden")


def test_a_member_banned_in_the_dao_after_the_snapshot_fails_not_eligible(client, worker):
    dao, owner, m = dao_with_members({"a": "1", "b": "1"})
    proposal = active_proposal(client, dao)
    vote(client, dao, proposal["slug"], m["b"], "yes")
    add_member(dao, m["a"], status="banned")
    add_member(dao, m["b"], status="banned")
    job = vote(client, dao, proposal["slug"], m["a"], "yes")
    assert (job["status"], job["error"]["code"]) == ("failed", "not_eligible")
    act(client, dao, proposal["slug"], "close", owner)
    assert detail(client, dao, proposal["slug"], owner)["result"]["yes"] == "1.00000000"  # b's vote stays


def test_votes_outside_the_window_or_an_active_proposal_are_409(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    draft = create(client, dao, owner)
    later = active_proposal(client, dao, start_at=in_seconds(3600))
    closed = active_proposal(client, dao)
    act(client, dao, closed["slug"], "close", owner)
    for proposal in (draft, later, closed):
        response = client.post(votes_url(dao, proposal["slug"]), json={"choice": "yes"}, headers=auth(m["a"]))
        problem(response, 409, "voting_closed")


@pytest.mark.parametrize("body, field", [
    ({}, "choice"), ({"choice": "maybe"}, "choice"), ({"choice": "yes", "weight": 5}, "weight"),
])
def test_cast_refuses_bad_input_with_422(client, worker, body, field):
    dao = make_dao()
    pslug = active_proposal(client, dao)["slug"]
    response = client.post(votes_url(dao, pslug), json=body, headers=auth(dao.owner_subject_id))
    assert field in problem(response, 422, "validation_error")["errors"]


def test_vote_routes_refuse_bad_credentials_and_unknown_proposals(client):
    dao = make_dao()
    for headers in BAD_CREDENTIALS.values():
        problem(client.get(votes_url(dao, "p-x"), headers=headers), 401)
        problem(client.post(votes_url(dao, "p-x"), json={"choice": "yes"}, headers=headers), 401)
    owner = dao.owner_subject_id
    problem(client.get(votes_url(dao, "p-none"), headers=auth(owner)), 404, "not_found")
    problem(client.post(votes_url(dao, "p-none"), json={"choice": "yes"}, headers=auth(owner)), 404, "not_found")


# --- many votes at once -----------------------------------------------------------------------------

def test_a_burst_of_votes_is_counted_exactly(client, worker):
    voters = {f"v{i}": "1" for i in range(60)}
    dao, owner, m = dao_with_members(voters, governance_model="weighted")
    proposal = active_proposal(client, dao)
    choices = {name: ("yes", "no", "abstain")[i % 3] for i, name in enumerate(voters)}
    accepted = [vote(client, dao, proposal["slug"], m[name], choice, wait=False) for name, choice in choices.items()]
    jobs = [finished(client, job, job_actor) for job, job_actor in zip(accepted, (m[n] for n in choices))]
    assert {j["status"] for j in jobs} == {"succeeded"}
    tally = client.get(url(dao, proposal["slug"], "/tally"), headers=auth(owner)).get_json()
    assert (tally["yes"], tally["no"], tally["abstain"], tally["voters"]) == ("20.00000000",) * 3 + (60,)
    assert tally["total_weight"] == "61.00000000"
    assert len(events(dao.id, "vote_cast", proposal_id=proposal["id"])) == 60


# --- reading --------------------------------------------------------------------------------------

def test_list_votes_by_voter_filtered_and_paginated(client, worker):
    dao, owner, m = dao_with_members({"a": "1", "b": "3"}, governance_model="weighted")
    proposal = active_proposal(client, dao)
    vote(client, dao, proposal["slug"], m["a"], "yes")
    vote(client, dao, proposal["slug"], m["b"], "no")
    listed = walk(client, votes_url(dao, proposal["slug"]), owner, limit=1)
    assert [(v["voter_id"], v["choice"], v["weight"]) for v in listed] == sorted(
        [(m["a"], "yes", "1.00000000"), (m["b"], "no", "3.00000000")]
    )
    assert set(listed[0]) == {"proposal_id", "voter_id", "choice", "ballot", "raw_power", "weight", "submitted_at",
                              "created_at", "updated_at"}
    assert listed[0]["ballot"] == {"choice": listed[0]["choice"]}
    noes = client.get(votes_url(dao, proposal["slug"]) + "?choice=no", headers=auth(owner)).get_json()["items"]
    assert [v["voter_id"] for v in noes] == [m["b"]]
    mine = client.get(votes_url(dao, proposal["slug"]) + f"?voter_id={m['a']}", headers=auth(owner)).get_json()
    assert [(v["voter_id"], v["choice"]) for v in mine["items"]] == [(m["a"], "yes")]
    nobody = client.get(votes_url(dao, proposal["slug"]) + "?voter_id=user:none", headers=auth(owner)).get_json()
    assert nobody["items"] == []
    problem(client.get(votes_url(dao, proposal["slug"]) + "?choice=maybe", headers=auth(owner)), 422)
    problem(client.get(votes_url(dao, proposal["slug"]), headers=auth(unique("user:out"))), 403, "forbidden")


def test_tally_compares_models_on_the_same_votes(client, worker):
    # a(1) -> b(4) -> c(9); d(16) votes no; b votes yes; c does not vote.
    dao, owner, m = dao_with_members({"a": "1", "b": "4", "c": "9", "d": "16"}, governance_model="delegated",
                                     quorum_percent="0")
    delegate(dao, m["a"], m["b"])
    delegate(dao, m["b"], m["c"])
    proposal = active_proposal(client, dao)
    vote(client, dao, proposal["slug"], m["b"], "yes")
    vote(client, dao, proposal["slug"], m["d"], "no")

    def tally(model=""):
        response = client.get(url(dao, proposal["slug"], f"/tally?model={model}" if model else "/tally"),
                              headers=auth(owner))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    live = tally()
    assert (live["model"], live["yes"], live["no"], live["total_weight"], live["voters"]) == (
        "delegated", "5.00000000", "16.00000000", "31.00000000", 3)
    assert tally("delegated") == live
    assert [(t["yes"], t["no"], t["total_weight"]) for t in (tally("simple"), tally("weighted"), tally("quadratic"))] == [
        ("1.00000000", "1.00000000", "5.00000000"),
        ("4.00000000", "16.00000000", "31.00000000"),
        ("2.00000000", "4.00000000", "11.00000000"),
    ]
    act(client, dao, proposal["slug"], "close", owner)
    assert proposal_row(proposal["id"]).result == tally() == {**live, "outcome": "rejected"}
