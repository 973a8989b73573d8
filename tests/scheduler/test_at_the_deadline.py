"""Finalization at the deadline, not at the next tick (SPEC 5.1, issue 14), with the real worker
and no beat at all: the finalize sweep is sent for the earliest upcoming end_at when a proposal is
activated and when a sweep ends, so proposals are finalized within about a second of their end_at
with no tick; a sweep that wakes before the deadline leaves it and schedules it again; nothing is
sent while nothing is due."""

import time
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from infra.db import transaction
from infra.redis import redis_client
from models import Proposal
from services.deadlines import KEY_GRACE_SECONDS, WAKE_KEY, left_behind, next_deadline, schedule_wake
from tasks.scheduler import finalize_due
from tests.conftest import auth
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, finished, iso, now, url, vote, wait_status,
)

OUTCOMES = ("passed", "rejected", "expired")
# The finalization lag allowed: a tick-driven scheduler with no beat would never finalize them.
PROMPT = 1.0


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def lag(proposal: dict) -> float:
    return (ts(proposal["finalized_at"]) - ts(proposal["end_at"])).total_seconds()


def sweeps_received(worker) -> int:
    """Finalize sweeps the suite's worker has received so far."""
    return sum(1 for line in worker.log().splitlines()
               if "governance.finalize_due[" in line and "received" in line)


def deadlines_between(start: datetime, end: datetime) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(Proposal).where(
            Proposal.end_at.between(start, end), Proposal.activated_at.is_not(None)))


def test_a_proposal_is_finalized_at_its_deadline_without_a_tick(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner, end_at=iso(now() + timedelta(seconds=2)))
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], m["a"], "yes")

    closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
    assert closed["status"] == "passed"
    assert 0 <= lag(closed) < PROMPT, lag(closed)


def test_many_proposals_due_within_one_second_are_all_finalized_promptly(client, worker):
    dao, owner, _ = dao_with_members({})
    first = now() + timedelta(seconds=6)
    proposals = [create(client, dao, owner, end_at=iso(first + timedelta(milliseconds=40 * i)))
                 for i in range(25)]
    submitted = [client.post(url(dao, p["slug"], "/activate"), headers=auth(owner)).get_json() for p in proposals]
    assert {finished(client, job, owner)["status"] for job in submitted} == {"succeeded"}
    assert now() < first, "the proposals must be active before the first deadline"

    closed = [wait_status(client, dao, p["slug"], owner, OUTCOMES) for p in proposals]
    lags = sorted(lag(p) for p in closed)
    assert {p["status"] for p in closed} == {"expired"}
    assert 0 <= lags[0] and lags[-1] < PROMPT, lags


def test_a_proposal_locked_when_the_sweep_claims_it_is_swept_again_soon(client, worker):
    """A vote's KEY SHARE (or the FK check of the live tally's first sums) on a due proposal at
    the instant the sweep claims makes the claim skip it; the sweep then sends another shortly,
    rather than leave it to beat's next sweep (and with no beat, forever: this test's flake)."""
    from infra.db import get_engine
    from services.deadlines import RETRY_SECONDS

    dao, owner, _ = dao_with_members({})
    proposal = create(client, dao, owner, end_at=iso(now() + timedelta(hours=1)))
    act(client, dao, proposal["slug"], "activate", owner)
    with transaction() as session:  # due now, and no sweep sent for it
        session.execute(update(Proposal).where(Proposal.id == proposal["id"])
                        .values(end_at=func.now() - timedelta(milliseconds=1)))
        started = session.scalar(select(func.now()))
    with get_engine().connect() as holder:
        holder.execute(select(Proposal.id).where(Proposal.id == proposal["id"])
                       .with_for_update(read=True, key_share=True))
        finalize_due()  # here in the test process: its claim skips the held row
        assert detail(client, dao, proposal["slug"], owner)["status"] == "active"
        countdown = schedule_wake(since=started)
        holder.rollback()
    assert countdown is not None and countdown <= RETRY_SECONDS  # (or sent already by the sweep above)
    closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES, timeout=5)
    assert closed["status"] == "expired"


