"""The scheduler's sweeps (SPEC 5.1), sent by beat every SCHEDULER_INTERVAL_SECONDS.

Each sweep works in bounded batches, one transaction per batch, on rows claimed with FOR UPDATE
SKIP LOCKED: two beats, or a sweep overlapping the previous one, share the work and never apply a
transition twice. A proposal still waiting for a vote job is skipped and taken by a later sweep.
Deadlines are judged by the database clock. A sweep does not retry itself (`autoretry_for=()`):
beat sends the next one within an interval. The finalize sweep is also sent for the earliest
upcoming deadline, and schedules the next one when it ends (services.deadlines).
"""

from __future__ import annotations

import logging
import time

from infra.celery import TRANSIENT_ERRORS, celery_app
from infra.config import get_settings
from infra.db import db_now, transaction
from services.deadlines import schedule_wake, woken
from services.jobs import send_task
from services.lifecycle import SCHEDULER, activate_many, claim_due, finalize

log = logging.getLogger(__name__)

ACTIVATE_BATCH = 50
FINALIZE_BATCH = 200
# A sweep stops after this long and leaves the rest to the next tick (another worker process
# may already be running that one beside it).
SWEEP_BUDGET_SECONDS = 20


def _sweep(name: str, batch: int, apply, on_backlog=None) -> int:
    """Claim and apply batches until none is full or the budget is spent. A batch that fails
    for a reason other than a dependency being down is retried one proposal at a time, and a
    proposal that fails alone is logged and left out of this sweep, so that one bad row cannot
    hold up every other deadline. `on_backlog()` runs once, when the first batch comes full."""
    done, skipped, size = 0, set(), batch
    deadline = time.monotonic() + SWEEP_BUDGET_SECONDS
    while time.monotonic() < deadline:
        ids = []
        try:
            with transaction() as session:
                claimed = claim_due(session, name, size, skip=skipped)
                ids = [proposal.id for proposal in claimed]
                done += apply(session, claimed)
        except TRANSIENT_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - isolated below, logged, the sweep goes on
            if size == 1 and ids:
                skipped.add(ids[0])
                log.exception("%s sweep: proposal %s failed; skipped this round", name, ids[0])
            size = 1
            continue
        if len(ids) < size:
            break
        if on_backlog is not None:
            on_backlog()
            on_backlog = None
    if done:
        log.info("%s sweep: %d proposals", name, done)
    return done


@celery_app.task(name="governance.activate_due", autoretry_for=())
def activate_due() -> int:
    return _sweep("activate", ACTIVATE_BATCH, lambda s, ps: activate_many(s, ps, actor=SCHEDULER))


@celery_app.task(name="governance.finalize_due", autoretry_for=())
def finalize_due(helper: bool = False, wake: int | None = None) -> int:
    """A sweep sent by beat or for a deadline (`wake`: its key, cleared first) that finds a
    backlog (its first batch full) sends one helper sweep at once, so that another worker process
    shares the backlog (SKIP LOCKED) instead of waiting for the next tick. Every sweep but a
    helper schedules the sweep of the next deadline after its own start when it ends."""
    if wake is not None:
        woken(wake)
    with transaction() as session:
        started = db_now(session)

    def send_helper():
        if not helper:
            send_task(finalize_due.name, kwargs={"helper": True}, expires=get_settings().scheduler_interval_seconds)

    done = _sweep(
        "finalize", FINALIZE_BATCH, lambda s, ps: len(finalize(s, ps, actor=SCHEDULER)), on_backlog=send_helper
    )
    if not helper:
        schedule_wake(since=started)
    return done
