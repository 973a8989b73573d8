"""Broker faults (issue 6): Redis restarted with nothing on disk while jobs wait in it, and NATS
stopped for a while during activity."""

import time

import pytest
import redis
import requests
from sqlalchemy import select

from models import Event
from tests.faults.checks import (
    CHOICES, assert_outbox_delivered_once, assert_rewarded_once, assert_treasury_exact,
    assert_votes_counted, delta_requests, submit_all, vote_requests,
)
from tests.faults.harness import wait_until

pytestmark = pytest.mark.faults


def test_jobs_queued_in_redis_finish_after_it_restarts_empty(fault_stack):
    s = fault_stack
    slug, owner, voters, proposal = s.voting(60)
    choices = {voter: CHOICES[i % 3] for i, voter in enumerate(voters)}

    s.pause_workers(True)  # the jobs pile up in Redis
    queued = submit_all(s, vote_requests(slug, proposal["slug"], voters, choices) + delta_requests(slug, owner, 40))
    s.redis.stop()  # nothing on disk: every queued message is gone
    # Meanwhile the API still accepts work (the job row is the record) and never answers 500.
    during = s.post(f"/api/v1/daos/{slug}/treasury/deltas", owner,
                    {"token_symbol": "GOV", "delta": "1", "reason": "while redis is down"})
    assert during.status_code == 202, during.text
    created = s.post("/api/v1/daos", owner, {"slug": f"{slug}-b", "name": "made while redis is down"})
    assert created.status_code == 201, created.text
    assert requests.get(f"{s.api_url}/healthz", timeout=10).json()["redis"] != "ok"
    s.redis.start()
    assert redis.Redis.from_url(s.redis_url).llen("votes") == 0, "the restarted Redis still holds the votes"
    s.pause_workers(False)

    jobs = s.wait_jobs_finished(queued + [during.json()["id"]], timeout=60)
    assert set(jobs.values()) == {"succeeded"}
    assert_votes_counted(s, slug, proposal, choices)
    assert_treasury_exact(s, slug, owner, queued[len(voters):] + [during.json()["id"]])
    assert_outbox_delivered_once(s, slug)
    s.wait_rewards(proposal["id"], len(voters))
    assert_rewarded_once(s, proposal["id"], voters)
    log = s.api.log()
    assert "rate limiter unavailable" in log and "the requeue sweep sends it" in log


def test_nats_stopped_during_activity_loses_nothing_and_publishes_each_event_once(fault_stack):
    s = fault_stack
    slug, owner, voters, proposal = s.voting(60)
    rounds = [{voter: CHOICES[(i + r) % 3] for i, voter in enumerate(voters)} for r in range(3)]

    accepted = submit_all(s, vote_requests(slug, proposal["slug"], voters, rounds[0]))
    s.wait_jobs_finished(accepted, timeout=30)
    s.nats.stop()
    # Every voter changes its vote while NATS is down; the events wait in the outbox.
    during = submit_all(s, vote_requests(slug, proposal["slug"], voters, rounds[1]) + delta_requests(slug, owner, 30))
    s.wait_jobs_finished(during, timeout=30)
    dao_id = s.dao_id(slug)
    backlog = [str(i) for i, in s.all(select(Event.id).where(Event.dao_id == dao_id, Event.published_at.is_(None))
                                      .order_by(Event.seq))]
    assert len(backlog) >= len(voters) + 30
    time.sleep(2)  # the bridge sweeps fail meanwhile
    s.nats.start()
    after = submit_all(s, vote_requests(slug, proposal["slug"], voters[:20], rounds[2]) + delta_requests(slug, owner, 10, 30))
    s.wait_jobs_finished(after, timeout=30)

    messages = assert_outbox_delivered_once(s, slug)
    assert [m.msg_id for m in messages if m.msg_id in set(backlog)] == backlog, "the backlog was not published in order"
    votes_cast = [m.payload["data"]["voter"] for m in messages if m.payload["type"] == "vote_cast"]
    assert len(votes_cast) == 2 * len(voters) + 20
    final = {**rounds[1], **{v: rounds[2][v] for v in voters[:20]}}
    assert_votes_counted(s, slug, proposal, final)
    assert_treasury_exact(s, slug, owner, during[len(voters):] + after[20:])
    # Downstream: the consumer reconnected and paid each voter once, whatever the number of votes.
    s.wait_rewards(proposal["id"], len(voters))
    assert_rewarded_once(s, proposal["id"], voters)
    time.sleep(1)
    assert_rewarded_once(s, proposal["id"], voters)


def test_rewards_waiting_in_redis_are_paid_after_it_restarts_empty(fault_stack):
    s = fault_stack
    slug, owner, voters, proposal = s.voting(10)
    s.consumer.stop()
    s.wait_jobs_finished(submit_all(s, vote_requests(slug, proposal["slug"], voters, dict.fromkeys(voters, "yes"))), 30)
    s.wait_published(s.dao_id(slug))
    s.pause_workers(True)
    s.start_consumer()  # acknowledges each event once its reward task sits in Redis
    wait_until(lambda: s.consumer.log().count("reward enqueued") >= len(voters), 20, "the rewards to be enqueued")
    s.redis.restart()
    s.pause_workers(False)
    # The reconciliation sweep (tasks/timebank.py) finds the published votes without a reward.
    s.wait_rewards(proposal["id"], len(voters), timeout=30)
    assert_rewarded_once(s, proposal["id"], voters)


def _flag(stack, proposal: dict) -> str:
    return f"governance:drain:{proposal['id']}"


def test_a_lost_drain_flag_delays_the_votes_and_the_sweep_counts_them(fault_stack):
    """The drain flag set but its drain task never sent (issue 14): every vote's nudge finds the
    flag and sends nothing; the requeue sweep finds the stale queued votes and sends the drain."""
    s = fault_stack
    slug, owner, voters, proposal = s.voting(40)
    choices = {voter: CHOICES[i % 3] for i, voter in enumerate(voters)}
    redis.Redis.from_url(s.redis_url).set(_flag(s, proposal), 1, ex=600)  # no drain will come
    queued = submit_all(s, vote_requests(slug, proposal["slug"], voters, choices))
    jobs = s.wait_jobs_finished(queued, timeout=60)
    assert set(jobs.values()) == {"succeeded"}
    assert_votes_counted(s, slug, proposal, choices)
    assert "stale queued jobs" in "".join(worker.log() for worker in s.workers)
    assert_outbox_delivered_once(s, slug)


def test_redis_restarted_with_the_drain_flag_set_and_the_drain_lost_counts_every_vote(fault_stack):
    """Votes accepted with the worker paused, Redis restarted (the drain message gone) and the
    flag back as if it had been kept: the requeue sweep still sends the drain."""
    s = fault_stack
    slug, owner, voters, proposal = s.voting(40)
    choices = {voter: CHOICES[(i + 1) % 3] for i, voter in enumerate(voters)}
    s.pause_workers(True)
    queued = submit_all(s, vote_requests(slug, proposal["slug"], voters, choices))
    s.redis.stop()
    s.redis.start()
    broker = redis.Redis.from_url(s.redis_url)
    assert broker.llen("votes") == 0, "the restarted Redis still holds the drain"
    broker.set(_flag(s, proposal), 1, ex=600)
    s.pause_workers(False)
    more = submit_all(s, vote_requests(slug, proposal["slug"], voters[:10], choices))  # find the flag set
    jobs = s.wait_jobs_finished(queued + more, timeout=60)
    assert set(jobs.values()) == {"succeeded"}
    assert_votes_counted(s, slug, proposal, choices)
    assert_outbox_delivered_once(s, slug)