def test_a_sweep_that_wakes_early_schedules_the_deadline_again(client, worker):
    dao, owner, _ = dao_with_members({})
    # Beyond the horizon when activated: nothing is scheduled for it then.
    proposal = create(client, dao, owner, end_at=iso(now() + timedelta(hours=1)))
    act(client, dao, proposal["slug"], "activate", owner)
    with transaction() as session:  # a deadline no sweep was sent for, 1.5 s away
        end = session.execute(update(Proposal).where(Proposal.id == proposal["id"])
                              .values(end_at=func.now() + timedelta(seconds=1.5)).returning(Proposal.end_at)).scalar_one()
        target, _ = next_deadline(session, since=end - timedelta(microseconds=1))
    redis_client().set(WAKE_KEY.format(target), "1", ex=60)  # as its sender would have
    before = sweeps_received(worker)
    started = now()

    finalize_due(wake=target)  # woken 1.5 s early, here in the test process

    with transaction() as session:
        earliest, _ = next_deadline(session, since=started - timedelta(seconds=1))
    assert detail(client, dao, proposal["slug"], owner)["status"] == "active"
    assert redis_client().exists(WAKE_KEY.format(earliest))  # the earliest deadline is scheduled again
    closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
    assert 0 <= lag(closed) < PROMPT, lag(closed)
    # No sweep ran in a loop meanwhile: a few per deadline that came, not hundreds.
    assert sweeps_received(worker) - before <= 2 + 3 * deadlines_between(started, now())


def test_nothing_is_sent_while_nothing_is_due(client, worker):
    dao, owner, _ = dao_with_members({})
    proposal = create(client, dao, owner, end_at=iso(now() + timedelta(seconds=1)))
    act(client, dao, proposal["slug"], "activate", owner)
    wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
    time.sleep(0.3)  # the sweep that finalized it has ended
    start, before = now(), sweeps_received(worker)

    time.sleep(2)

    assert sweeps_received(worker) - before <= 3 * deadlines_between(start, now())


def test_one_sweep_is_sent_per_deadline_however_often_it_is_scheduled(client, worker):
    dao, owner, _ = dao_with_members({})
    proposal = create(client, dao, owner, end_at=iso(now() + timedelta(hours=1)))
    act(client, dao, proposal["slug"], "activate", owner)
    # A proposal of an earlier test still active just after its deadline (the session's worker
    # finalizes it) would be a left-behind retry, sooner than this deadline: wait until none is.
    deadline = time.monotonic() + 10
    while True:
        with transaction() as session:
            if left_behind(session, func.now() + timedelta(seconds=2)) is None:
                break
        assert time.monotonic() < deadline, "an earlier test's proposal stayed active after its deadline"
        time.sleep(0.1)
    with transaction() as session:  # a deadline 2 s away
        end = session.execute(update(Proposal).where(Proposal.id == proposal["id"])
                              .values(end_at=func.now() + timedelta(seconds=2)).returning(Proposal.end_at)).scalar_one()
    just_before = end - timedelta(microseconds=1)
    with transaction() as session:
        target, _ = next_deadline(session, since=just_before)

    # The activation's own scheduling, after its job was seen finished, may be the one that sends.
    countdowns = [schedule_wake(since=just_before) for _ in range(5)]

    sent = [c for c in countdowns if c is not None]
    assert len(sent) <= 1 and all(0 < c <= 2 for c in sent), countdowns
    assert 0 < redis_client().ttl(WAKE_KEY.format(target)) <= 2 + KEY_GRACE_SECONDS
    closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
    assert 0 <= lag(closed) < PROMPT, lag(closed)
    assert not redis_client().exists(WAKE_KEY.format(target))  # the woken sweep cleared it
