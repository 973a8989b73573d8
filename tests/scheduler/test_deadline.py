"""A vote accepted before end_at counts even when a worker reaches it after end_at (SPEC 5.2):
the worker that serves the `votes` queue is stopped (SIGSTOP) while votes are submitted just
before the deadline; the beat keeps sweeping with a lifecycle-only worker, and finalization waits
until the votes are processed. A subject banned between submission and processing fails
`not_eligible`; its accepted vote is not counted."""

import signal
import time
from datetime import datetime

import pytest

from models import ModerationAction
from infra.db import transaction
from tests.conftest import auth
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, finished, in_seconds, jobs_of, url, vote, wait_status,
)
from tests.stack import start_beat, start_worker


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def lifecycle_only(stack, log_dir, worker):
    """A second worker for lifecycle and events only, and a beat; the suite's worker (which also
    serves `votes`) is resumed whatever happens."""
    extra = start_worker(stack, log_dir, queues="lifecycle,events", concurrency=1)
    beat = start_beat(stack, log_dir, interval=1)
    try:
        yield
    finally:
        worker.signal(signal.SIGCONT)
        beat.stop()
        extra.stop()


def test_votes_submitted_before_the_deadline_count_when_processed_after_it(client, worker, lifecycle_only):
    dao, owner, m = dao_with_members({"a": "1", "b": "1", "c": "1", "d": "1"})
    proposal = create(client, dao, owner, end_at=in_seconds(5))
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], m["d"], "no")  # processed at once, before the pause

    worker.signal(signal.SIGSTOP)
    accepted = {name: vote(client, dao, proposal["slug"], m[name], choice, wait=False)
                for name, choice in (("a", "yes"), ("b", "yes"), ("c", "yes"))}
    with transaction() as session:  # c is banned after its vote was accepted
        session.add(ModerationAction(moderator_id="user:mod", target_type="user", target_id=m["c"],
                                     action="ban", reason="spam"))
    end = ts(detail(client, dao, proposal["slug"], owner)["end_at"])
    time.sleep(max(0.0, (end - ts(in_seconds(0))).total_seconds()) + 0.1)
    late = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"}, headers=auth(owner))
    assert late.status_code == 409 and late.get_json()["code"] == "voting_closed"
    time.sleep(3)  # three sweeps pass the deadline while the votes wait
    assert detail(client, dao, proposal["slug"], owner)["status"] == "active"
    assert {j.status for j in jobs_of("cast_vote", proposal["id"]) if j.actor != m["d"]} == {"queued"}

    worker.signal(signal.SIGCONT)

    closed = wait_status(client, dao, proposal["slug"], owner, ["passed", "rejected", "expired"])
    jobs = {name: finished(client, job, m[name]) for name, job in accepted.items()}
    assert {name: (j["status"], (j["error"] or {}).get("code")) for name, j in jobs.items()} == {
        "a": ("succeeded", None), "b": ("succeeded", None), "c": ("failed", "not_eligible"),
    }
    assert all(ts(j["submitted_at"]) < end < ts(j["finished_at"]) for j in jobs.values())
    result = closed["result"]
    assert (closed["status"], result["yes"], result["no"], result["voters"]) == ("passed", "2.00000000", "1.00000000", 3)
    assert ts(closed["finalized_at"]) > ts(jobs["a"]["finished_at"])
