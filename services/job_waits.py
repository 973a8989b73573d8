"""Waiting for a job to finish (SPEC 8.2 `Prefer: wait=N`) without polling the database.

The jobs module notifies the channel JOB_FINISHED_CHANNEL with the job id from the transaction
that finishes a job (services.jobs), so the notification is delivered exactly when the outcome
is committed and readable. A waiting request subscribes to its job's id on the process's one
listener (infra.notifications: one thread and one connection, whatever the number of waits),
reads the job once, and sleeps until woken; it reads the job again when woken, and every
RECHECK_SECONDS in case a notification was lost (the listener's connection was down), so a lost
notification delays the answer by at most that much instead of holding the request for good.

Why Postgres LISTEN/NOTIFY rather than a Redis channel: the notification is part of the
finishing transaction (sent on its commit, dropped on its rollback), so a woken waiter always
finds the job finished, and a job finished while Redis is down or slow still wakes its waiters;
Redis pub/sub would be published after the commit by a second call that can fail on its own.

A subject holds at most MAX_WAITS_PER_SUBJECT waits at once in one API process; beyond, a
request is answered at once (202 with the job) instead of waiting, so one caller cannot occupy
every request thread.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from infra.config import get_settings
from infra.db import transaction
from infra.notifications import Listener
from models import Job
from services.jobs import FINISHED, JOB_FINISHED_CHANNEL

RECHECK_SECONDS = 2.0

_listener = Listener(JOB_FINISHED_CHANNEL)
_slots_lock = threading.Lock()
_waits: Counter[str] = Counter()


@contextmanager
def wait_slot(subject_id: str) -> Iterator[bool]:
    """Whether `subject_id` may wait now (it holds fewer than MAX_WAITS_PER_SUBJECT waits);
    the slot is held for the block when it may."""
    with _slots_lock:
        granted = _waits[subject_id] < get_settings().max_waits_per_subject
        if granted:
            _waits[subject_id] += 1
    try:
        yield granted
    finally:
        if granted:
            with _slots_lock:
                _waits[subject_id] -= 1
                if _waits[subject_id] <= 0:
                    del _waits[subject_id]


def _load(job_id) -> Job:
    with transaction() as session:
        return session.get(Job, job_id)


def wait_for(job: Job, *, subject_id: str, seconds: float) -> Job:
    """The job once finished, or as it stands after `seconds` (at once: when `seconds` is not
    positive, when it finished already, or when `subject_id` holds all its waits)."""
    if job.status in FINISHED or seconds <= 0:
        return job
    deadline = time.monotonic() + seconds
    with wait_slot(subject_id) as granted:
        if not granted:
            return job
        with _listener.subscription(str(job.id)) as woken:
            job = _load(job.id)  # after subscribing: a finish from now on wakes this wait
            while job.status not in FINISHED and (left := deadline - time.monotonic()) > 0:
                woken.wait(min(left, RECHECK_SECONDS))
                woken.clear()
                job = _load(job.id)
    return job
