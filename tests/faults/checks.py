"""The requests the fault cases send, and the checks every case ends with: on the database
(jobs, votes, tally), the ledgers (treasury, rewards) and the NATS stream."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import func, select

from infra.nats import STREAM
from models import Event, TimeCreditTransaction, TreasuryBalance, TreasuryTransaction, Vote
from tests.faults.harness import FaultStack

REWARD = Decimal("0.1")


# -- what the NATS stream holds --------------------------------------------------------------------


@dataclass(frozen=True)
class StreamMessage:
    msg_id: str | None
    payload: dict
    seq: int


async def _read_stream(nats_url: str, subject: str) -> list[StreamMessage]:
    nc = await nats.connect(nats_url, connect_timeout=2)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            subject, stream=STREAM,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE),
        )
        messages: list[StreamMessage] = []
        while True:
            try:
                batch = await sub.fetch(1000, timeout=1)
            except (asyncio.TimeoutError, nats.errors.TimeoutError):
                break
            messages += [
                StreamMessage((m.headers or {}).get("Nats-Msg-Id"), json.loads(m.data), m.metadata.sequence.stream)
                for m in batch
            ]
            if batch[-1].metadata.num_pending == 0:
                break
        await sub.unsubscribe()
        return messages
    finally:
        await nc.close()


def read_stream(nats_url: str, subject: str) -> list[StreamMessage]:
    """Every message of the GOVERNANCE stream on `subject` (wildcards allowed), in stream order."""
    return asyncio.run(_read_stream(nats_url, subject))


def assert_outbox_delivered_once(stack: FaultStack, slug: str) -> list[StreamMessage]:
    """Every event of the DAO is published, and the stream holds each exactly once under its own
    id (Nats-Msg-Id = event id = payload id). Returns the DAO's stream messages."""
    dao_id = stack.dao_id(slug)
    stack.wait_published(dao_id)
    rows = stack.all(select(Event.id, Event.type).where(Event.dao_id == dao_id))
    messages = read_stream(stack.nats_url, f"dao.{slug}.>")
    ids = [m.msg_id for m in messages]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"published twice under one id: {sorted(duplicates)[:5]}"
    assert all(m.msg_id == m.payload["id"] for m in messages)
    assert set(ids) == {str(event_id) for event_id, _ in rows}, "the stream and the outbox differ"
    return messages


def assert_rewarded_once(stack: FaultStack, proposal_id: str, voters) -> None:
    """Each voter holds exactly one 0.1 governance reward for the proposal, and its balance says so."""
    rows = stack.all(
        select(TimeCreditTransaction.subject_id, TimeCreditTransaction.amount).where(
            TimeCreditTransaction.tx_type == "governance_reward",
            TimeCreditTransaction.reference_id == str(proposal_id),
        )
    )
    paid = [subject for subject, _ in rows]
    assert sorted(paid) == sorted(set(voters)), "rewards missing or paid twice"
    assert all(amount == REWARD for _, amount in rows)


# -- the requests of a case ------------------------------------------------------------------------

CHOICES = ("yes", "no", "abstain")


def votes_path(slug: str, pslug: str) -> str:
    return f"/api/v1/daos/{slug}/proposals/{pslug}/votes"


def deltas_path(slug: str) -> str:
    return f"/api/v1/daos/{slug}/treasury/deltas"


def submit_all(stack: FaultStack, requests_: list[tuple[str, str, dict]], threads: int = 16) -> list[str]:
    """POST every (path, subject, body) concurrently; each must be accepted (202). Returns the job ids."""
    def post(item):
        path, subject, body = item
        response = stack.post(path, subject, body)
        assert response.status_code == 202, (response.status_code, response.text)
        return response.json()["id"]

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(post, requests_))


def vote_requests(slug: str, pslug: str, voters, choices: dict) -> list[tuple[str, str, dict]]:
    return [(votes_path(slug, pslug), voter, {"choice": choices[voter]}) for voter in voters]


def delta_requests(slug: str, owner: str, count: int, start: int = 0) -> list[tuple[str, str, dict]]:
    return [(deltas_path(slug), owner, {"token_symbol": "GOV", "delta": "1", "reason": f"delta {i}"})
            for i in range(start, start + count)]


def assert_votes_counted(stack: FaultStack, slug: str, proposal: dict, choices: dict) -> None:
    """The votes table holds exactly one vote per voter, with its choice, and the tally route
    counts them (power 1 each)."""
    rows = dict(stack.all(select(Vote.voter_id, Vote.choice).where(Vote.proposal_id == proposal["id"])))
    assert rows == choices
    tally = stack.get(f"/api/v1/daos/{slug}/proposals/{proposal['slug']}/tally", proposal["created_by"]).json()
    for choice in CHOICES:
        expected = sum(1 for c in choices.values() if c == choice)
        assert Decimal(tally[choice]) == expected, (choice, tally)
    assert tally["voters"] == len(choices)


def assert_treasury_exact(stack: FaultStack, slug: str, owner: str, job_ids) -> None:
    """One ledger row per accepted delta job, the balance their sum (each delta is 1), and one
    treasury_updated event per row."""
    dao_id = stack.dao_id(slug)
    ledger = stack.all(select(TreasuryTransaction.job_id, TreasuryTransaction.delta)
                       .where(TreasuryTransaction.dao_id == dao_id))
    assert sorted(str(job_id) for job_id, _ in ledger) == sorted(map(str, job_ids)), "a delta lost or applied twice"
    balance = stack.scalar(select(TreasuryBalance.balance).where(TreasuryBalance.dao_id == dao_id))
    assert balance == len(job_ids) == sum(delta for _, delta in ledger)
    events = stack.scalar(select(func.count()).select_from(Event)
                          .where(Event.dao_id == dao_id, Event.type == "treasury_updated"))
    assert events == len(job_ids)
