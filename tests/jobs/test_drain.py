"""The drain of a proposal's vote jobs (services.ballots.drain_votes, services.jobs.claim_queued,
issue 14): attempts counted before a batch runs and capped for a vote that kills its worker, a
crashing vote failed alone, no Celery message per vote, and the requeue sweep sending the drain
of a proposal whose votes wait with no drain on its way."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from infra.config import get_settings
from infra.db import transaction
from models import Job
from services import ballots, jobs
from tests.conftest import auth, unique
from tests.proposals.helpers import act, create, dao_with_members, url


_left: list[uuid.UUID] = []


@pytest.fixture(autouse=True)
def no_jobs_left():
    """The jobs these tests leave queued are failed afterwards: a later sweep of the suite must
    not meet them."""
    yield
    with transaction() as session:
        session.execute(update(Job).where(Job.id.in_(_left), Job.status == "queued").values(status="failed"))
    _left.clear()


def queued_votes(target: str, actors, ballot=None) -> list[uuid.UUID]:
    """Vote jobs recorded with no message and no nudge (as if both were lost), oldest first."""
    ids = [uuid.uuid4() for _ in actors]
    _left.extend(ids)
    with transaction() as session:
        session.execute(insert(Job), [{
            "id": job_id, "kind": "cast_vote", "status": "queued", "actor": actor, "target_id": target,
            "request": ballot or {"choice": "yes"},
        } for job_id, actor in zip(ids, actors)])
        for index, job_id in enumerate(ids):  # distinct submission times, in order
            session.execute(update(Job).where(Job.id == job_id).values(
                submitted_at=Job.submitted_at + timedelta(microseconds=index)))
    return ids


def statuses(ids) -> dict:
    with transaction() as session:
        return {row.id: (row.status, row.attempts, (row.error or {}).get("code"))
                for row in session.execute(select(Job.id, Job.status, Job.attempts, Job.error).where(Job.id.in_(ids)))}


def test_a_vote_that_kills_its_drain_every_time_fails_for_good_and_alone():
    target = str(uuid.uuid4())
    ids = queued_votes(target, [unique("user:v") for _ in range(3)])
    assert sorted(jobs.claim_queued("cast_vote", target, 200)) == sorted(ids)  # a batch: its worker dies
    cap = get_settings().max_job_attempts
    [first] = jobs.claim_queued("cast_vote", target, 200)  # a retried job is claimed alone, and dies too
    for attempt in range(3, cap + 1):
        assert jobs.claim_queued("cast_vote", target, 200) == [first]
    assert statuses([first])[first][:2] == ("queued", cap)
    # one more attempt than allowed: failed for good; another retried job is claimed alone
    [second] = jobs.claim_queued("cast_vote", target, 200)
    [third] = set(ids) - {first, second}
    assert statuses(ids) == {
        first: ("failed", cap + 1, "too_many_attempts"), second: ("queued", 2, None), third: ("queued", 1, None),
    }


@pytest.fixture
def active(client, worker):
    dao, owner, members = dao_with_members({name: "1" for name in "abcde"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    return dao, proposal, members


def test_a_crashing_vote_fails_alone_and_the_others_of_its_batch_are_recorded(active, monkeypatch):
    dao, proposal, members = active
    poison = members["c"]
    ids = queued_votes(proposal["id"], list(members.values()))
    record = ballots.record_votes

    def crashing(session, proposal_row, dao_row, batch):
        if any(job.actor == poison for job in batch):
            raise RuntimeError("boom")
        return record(session, proposal_row, dao_row, batch)

    monkeypatch.setattr(ballots, "record_votes", crashing)
    drained = ballots.drain_votes(proposal["id"])  # the task's result, which Flower shows
    assert drained["votes"] == 4 and sorted(drained["jobs"]) == sorted(map(str, ids))  # recorded; every job it finished
    found = statuses(ids)
    assert {job_id: found[job_id][0] for job_id in ids} == {
        job_id: "failed" if actor == poison else "succeeded" for job_id, actor in zip(ids, members.values())}
    assert {found[job_id][2] for job_id in ids} == {None, "internal_error"}
    assert ballots.drain_votes(proposal["id"]) == {"votes": 0, "jobs": []}  # idempotent: nothing left


def test_a_vote_sends_no_task_of_its_own_and_one_drain_per_proposal(client, active, monkeypatch):
    dao, proposal, members = active
    sent = []
    monkeypatch.setattr(jobs, "send_task", lambda name, args=(), **options: sent.append((name, list(args))))
    jobs.redis_client().set(jobs.drain_flag(proposal["id"]), 1, ex=30)  # a drain on its way
    for member in members.values():
        answer = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"}, headers=auth(member))
        assert answer.status_code == 202, answer.get_json()
    assert sent == []  # neither a task per vote nor a second drain
    jobs.clear_drain_flag(proposal["id"])  # what the drain does first
    answer = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(members["a"]))
    assert answer.status_code == 202
    assert sent == [("governance.drain_votes", [proposal["id"]])]
    jobs.clear_drain_flag(proposal["id"])
    assert ballots.drain_votes(proposal["id"])["votes"] == 5


def test_the_sweep_sends_the_drain_of_stale_queued_votes_once_per_proposal(monkeypatch):
    targets = [str(uuid.uuid4()) for _ in range(2)]
    for target in targets:
        queued_votes(target, [unique("user:v") for _ in range(3)])
    sent = []
    monkeypatch.setattr(jobs, "send_task", lambda name, args=(), **options: sent.append((name, list(args))))
    monkeypatch.setattr(jobs, "queue_length", lambda queue: 0)
    monkeypatch.setattr(jobs, "stale_jobs", lambda idle, grace=None: [
        job for job in _all_queued(targets)])
    assert jobs.requeue_stale() == 6
    assert sorted(sent) == sorted(("governance.drain_votes", [target]) for target in targets)


def _all_queued(targets) -> list[Job]:
    with transaction() as session:
        return list(session.scalars(select(Job).where(Job.target_id.in_(targets), Job.status == "queued")))


def test_a_drain_takes_at_most_its_share_then_nudges_the_drain_of_the_rest(active, monkeypatch):
    dao, proposal, members = active
    ids = queued_votes(proposal["id"], list(members.values()))
    monkeypatch.setattr(ballots, "VOTE_BATCH", 2)
    monkeypatch.setattr(ballots, "DRAIN_MAX_JOBS", 3)
    sent = []
    monkeypatch.setattr(jobs, "send_task", lambda name, args=(), **options: sent.append((name, list(args))))
    drained = ballots.drain_votes(proposal["id"])
    assert (drained["votes"], drained["jobs"]) == (4, [str(job_id) for job_id in ids[:4]])  # two batches of 2
    assert sent == [("governance.drain_votes", [proposal["id"]])]  # the rest has a drain on its way
    assert statuses(ids)[ids[4]][0] == "queued"
    jobs.clear_drain_flag(proposal["id"])
    assert ballots.drain_votes(proposal["id"]) == {"votes": 1, "jobs": [str(ids[4])]}
    assert sent == [("governance.drain_votes", [proposal["id"]])]  # nothing left: no further drain


def test_two_drains_of_a_proposal_take_turns_and_charge_no_vote_an_attempt_it_did_not_make(active, monkeypatch):
    """A claim counts an attempt; two drains claiming side by side would meet each other's
    claimed jobs and count attempts again until the cap failed them (services.jobs.draining)."""
    import threading

    dao, proposal, members = active
    ids = queued_votes(proposal["id"], [members[name] for name in "abcde" for _ in range(8)])
    monkeypatch.setattr(ballots, "VOTE_BATCH", 4)
    lock_claimed = ballots.lock_claimed

    def slow_lock(session, claimed):  # widens the gap between a claim's commit and its batch's lock
        time.sleep(0.05)
        return lock_claimed(session, claimed)

    monkeypatch.setattr(ballots, "lock_claimed", slow_lock)
    results, start = [], threading.Barrier(2)

    def drain():
        start.wait()
        results.append(ballots.drain_votes(proposal["id"]))

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    taken = [job_id for result in results for job_id in result["jobs"]]
    assert len(results) == 2 and sorted(taken) == sorted(map(str, ids))  # each job taken once
    found = statuses(ids)
    assert {found[job_id][1] for job_id in ids} == {1}  # one attempt each
    assert "too_many_attempts" not in {found[job_id][2] for job_id in ids}
    assert "queued" not in {found[job_id][0] for job_id in ids}
