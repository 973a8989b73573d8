"""A worker killed with SIGKILL in the middle of a stream of votes and treasury deltas (issue 6):
a new worker and the requeue sweep finish every accepted request, each counted exactly once."""

import pytest
from sqlalchemy import select

from models import Job
from tests.faults.checks import (
    CHOICES, assert_outbox_delivered_once, assert_rewarded_once, assert_treasury_exact,
    assert_votes_counted, delta_requests, submit_all, vote_requests,
)
from tests.faults.harness import wait_until

pytestmark = pytest.mark.faults


def test_a_worker_killed_mid_stream_loses_and_doubles_nothing(fault_stack):
    s = fault_stack
    slug, owner, voters, proposal = s.voting(150)
    choices = {voter: CHOICES[i % 3] for i, voter in enumerate(voters)}
    votes = vote_requests(slug, proposal["slug"], voters, choices)
    deltas = delta_requests(slug, owner, 90)
    # Interleaved, in three thirds: before, during and after the worker's death.
    work = [item for pair in zip(votes, deltas + [None] * len(votes)) for item in pair if item]
    thirds = [work[i::3] for i in range(3)]

    first = submit_all(s, thirds[0])
    # Kill as soon as the worker is at work on the first third, so that some jobs die mid-way.
    wait_until(lambda: s.scalar(select(Job.id).where(Job.id.in_(first), Job.status != "queued")), 10,
               "the worker to start on the stream", interval=0.02)
    s.kill_workers()
    unfinished = s.all(select(Job.id).where(Job.id.in_(first), Job.status.in_(("queued", "running"))))
    assert unfinished, "the worker died with nothing in hand: the case tested nothing"
    second = submit_all(s, thirds[1])  # accepted while no worker runs
    s.start_worker()
    third = submit_all(s, thirds[2])

    accepted = first + second + third
    jobs = s.wait_jobs_finished(accepted, timeout=60)
    assert set(jobs.values()) == {"succeeded"}
    assert_votes_counted(s, slug, proposal, choices)
    delta_jobs = s.all(select(Job.id).where(Job.kind == "apply_treasury_delta", Job.target_id == str(s.dao_id(slug))))
    assert len(delta_jobs) == len(deltas)
    assert_treasury_exact(s, slug, owner, [job_id for job_id, in delta_jobs])
    messages = assert_outbox_delivered_once(s, slug)
    assert sorted(m.payload["data"]["voter"] for m in messages if m.payload["type"] == "vote_cast") == sorted(voters)
    s.wait_rewards(proposal["id"], len(voters))
    assert_rewarded_once(s, proposal["id"], voters)



def test_a_worker_killed_mid_drain_counts_every_vote_once(fault_stack):
    """The drain of 300 queued votes killed (kill -9) after its first batches (issue 14): the
    votes of the batch it held stay queued with their attempt counted, the requeue sweep sends
    the drain again, and every vote is counted once."""
    s = fault_stack
    slug, owner, voters, proposal = s.voting(300)
    choices = {voter: CHOICES[i % 3] for i, voter in enumerate(voters)}
    s.pause_workers(True)
    accepted = submit_all(s, vote_requests(slug, proposal["slug"], voters, choices))
    s.pause_workers(False)
    wait_until(lambda: s.scalar(select(Job.id).where(Job.id.in_(accepted), Job.status == "succeeded")), 30,
               "the drain to record a first batch", interval=0.01)
    s.kill_workers()
    left = s.all(select(Job.id).where(Job.id.in_(accepted), Job.status == "queued"))
    assert left, "the drain finished before the kill: the case tested nothing"
    s.start_worker()
    jobs = s.wait_jobs_finished(accepted, timeout=90)
    assert set(jobs.values()) == {"succeeded"}
    assert_votes_counted(s, slug, proposal, choices)
    assert_outbox_delivered_once(s, slug)
    s.wait_rewards(proposal["id"], len(voters))
    assert_rewarded_once(s, proposal["id"], voters)
