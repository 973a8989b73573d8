"""The one-statement accept path of a vote (services.vote_accept, issue 14): once a process knows
a proposal's frozen ballot rules, an acceptable vote is recorded by one statement; every refusal
still gets its own answer (the statement inserts nothing and the slow path finds why), whatever
changed since the rules were cached: a ban, a close, a hide, a deactivated DAO, a subject outside
the snapshot, a ballot that does not fit."""

from __future__ import annotations

import pytest

from services import vote_accept
from tests.conftest import auth, unique
from tests.daos.common import problem
from tests.moderation.test_bans import MOD, moderate as moderate_user
from tests.moderation.test_visibility import moderate as moderate_proposal
from tests.proposals.helpers import act, create, dao_with_members, url


@pytest.fixture
def warm(client, worker, monkeypatch):
    """An active proposal whose rules this process cached (a first vote took the slow path),
    and a record of the statement's answers."""
    dao, owner, members = dao_with_members({name: "1" for name in "abcd"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    answers = []
    accept = vote_accept.accept_votes
    monkeypatch.setattr(vote_accept, "accept_votes", lambda *a, **k: _extend(answers, accept(*a, **k)))
    first = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(members["a"]))
    assert first.status_code == 202 and answers == []  # the slow path, which cached the rules
    return dao, owner, members, proposal, answers


def _extend(answers: list, batch: list) -> list:
    answers.extend(batch)
    return batch


def vote(client, dao, proposal, subject, body=None, **headers):
    return client.post(url(dao, proposal["slug"], "/votes"), json=body or {"choice": "no"},
                       headers=auth(subject, **headers))


def test_an_acceptable_vote_takes_one_statement(client, warm):
    dao, owner, members, proposal, answers = warm
    answer = vote(client, dao, proposal, members["b"])
    assert answer.status_code == 202
    assert [str(job.id) for job in answers] == [answer.get_json()["id"]]
    assert answer.headers["Location"] == f"/api/v1/jobs/{answer.get_json()['id']}"


def test_a_request_with_an_idempotency_key_takes_the_slow_path(client, warm):
    dao, owner, members, proposal, answers = warm
    first = vote(client, dao, proposal, members["b"], **{"Idempotency-Key": "k1"})
    again = vote(client, dao, proposal, members["b"], **{"Idempotency-Key": "k1"})
    assert first.get_json()["id"] == again.get_json()["id"] and answers == []
    problem(vote(client, dao, proposal, members["b"], {"choice": "yes"}, **{"Idempotency-Key": "k1"}),
            422, "idempotency_key_reused")


def test_refusals_are_answered_with_the_rules_cached(client, warm):
    dao, owner, members, proposal, answers = warm
    problem(vote(client, dao, proposal, unique("user:outsider")), 403, "forbidden")  # private DAO
    problem(vote(client, dao, proposal, members["b"], {"choice": "maybe"}), 422, "validation_error")
    moderate_user(client, members["c"], "ban")
    problem(vote(client, dao, proposal, members["c"]), 403, "banned")
    moderate_proposal(client, dao, proposal["id"], "hide", actor=unique("user:mod"), roles=MOD)
    problem(vote(client, dao, proposal, members["b"]), 404, "not_found")
    moderate_proposal(client, dao, proposal["id"], "restore", actor=unique("user:mod"), roles=MOD)
    assert vote(client, dao, proposal, members["b"]).status_code == 202
    act(client, dao, proposal["slug"], "close", owner)
    problem(vote(client, dao, proposal, members["d"]), 409, "voting_closed")
    # the statement inserted nothing for each refusal (the invalid ballot never reached it)
    assert [job is not None for job in answers] == [False, False, False, True, False]


def test_a_member_outside_the_snapshot_and_a_deactivated_dao_are_refused(client, warm):
    from tests.factories import add_member

    dao, owner, members, proposal, answers = warm
    late = unique("user:late")
    add_member(dao, late)
    problem(vote(client, dao, proposal, late), 403, "not_eligible")
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).status_code == 204
    problem(vote(client, dao, proposal, members["b"]), 409, "invalid_state")
    assert all(job is None for job in answers)


