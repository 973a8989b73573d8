"""Helpers of the reward tests: the consumer process, vote_cast events, and what got paid."""

from __future__ import annotations

import contextlib
import json
import sys
import time
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from infra.nats import Message, publish_batch
from services.outbox import record_event
from models import Event, TimeCreditAccount, TimeCreditTransaction
from infra.db import transaction
from tests.stack import Process


def start_consumer(stack, log_dir, **env) -> Process:
    """The real consumer process (`python -m consumer`), with `env` overriding the stack's."""
    return Process("consumer", [sys.executable, "-m", "consumer"], stack.env(**env), log_dir).start()


@contextlib.contextmanager
def consumer_running(stack, log_dir):
    """The consumer, ready, for the body of the `with`; stopped after."""
    process = start_consumer(stack, log_dir)
    process.wait_for_log("consumer ready")
    try:
        yield process
    finally:
        process.stop()


def cast(dao, proposal_id: str, voter: str, choice: str = "yes") -> str:
    """A vote_cast event recorded in the outbox as the vote task records it; the bridge publishes it."""
    with transaction() as session:
        event = record_event(
            session, "vote_cast", actor=voter, dao=dao,
            data={"proposal_id": proposal_id, "proposal_slug": "p", "voter": voter, "choice": choice,
                  "weight": "1.00000000"},
        )
    return str(event.id)


def wait_until(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return result


def handled(worker, event_id: str) -> int:
    """How many times the worker ran the reward task of this event."""
    return worker.log().count(f"reward for event {event_id}:")


def retries_logged(worker, event_id: str) -> int:
    """How many retries of this event's reward task the task base logged."""
    return sum(1 for line in worker.log().splitlines()
               if "governance.reward_vote(" in line and event_id in line and "failed, retrying" in line)


def rewards_of(voter: str) -> list[TimeCreditTransaction]:
    with transaction() as session:
        return session.scalars(select(TimeCreditTransaction).where(
            TimeCreditTransaction.subject_id == voter, TimeCreditTransaction.tx_type == "governance_reward")).all()


def account_balance(voter: str) -> Decimal | None:
    with transaction() as session:
        return session.scalar(select(TimeCreditAccount.balance).where(TimeCreditAccount.subject_id == voter))


def published(event_ids) -> bool:
    with transaction() as session:
        return session.scalar(select(func.count()).where(
            Event.id.in_([uuid.UUID(e) for e in event_ids]), Event.published_at.is_not(None))) == len(event_ids)


def republish(event_id: str, copies: int = 1) -> None:
    """The same payload again under other Nats-Msg-Ids: the stream stores each copy."""
    with transaction() as session:
        event = session.get(Event, uuid.UUID(event_id))
    data = json.dumps(event.payload).encode()
    acked = publish_batch([Message(event.subject, f"dup-{i}-{event_id}", data) for i in range(copies)])
    assert all(acked)
