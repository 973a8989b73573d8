"""The ballots of SPEC 5.6 over HTTP with the real worker: each voting type's shape accepted and
recorded as normalized, everything else refused with 422 at the API (and by the worker, for a job
that reaches it anyway); the recorded choice the basic tally and the metric count."""

import uuid

import pytest
from sqlalchemy import select

from infra.db import transaction
from models import Job, Vote
from services.jobs import run_job
from tasks.voting import cast_vote
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member
from tests.proposals.helpers import act, cast, create, dao_with_members, events, url

OPTIONS = ["Oak", "Birch", "Lime"]


def active(client, dao, voting_type: str) -> dict:
    fields = {} if voting_type == "basic" else {"voting_type": voting_type, "options": OPTIONS}
    proposal = create(client, dao, dao.owner_subject_id, **fields)
    act(client, dao, proposal["slug"], "activate", dao.owner_subject_id)
    return proposal


def recorded(proposal_id) -> dict:
    with transaction() as session:
        rows = session.execute(select(Vote.voter_id, Vote.ballot, Vote.choice).where(Vote.proposal_id == proposal_id))
        return {voter: (ballot, choice) for voter, ballot, choice in rows}


@pytest.fixture
def electorate():
    return dao_with_members({"a": "1", "b": "1", "c": "1"})


@pytest.mark.parametrize("voting_type, ballots, stored", [
    ("single_choice", [{"choice": "Birch"}, {"choice": "abstain"}, {"choice": "Oak"}],
     [({"choice": "Birch"}, None), ({"choice": "abstain"}, "abstain"), ({"choice": "Oak"}, None)]),
    ("approval", [{"choices": ["Lime", "Oak"]}, {"choice": "abstain"}, {"choices": ["Birch"]}],
     [({"choices": ["Oak", "Lime"]}, None), ({"choice": "abstain"}, "abstain"), ({"choices": ["Birch"]}, None)]),
    ("ranked_choice", [{"ranking": ["Lime", "Oak"]}, {"ranking": OPTIONS}, {"choice": "abstain"}],
     [({"ranking": ["Lime", "Oak"]}, None), ({"ranking": OPTIONS}, None), ({"choice": "abstain"}, "abstain")]),
    ("basic", [{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}],
     [({"choice": "yes"}, "yes"), ({"choice": "no"}, "no"), ({"choice": "abstain"}, "abstain")]),
])
def test_each_types_ballots_are_recorded_normalized_with_their_event(client, worker, electorate, voting_type,
                                                                      ballots, stored):
    dao, owner, m = electorate
    proposal = active(client, dao, voting_type)
    voters = [m["a"], m["b"], m["c"]]
    jobs = [cast(client, dao, proposal["slug"], voter, ballot) for voter, ballot in zip(voters, ballots)]
    assert [j["status"] for j in jobs] == ["succeeded"] * 3
    assert recorded(proposal["id"]) == dict(zip(voters, stored))
    for job, (ballot, _) in zip(jobs, stored):
        assert {k: job["result"][k] for k in ballot} == ballot and job["result"]["weight"] == "1.00000000"
    cast_events = events(dao.id, "vote_cast", proposal_id=proposal["id"])
    assert [{k: e.payload["data"].get(k) for k in ballot} for e, (ballot, _) in zip(cast_events, stored)] == [
        ballot for ballot, _ in stored]
    listed = client.get(url(dao, proposal["slug"], "/votes"), headers=auth(owner)).get_json()["items"]
    assert {v["voter_id"]: (v["ballot"], v["choice"]) for v in listed} == dict(zip(voters, stored))