def test_a_voter_banned_after_voting_still_counts_in_the_live_tally_as_in_the_recount(client, warm):
    """The tally counts every stored vote (a ban refuses new votes, removes none): the running
    sums keep it too, and the live tally equals the recount."""
    from infra.db import transaction
    from models import Proposal
    from services.tally import current_tally, tallies
    from tests.proposals.helpers import finished

    dao, owner, members, proposal, answers = warm
    for voter, choice in (("a", "yes"), ("b", "no")):  # a's again: its first vote may still be queued
        job = vote(client, dao, proposal, members[voter], {"choice": choice}).get_json()
        assert finished(client, job, members[voter])["status"] == "succeeded"
    moderate_user(client, members["b"], "ban")
    tally = client.get(url(dao, proposal["slug"], "/tally"), headers=auth(owner)).get_json()
    assert tally["voters"] == 2 and tally["no"] == tally["yes"]
    with transaction() as session:
        row = session.get(Proposal, __import__("uuid").UUID(proposal["id"]))
        assert current_tally(session, row) == tallies(session, [row])[row.id]


def test_votes_of_many_request_threads_share_one_statement_and_a_voters_second_vote_waits(client, app, warm,
                                                                                          monkeypatch):
    """The accept batcher (infra.batcher): while a batch runs, the votes handed in by other request
    threads wait and then share one statement and one commit; a voter's second vote goes to a
    later batch than the first, so that the later stands (vote change is allowed here). Every
    vote is drained (its proposal's drain nudged in a later batch's round trip or at once)."""
    import threading
    import uuid

    from sqlalchemy import select

    from infra.db import transaction
    from models import Vote
    from tests.infra.test_batcher import _wait_pending
    from tests.proposals.helpers import finished

    dao, owner, members, proposal, answers = warm
    gate, entered, batches = threading.Event(), threading.Event(), []
    accept = vote_accept.accept_votes

    def held(conn, votes):
        batches.append([(vote.subject_id, vote.request["choice"]) for vote in votes])
        entered.set()
        gate.wait(10)
        return accept(conn, votes)  # the fixture's record

    monkeypatch.setattr(vote_accept, "accept_votes", held)
    trips, round_trip = [], vote_accept._round_trip
    monkeypatch.setattr(vote_accept, "_round_trip", lambda nudges, *rest: trips.append(list(nudges)) or round_trip(
        nudges, *rest))
    jobs, threads = {}, []

    def post(name, choice):
        answer = vote(app.test_client(), dao, proposal, members[name], {"choice": choice})
        jobs[(name, choice)] = answer.get_json()

    for number, (name, choice) in enumerate((("b", "yes"), ("c", "yes"), ("d", "no"), ("c", "no"))):
        threads.append(threading.Thread(target=post, args=(name, choice)))
        threads[-1].start()
        if number == 0:
            assert entered.wait(10)
        else:
            _wait_pending(vote_accept._batcher, number)
    gate.set()
    for thread in threads:
        thread.join(20)
    assert batches == [[(members["b"], "yes")], [(members["c"], "yes"), (members["d"], "no")], [(members["c"], "no")]]
    assert len(answers) == 4 and all(job is not None for job in answers)
    # a batch with votes waiting behind it leaves its drain nudge to their batch's Redis round trip
    # (beside their rate-limit counts); the last batch nudges at once
    assert trips == [[], [proposal["id"]], [proposal["id"]]]
    for (name, _), job in jobs.items():
        assert finished(client, job, members[name])["status"] == "succeeded"
    with transaction() as session:
        choices = dict(session.execute(
            select(Vote.voter_id, Vote.choice).where(Vote.proposal_id == uuid.UUID(proposal["id"]))).all())
    assert choices == {members["a"]: "yes", members["b"]: "yes", members["c"]: "no", members["d"]: "no"}


def test_each_vote_of_a_batch_is_judged_alone(client, warm):
    """One statement for the batch, its checks per vote: a banned voter and an outsider beside
    acceptable votes are refused alone (None: the slow path answers them), the others recorded."""
    import uuid

    from infra.db import get_engine

    dao, owner, members, proposal, answers = warm
    moderate_user(client, members["c"], "ban")

    def request(subject):
        return vote_accept.VoteRequest(
            dao_slug=dao.slug, proposal_id=uuid.UUID(proposal["id"]), proposal_slug=proposal["slug"],
            subject_id=subject, subject_type="user",
            request={"choice": "yes", "proposal_slug": proposal["slug"], "dao_slug": dao.slug})

    with get_engine().connect() as conn:
        jobs = vote_accept.accept_votes(conn, [request(members["b"]), request(members["c"]),
                                               request(unique("user:outsider")), request(members["d"])])
        conn.rollback()
    assert [job is not None for job in jobs] == [True, False, False, True]
    assert [job.actor for job in jobs if job is not None] == [members["b"], members["d"]]
