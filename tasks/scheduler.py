"""The scheduler's sweeps (SPEC 5.1), sent by beat every SCHEDULER_INTERVAL_SECONDS.

Each sweep works in bounded batches, one transaction per batch, on rows claimed with FOR UPDATE
SKIP LOCKED: two beats, or a sweep overlapping the previous one, share the work and never apply a
transition twice. A proposal still waiting for a vote job is skipped and taken by a later sweep.
Deadlines are judged by the database clock.
"""

from __future__ import annotations

import logging
import time

from models.db import transaction
from services.proposals import SCHEDULER, activate_many, claim_due, finalize
from worker.app import celery_app

log = logging.getLogger(__name__)

ACTIVATE_BATCH = 50
FINALIZE_BATCH = 200
# A sweep stops after this long and leaves the rest to the next tick (another worker process
# may already be running that one beside it).
SWEEP_BUDGET_SECONDS = 20


def _sweep(name: str, batch: int, apply) -> int:
    done, deadline = 0, time.monotonic() + SWEEP_BUDGET_SECONDS
    while time.monotonic() < deadline:
        with transaction() as session:
            claimed = claim_due(session, name, batch)
            done += apply(session, claimed)
        if len(claimed) < batch:
            break
    if done:
        log.info("%s sweep: %d proposals", name, done)
    return done


@celery_app.task(name="governance.activate_due", acks_late=True, ignore_result=True)
def activate_due() -> int:
    return _sweep("activate", ACTIVATE_BATCH, lambda s, ps: activate_many(s, ps, actor=SCHEDULER))


@celery_app.task(name="governance.finalize_due", acks_late=True, ignore_result=True)
def finalize_due() -> int:
    return _sweep("finalize", FINALIZE_BATCH, lambda s, ps: len(finalize(s, ps, actor=SCHEDULER)))