def test_a_changed_approval_ballot_replaces_the_earlier_one(client, worker, electorate):
    dao, owner, m = electorate
    proposal = active(client, dao, "approval")
    for ballot in ({"choices": ["Oak"]}, {"choices": ["Birch", "Lime"]}, {"choice": "abstain"}, {"choices": ["Lime"]}):
        assert cast(client, dao, proposal["slug"], m["a"], ballot)["status"] == "succeeded"
    assert recorded(proposal["id"]) == {m["a"]: ({"choices": ["Lime"]}, None)}
    tally = client.get(url(dao, proposal["slug"], "/tally"), headers=auth(owner)).get_json()
    assert (tally["options"], tally["abstain"], tally["voters"]) == (
        {"Oak": "0.00000000", "Birch": "0.00000000", "Lime": "1.00000000"}, "0.00000000", 1)


BAD = {
    "basic": [({"choice": "Oak"}, "choice"), ({"choices": ["yes"]}, "choices"), ({"ranking": ["yes"]}, "ranking"),
              ({"choice": ""}, "choice")],
    "single_choice": [({"choice": "yes"}, "choice"), ({"choice": "Elm"}, "choice"), ({"choices": ["Oak"]}, "choices"),
                      ({"ranking": ["Oak"]}, "ranking")],
    "approval": [({"choices": []}, "choices"), ({"choices": ["Oak", "Oak"]}, "choices.1"),
                 ({"choices": ["Elm"]}, "choices.0"), ({"choice": "Oak"}, "choice"), ({"ranking": ["Oak"]}, "ranking"),
                 ({"choices": ["Oak"], "choice": "abstain"}, "_schema"), ({"choices": "Oak"}, "choices"),
                 ({"choices": [1]}, "choices")],
    "ranked_choice": [({"ranking": []}, "ranking"), ({"ranking": ["Lime", "Lime"]}, "ranking.1"),
                      ({"ranking": ["Oak", "Elm"]}, "ranking.1"), ({"choices": ["Oak"]}, "choices"),
                      ({"choice": "Oak"}, "choice"), ({"ranking": ["Oak", "Birch", "Lime", "Oak"]}, "ranking"),
                      ({"ranking": ["Oak"], "choice": "abstain"}, "_schema")],
}


@pytest.mark.parametrize("voting_type", list(BAD))
def test_a_ballot_that_does_not_fit_the_type_and_options_is_refused_with_422(client, worker, electorate, voting_type):
    dao, owner, m = electorate
    proposal = active(client, dao, voting_type)
    for ballot, field in [*BAD[voting_type], ({}, "choice"), ({"choice": "yes", "weight": "5"}, "weight")]:
        response = client.post(url(dao, proposal["slug"], "/votes"), json=ballot, headers=auth(m["a"]))
        errors = problem(response, 422, "validation_error")["errors"]
        assert field in errors, (ballot, errors)
    assert recorded(proposal["id"]) == {}


def test_ballots_need_a_valid_token_and_a_place_in_the_snapshot(client, worker, electorate):
    dao, owner, m = electorate
    proposal = active(client, dao, "ranked_choice")
    ballot = {"ranking": ["Oak"]}
    for headers in BAD_CREDENTIALS.values():
        problem(client.post(url(dao, proposal["slug"], "/votes"), json=ballot, headers=headers), 401)
    problem(client.post(url(dao, proposal["slug"], "/votes"), json=ballot, headers=auth(unique("user:x"))), 403)
    late = unique("user:late")
    add_member(dao, late)
    problem(client.post(url(dao, proposal["slug"], "/votes"), json=ballot, headers=auth(late)), 403, "not_eligible")


def test_the_worker_refuses_a_ballot_that_does_not_fit_should_one_reach_it(client, worker, electorate):
    dao, owner, m = electorate
    proposal = active(client, dao, "approval")
    with transaction() as session:  # as if queued by an older API: no message, run here
        job = Job(id=uuid.uuid4(), kind="cast_vote", actor=m["a"], target_id=proposal["id"],
                  request={"choices": ["Oak", "Elm"], "proposal_slug": proposal["slug"]})
        session.add(job)
    run_job(str(job.id), cast_vote.body)
    with transaction() as session:
        failed = session.get(Job, job.id)
    assert (failed.status, failed.error["code"]) == ("failed", "validation_error")
    assert recorded(proposal["id"]) == {}
