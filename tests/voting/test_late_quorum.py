"""Late-quorum protection (SPEC 5.6) end to end: the vote batch that first reaches quorum within
the extension before end_at moves end_at to its submission plus the extension, once, with
`proposal_deadline_extended`; the API, the worker and the scheduler (beat) then follow the new
end_at."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

import pytest

from infra.db import transaction
from models import Job
from services.jobs import run_job
from tasks.voting import cast_vote
from tests.conftest import auth
from tests.daos.common import problem
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, events, in_seconds, now, url, vote, wait_status,
)
from tests.stack import start_beat

FIVE = {"a": "1", "b": "1", "c": "1", "d": "1"}  # with the owner: W = 5 under simple; quorum 50 % = 3 votes


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def beat(stack, log_dir, worker):
    process = start_beat(stack, log_dir, interval=1)
    yield process
    process.stop()


def test_quorum_first_reached_in_the_last_moments_extends_the_vote_once_and_the_scheduler_waits(client, beat):
    dao, owner, m = dao_with_members(FIVE, quorum_percent="50", late_quorum_extension_seconds=14)
    proposal = create(client, dao, owner, end_at=in_seconds(7))
    act(client, dao, proposal["slug"], "activate", owner)
    original = ts(detail(client, dao, proposal["slug"], owner)["end_at"])
    vote(client, dao, proposal["slug"], m["a"], "yes")
    vote(client, dao, proposal["slug"], m["b"], "no")
    assert detail(client, dao, proposal["slug"], owner)["deadline_extended_from"] is None
    reaching = vote(client, dao, proposal["slug"], m["c"], "yes")  # 3 of 5: quorum, 7 s or less before end_at
    vote(client, dao, proposal["slug"], m["d"], "yes")  # quorum again: no second extension

    shown = detail(client, dao, proposal["slug"], owner)
    submitted = ts(reaching["submitted_at"])
    assert ts(shown["end_at"]) == submitted + timedelta(seconds=14)
    assert ts(shown["deadline_extended_from"]) == original
    [extended] = events(dao.id, "proposal_deadline_extended", proposal_id=proposal["id"])
    assert extended.payload["data"] == {
        "proposal_id": proposal["id"], "proposal_slug": proposal["slug"], "previous_end_at": shown["deadline_extended_from"],
        "end_at": shown["end_at"], "submitted_at": reaching["submitted_at"], "extension_seconds": 14,
    }

    time.sleep(max(0.0, (original - now()).total_seconds()) + 2)  # the first end_at has passed, sweeps too
    assert detail(client, dao, proposal["slug"], owner)["status"] == "active"
    late = vote(client, dao, proposal["slug"], owner, "abstain")  # in time for the new end_at
    assert late["status"] == "succeeded" and ts(late["submitted_at"]) > original

    closed = wait_status(client, dao, proposal["slug"], owner, ["passed", "rejected", "expired"], timeout=30)
    assert ts(closed["finalized_at"]) >= ts(shown["end_at"])
    assert (closed["status"], closed["result"]["voters"], closed["result"]["abstain"]) == ("passed", 5, "1.00000000")
    after = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"}, headers=auth(m["a"]))
    problem(after, 409, "voting_closed")
    assert len(events(dao.id, "proposal_deadline_extended", proposal_id=proposal["id"])) == 1


def test_quorum_reached_earlier_than_the_extension_before_end_at_changes_nothing(client, worker):
    dao, owner, m = dao_with_members(FIVE, quorum_percent="50", late_quorum_extension_seconds=60)
    proposal = create(client, dao, owner, end_at=in_seconds(3600))
    act(client, dao, proposal["slug"], "activate", owner)
    end_at = detail(client, dao, proposal["slug"], owner)["end_at"]
    for name in ("a", "b", "c"):
        vote(client, dao, proposal["slug"], m[name], "yes")
    shown = detail(client, dao, proposal["slug"], owner)
    assert (shown["end_at"], shown["deadline_extended_from"], shown["tally"]["quorum_reached"]) == (end_at, None, True)
    assert events(dao.id, "proposal_deadline_extended") == []


def test_without_an_extension_setting_nothing_is_extended(client, worker):
    dao, owner, m = dao_with_members(FIVE, quorum_percent="50")
    proposal = create(client, dao, owner, end_at=in_seconds(20))
    act(client, dao, proposal["slug"], "activate", owner)
    end_at = detail(client, dao, proposal["slug"], owner)["end_at"]
    for name in ("a", "b", "c"):
        vote(client, dao, proposal["slug"], m[name], "yes")
    assert detail(client, dao, proposal["slug"], owner)["end_at"] == end_at
    assert events(dao.id, "proposal_deadline_extended") == []


def test_a_batch_that_reaches_quorum_extends_from_its_latest_submission(client, worker):
    dao, owner, m = dao_with_members(FIVE, quorum_percent="50", late_quorum_extension_seconds=3600)
    proposal = create(client, dao, owner, end_at=in_seconds(600))
    act(client, dao, proposal["slug"], "activate", owner)
    base, ids = now(), []
    with transaction() as session:  # three queued votes, no message: one batch counts them at once
        for offset, name in enumerate(("a", "b", "c")):
            job = Job(id=uuid.uuid4(), kind="cast_vote", actor=m[name], target_id=proposal["id"],
                      request={"choice": "yes"}, submitted_at=base + timedelta(milliseconds=offset))
            session.add(job)
            ids.append(job.id)
    run_job(str(ids[0]), cast_vote.body)
    with transaction() as session:
        jobs = [session.get(Job, job_id) for job_id in ids]
    assert {job.status for job in jobs} == {"succeeded"}
    shown = detail(client, dao, proposal["slug"], owner)
    assert ts(shown["end_at"]) == jobs[2].submitted_at + timedelta(seconds=3600)
    assert len(events(dao.id, "proposal_deadline_extended")) == 1
