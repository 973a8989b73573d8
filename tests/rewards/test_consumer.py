"""Downstream rewards (SPEC 5.4, issue 4) with the real consumer process, worker and NATS:
0.1 credits per voter and proposal, exactly once, however often the event arrives or the vote
changes, and after the consumer was down."""

import signal
import time
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from infra.nats import Message, publish_batch
from models import Event
from infra.db import transaction
from tests.conftest import unique
from tests.rewards.helpers import (
    account_balance, cast, handled, published, republish, retries_logged, rewards_of, start_consumer, wait_until,
)

pytestmark = pytest.mark.usefixtures("worker")


def test_the_same_event_delivered_several_times_pays_once(consumer, worker, dao):
    voter, proposal = unique("user:voter"), str(uuid.uuid4())
    event_id = cast(dao, proposal, voter)
    wait_until(lambda: handled(worker, event_id) == 1, what="the first reward")
    republish(event_id, copies=4)
    wait_until(lambda: handled(worker, event_id) == 5, what="the duplicates")
    rows = rewards_of(voter)
    assert [(r.amount, r.reference_id, r.balance_after) for r in rows] == [(Decimal("0.1"), proposal, Decimal("0.1"))]
    assert account_balance(voter) == Decimal("0.1")
    with transaction() as session:
        credited = session.scalars(select(Event).where(
            Event.type == "timebank.credited", Event.payload["data"]["subject_id"].astext == voter)).all()
    assert [e.payload["data"]["tx_type"] for e in credited] == ["governance_reward"]
    assert credited[0].payload["data"]["event_id"] == event_id


def test_a_vote_changed_three_times_pays_once(consumer, worker, dao):
    voter, proposal, other = unique("user:voter"), str(uuid.uuid4()), str(uuid.uuid4())
    events = [cast(dao, proposal, voter, choice) for choice in ("yes", "no", "abstain")]
    events.append(cast(dao, other, voter))  # another proposal earns its own reward
    wait_until(lambda: all(handled(worker, e) == 1 for e in events), what="every reward task")
    assert sorted(r.reference_id for r in rewards_of(voter)) == sorted([proposal, other])
    assert account_balance(voter) == Decimal("0.2")


def test_a_consumer_that_was_down_catches_up_and_pays_every_voter_once(stack, log_dir, consumer, worker, dao):
    consumer.stop()
    proposal = str(uuid.uuid4())
    voters = [unique("user:voter") for _ in range(12)]
    events = [cast(dao, proposal, v) for v in voters] + [cast(dao, proposal, voters[0], "no")]
    wait_until(lambda: published(events), what="the bridge to publish while the consumer is down")
    time.sleep(0.5)
    assert all(handled(worker, e) == 0 for e in events)
    assert all(rewards_of(v) == [] for v in voters)

    restarted = start_consumer(stack, log_dir)
    try:
        restarted.wait_for_log("consumer ready")
        wait_until(lambda: all(handled(worker, e) == 1 for e in events), what="the catch-up")
        for voter in voters:
            assert [(r.amount, r.reference_id) for r in rewards_of(voter)] == [(Decimal("0.1"), proposal)]
    finally:
        restarted.stop()
    assert restarted.proc.returncode == 0, restarted.log()[-2000:]
    assert "consumer stopped" in restarted.log()


def test_a_message_is_acknowledged_only_once_its_reward_is_enqueued(stack, log_dir, consumer, worker, dao):
    """With the broker unreachable the consumer keeps the message; the next consumer pays it."""
    from devstack.osutil import find_free_port

    consumer.stop()
    voter, proposal = unique("user:voter"), str(uuid.uuid4())
    event_id = cast(dao, proposal, voter)
    wait_until(lambda: published([event_id]), what="the event to be published")
    broken = start_consumer(stack, log_dir, REDIS_URL=f"redis://127.0.0.1:{find_free_port()}/0")
    try:
        broken.wait_for_log(f"could not enqueue the reward of event {event_id}", timeout=30)
    finally:
        broken.stop()
    assert broken.proc.returncode == 0
    assert rewards_of(voter) == []

    healthy = start_consumer(stack, log_dir)
    try:
        wait_until(lambda: handled(worker, event_id) == 1, what="the redelivered reward")
    finally:
        healthy.stop()
    assert len(rewards_of(voter)) == 1


def test_a_malformed_message_is_dropped_not_redelivered(consumer, worker):
    subject = f"dao.{unique('nodao')}.vote_cast"
    assert publish_batch([Message(subject, str(uuid.uuid4()), b"{not json")]) == [True]
    consumer.wait_for_log("dropping malformed message")
    time.sleep(1.5)  # past the first redelivery delay: a terminated message does not come back
    assert consumer.log().count("dropping malformed message") == 1


def test_the_consumer_waits_for_nats_and_stops_cleanly_on_sigterm(stack, log_dir):
    from devstack.osutil import find_free_port

    process = start_consumer(stack, log_dir, NATS_URL=f"nats://127.0.0.1:{find_free_port()}")
    try:
        process.wait_for_log("NATS unavailable")
        process.wait_for_log("reconnecting")
        assert process.proc.poll() is None  # still running, retrying
        process.signal(signal.SIGTERM)
        assert process.proc.wait(10) == 0
        assert "consumer stopped" in process.log()
    finally:
        process.stop()


def test_a_failing_reward_is_retried_and_logged_until_it_is_paid(consumer, worker, dao):
    """A database error (a trigger refusing the voter's ledger rows) fails the reward task; it is
    logged and retried with backoff, and pays once the error is gone."""
    from sqlalchemy import text

    voter, proposal = unique("user:voter"), str(uuid.uuid4())
    trigger = f"fail_{uuid.uuid4().hex[:8]}"
    with transaction() as session:
        session.execute(text(
            f"CREATE FUNCTION {trigger}() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.subject_id = '{voter}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ "
            f"LANGUAGE plpgsql"))
        session.execute(text(f"CREATE TRIGGER {trigger} BEFORE INSERT ON time_credit_transactions "
                             f"FOR EACH ROW EXECUTE FUNCTION {trigger}()"))
    try:
        event_id = cast(dao, proposal, voter)
        wait_until(lambda: retries_logged(worker, event_id) >= 2, what="two failed attempts")
        assert rewards_of(voter) == []
    finally:
        with transaction() as session:
            session.execute(text(f"DROP TRIGGER {trigger} ON time_credit_transactions"))
            session.execute(text(f"DROP FUNCTION {trigger}()"))
    wait_until(lambda: handled(worker, event_id) == 1, what="the retried reward")
    assert [(r.amount, r.reference_id) for r in rewards_of(voter)] == [(Decimal("0.1"), proposal)]
