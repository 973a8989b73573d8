"""`close` keeps the scheduled end (issue 11, item 8): it records `closed_at` and leaves `end_at`
as scheduled; voting ends at the earlier of the two (a vote after the close is refused, saying
when voting closed, even while the proposal still waits for the votes accepted before it); the
finalize sweep honours the close; and the finalization-lag metric counts scheduled
finalizations only."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

from sqlalchemy import update

from infra.db import db_now, transaction
from models import Job, Proposal
from services.jobs import send_task, task_name
from tasks.scheduler import finalize_due
from tests.conftest import auth
from tests.scheduler.test_sweeps import ts
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, in_seconds, url, vote, wait_status,
)


def lag_count(client) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    return float(re.search(r"^governance_finalization_lag_seconds_count (\S+)$", text, re.M).group(1))


def _active(client, **members):
    dao, owner, subjects = dao_with_members(members or {"a": "1", "b": "1"})
    proposal = create(client, dao, owner, end_at=in_seconds(3600))
    act(client, dao, proposal["slug"], "activate", owner)
    return dao, owner, subjects, detail(client, dao, proposal["slug"], owner)


def test_close_keeps_end_at_and_records_closed_at(client, worker):
    dao, owner, subjects, proposal = _active(client)
    vote(client, dao, proposal["slug"], subjects["a"], "yes")
    before = lag_count(client)
    act(client, dao, proposal["slug"], "close", owner)
    closed = detail(client, dao, proposal["slug"], owner)
    assert closed["end_at"] == proposal["end_at"], "close moved the scheduled end"
    assert closed["closed_at"] is not None and closed["status"] in ("passed", "rejected")
    assert ts(closed["closed_at"]) < ts(closed["end_at"]) and ts(closed["closed_at"]) <= ts(closed["finalized_at"])
    assert lag_count(client) == before, "a manual close counted as a finalization lag sample"


def test_a_close_after_end_at_is_not_a_scheduled_finalization_either(client, worker):
    dao, owner, subjects, proposal = _active(client)
    with transaction() as session:  # the end passed while no sweep ran
        session.execute(update(Proposal).where(Proposal.id == uuid.UUID(proposal["id"]))
                        .values(end_at=db_now(session) - timedelta(seconds=5)))
    before = lag_count(client)
    act(client, dao, proposal["slug"], "close", owner)
    closed = detail(client, dao, proposal["slug"], owner)
    assert ts(closed["closed_at"]) > ts(closed["end_at"]) and closed["finalized_at"] is not None
    assert lag_count(client) == before


def test_a_scheduled_finalization_is_a_lag_sample(client, worker):
    dao, owner, subjects, proposal = _active(client)
    with transaction() as session:
        session.execute(update(Proposal).where(Proposal.id == uuid.UUID(proposal["id"]))
                        .values(end_at=db_now(session) - timedelta(seconds=1)))
    before = lag_count(client)
    finalize_due()
    finalized = wait_status(client, dao, proposal["slug"], owner, ("passed", "rejected", "expired"))
    assert finalized["closed_at"] is None
    assert lag_count(client) == before + 1


def _vote_accepted_but_not_processed(proposal: dict, voter: str) -> uuid.UUID:
    """A vote job as the API records it (queued, submitted now), whose message is not sent yet:
    a vote accepted before the close that a worker has not reached."""
    job_id = uuid.uuid4()
    with transaction() as session:
        session.add(Job(id=job_id, kind="cast_vote", status="queued", actor=voter, target_id=proposal["id"],
                        request={"choice": "yes", "proposal_slug": proposal["slug"], "dao_slug": "x"}))
    return job_id


def wait_vote_done(job_id, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while True:
        with transaction() as session:
            status = session.get(Job, job_id).status
        if status in ("succeeded", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_the_vote_window_and_the_finalization_honour_the_close(client, worker):
    dao, owner, subjects, proposal = _active(client)
    pending = _vote_accepted_but_not_processed(proposal, subjects["a"])
    act(client, dao, proposal["slug"], "close", owner)
    waiting = detail(client, dao, proposal["slug"], owner)
    assert waiting["status"] == "active" and waiting["closed_at"] is not None  # waits for the vote before it
    assert waiting["end_at"] == proposal["end_at"]

    late = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"}, headers=auth(subjects["b"]))
    assert late.status_code == 409, late.get_json()
    problem = late.get_json()
    assert problem["code"] == "voting_closed" and problem["detail"] == f"voting closed at {waiting['closed_at']}"

    send_task(task_name("cast_vote"), args=[str(pending)], task_id=str(pending))
    assert wait_vote_done(pending) == "succeeded"
    finalize_due()  # end_at is an hour away: only the close makes it due
    final = wait_status(client, dao, proposal["slug"], owner, ("passed", "rejected", "expired"))
    assert final["result"]["yes"] == "1.00000000" and final["end_at"] == proposal["end_at"]


def test_after_the_close_every_vote_says_when_voting_closed(client, worker):
    dao, owner, subjects, proposal = _active(client)
    act(client, dao, proposal["slug"], "close", owner)
    closed = detail(client, dao, proposal["slug"], owner)
    response = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"},
                           headers=auth(subjects["a"]))
    assert response.status_code == 409
    assert response.get_json()["detail"] == f"voting closed at {closed['closed_at']}: the proposal is {closed['status']}"
