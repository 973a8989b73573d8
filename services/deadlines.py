"""Finalization at the deadline, not at the next tick (SPEC 5.1, issue 14).

Beat sends the finalize sweep (`governance.finalize_due`) every interval; it is also sent to run
at the earliest upcoming end_at of an active proposal:
- when a transaction that activated proposals commits (`wake_after_commit`), and
- when a finalize sweep ends (`schedule_wake(since=<the database time the sweep started>)`):
  the earliest end_at after the sweep's start, so that a deadline that passed while the sweep
  ran is swept at once, and one that the sweep could already take is not scheduled again; but
  when a proposal due at the sweep's start is still active (the sweep skipped it: locked by
  another transaction when it claimed, waiting for vote jobs, or failed alone), a sweep is sent
  RETRY_SECONDS later, for up to RETRY_WINDOW_SECONDS after that deadline (it waited for beat's
  next sweep before, up to a whole interval).
The sweep goes out with a countdown (`governance.deadlines.wake_countdown`), only for a deadline
within HORIZON_SECONDS, which is well under the broker's visibility timeout and longer than
beat's interval, so that beat's sweep before a far deadline schedules it. The database clock
decides what is due: a sweep that woke a little early finds nothing due and, ending, schedules
the same deadline again with the countdown left.

One message per deadline: the sender sets a Redis key per target millisecond (SET NX, expiring
a little after the target) and sends only when it was not set; the woken sweep deletes it first
(`woken`), so that it can schedule that deadline again. Duplicates are harmless anyway (the sweep
is idempotent and claims with SKIP LOCKED). Whatever is lost (the message, the key, Redis), or
fails here (logged, never raised), beat's sweep still finalizes and schedules.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from sqlalchemy import BigInteger, exists, func, select

from governance.deadlines import wake_countdown
from infra.db import after_commit, transaction
from infra.redis import redis_client
from models import Proposal
from services.jobs import send_task

log = logging.getLogger(__name__)

HORIZON_SECONDS = 30
# A proposal a sweep left behind (due, still active) is swept again this soon, for this long
# after its deadline; beat's sweep takes it after that.
RETRY_SECONDS = 0.5
RETRY_WINDOW_SECONDS = 10
WAKE_KEY = "governance:finalize:wake:{}"
# How long a deadline's key outlives its countdown: a sweep delayed longer may be sent twice.
KEY_GRACE_SECONDS = 10
FINALIZE_SWEEP = "governance.finalize_due"


def next_deadline(session, since=None) -> tuple[int, float] | None:
    """The earliest end_at after `since` (default: now) of an active proposal, as (its epoch
    milliseconds rounded up, the seconds left until it by the database clock), or None."""
    earliest = (
        select(func.min(Proposal.end_at).label("at"))
        .where(Proposal.status == "active", Proposal.end_at > (since if since is not None else func.now()))
        .subquery()
    )
    target, left = session.execute(select(
        _epoch_ms(earliest.c.at),
        func.extract("epoch", earliest.c.at - func.clock_timestamp()),
    )).one()
    return None if target is None else (int(target), float(left))


def left_behind(session, since) -> tuple[int, float] | None:
    """(target, seconds left) of a sweep RETRY_SECONDS from now when a proposal that was due when
    the sweep began (`since`), at most RETRY_WINDOW_SECONDS before it, is still active: the sweep
    skipped it (its claim skips rows another transaction holds, e.g. a vote's KEY SHARE at the
    deadline, or the FK check of the live tally's first sums; or it waits for vote jobs, or failed
    alone). None otherwise: an older one is beat's."""
    due = func.least(Proposal.end_at, Proposal.closed_at)
    behind = exists().where(Proposal.status == "active", due <= since,
                            due > since - timedelta(seconds=RETRY_WINDOW_SECONDS))
    target = session.scalar(select(_epoch_ms(func.clock_timestamp() + timedelta(seconds=RETRY_SECONDS))).where(behind))
    return None if target is None else (int(target), RETRY_SECONDS)


def _epoch_ms(moment):
    """SQL: `moment` as epoch milliseconds, rounded up (a sweep for it never runs before it)."""
    return func.ceil(func.extract("epoch", moment) * 1000).cast(BigInteger)


def schedule_wake(since=None) -> float | None:
    """Send one finalize sweep for the earliest deadline after `since` (default: now), or sooner
    for a proposal the sweep that began at `since` left behind (`left_behind`), when it lies
    within the horizon and none was sent for it yet; returns its countdown, else None."""
    key = None
    try:
        with transaction() as session:
            found = next_deadline(session, since)
            retry = left_behind(session, since) if since is not None else None
        if retry is not None and (found is None or retry[1] < found[1]):
            found = retry
        countdown = wake_countdown(found[1], HORIZON_SECONDS) if found else None
        if countdown is None:
            return None
        key = WAKE_KEY.format(found[0])
        if not redis_client().set(key, "1", nx=True, ex=math.ceil(countdown) + KEY_GRACE_SECONDS):
            return None
        send_task(FINALIZE_SWEEP, kwargs={"wake": found[0]}, countdown=countdown, expires=countdown + HORIZON_SECONDS)
        return countdown
    except Exception:  # noqa: BLE001 - beat's sweep finalizes and schedules anyway
        log.warning("could not schedule the finalize sweep at the next deadline; beat's sweep will", exc_info=True)
        if key is not None:
            _forget(key)
        return None


def woken(target: int) -> None:
    """The sweep sent for `target` has started: the deadline may be scheduled again."""
    _forget(WAKE_KEY.format(target))


def _forget(key: str) -> None:
    try:
        redis_client().delete(key)
    except Exception:  # noqa: BLE001 - the key expires by itself
        log.warning("could not delete %s; it expires by itself", key, exc_info=True)


def wake_after_commit(session) -> None:
    """Schedule the sweep for the earliest deadline once the session's transaction commits
    (once per transaction, however many proposals it activates)."""
    after_commit(session, schedule_wake, once=True)
