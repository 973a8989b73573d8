"""Recovery sweeps: jobs whose broker message was lost are sent again. Safe because every job
task is idempotent and counts its attempts.

A message is lost when Redis restarts with nothing on disk (its queued jobs stay `queued`), or
when a whole worker is killed (its jobs stay `queued` or `running` until Redis's visibility
timeout, an hour, hands the messages out again). Every JOB_REQUEUE_AFTER_SECONDS, beat sends:
- a job `queued` longer than that, when its queue is empty (its message is not waiting there);
- a job `running` longer than that whose row no transaction holds: a running job body keeps
  its job row locked until it commits, so an unlocked `running` job is one whose worker died
  (or which waits for a retry, where one more delivery is harmless).
"""

from __future__ import annotations

import fnmatch
import logging
from datetime import timedelta

from sqlalchemy import func, or_, select

from infra.config import get_settings
from infra.redis import redis_client
from models import Job
from infra.db import transaction
from worker.app import TASK_ROUTES, celery_app

log = logging.getLogger(__name__)

SWEEP_LIMIT = 1000


def task_name(kind: str) -> str:
    return f"governance.{kind}"


def queue_of(name: str) -> str:
    for pattern, route in TASK_ROUTES.items():
        if fnmatch.fnmatchcase(name, pattern):
            return route["queue"]
    return celery_app.conf.task_default_queue


def stale_jobs(idle_queues: set[str], grace: timedelta | None = None) -> list[Job]:
    """Queued jobs older than `grace` whose queue is empty, and running jobs older than `grace`
    that no transaction holds (judged by the database clock): their messages are gone."""
    grace = grace if grace is not None else timedelta(seconds=get_settings().job_requeue_after_seconds)
    cutoff = func.now() - grace
    with transaction() as session:
        jobs = session.scalars(
            select(Job)
            .where(
                or_(
                    (Job.status == "queued") & (Job.submitted_at < cutoff),
                    (Job.status == "running") & (Job.started_at < cutoff),
                )
            )
            .order_by(Job.submitted_at)
            .limit(SWEEP_LIMIT)
            .with_for_update(skip_locked=True)
        ).all()
    return [j for j in jobs if j.status == "running" or queue_of(task_name(j.kind)) in idle_queues]


@celery_app.task(name="governance.requeue_stale_jobs", ignore_result=True)
def requeue_stale_jobs() -> int:
    redis = redis_client()
    idle = {q.name for q in celery_app.conf.task_queues if redis.llen(q.name) == 0}
    jobs = stale_jobs(idle)
    for job in jobs:
        log.warning("re-enqueueing %s job %s (status %s)", job.kind, job.id, job.status)
        celery_app.send_task(task_name(job.kind), args=[str(job.id)], task_id=str(job.id))
    return len(jobs)
