"""Recovery sweeps: jobs whose broker message was lost (e.g. Redis restarted with nothing on
disk) are sent again. Safe because every job task is idempotent and counts its attempts."""

from __future__ import annotations

import fnmatch
import logging
from datetime import timedelta

from sqlalchemy import or_, select

from infra.clock import utcnow
from infra.redis import redis_client
from models import Job
from models.db import transaction
from worker.app import TASK_ROUTES, celery_app

log = logging.getLogger(__name__)

QUEUED_GRACE = timedelta(seconds=30)
RUNNING_GRACE = timedelta(seconds=celery_app.conf.task_time_limit + 60)
SWEEP_LIMIT = 1000


def task_name(kind: str) -> str:
    return f"governance.{kind}"


def queue_of(name: str) -> str:
    for pattern, route in TASK_ROUTES.items():
        if fnmatch.fnmatchcase(name, pattern):
            return route["queue"]
    return celery_app.conf.task_default_queue


def stale_jobs(now, idle_queues: set[str]) -> list[Job]:
    """Queued jobs whose queue is empty though they still wait, and running jobs older than
    any task may run: their messages are gone."""
    with transaction() as session:
        jobs = session.scalars(
            select(Job)
            .where(
                or_(
                    (Job.status == "queued") & (Job.submitted_at < now - QUEUED_GRACE),
                    (Job.status == "running") & (Job.started_at < now - RUNNING_GRACE),
                )
            )
            .order_by(Job.submitted_at)
            .limit(SWEEP_LIMIT)
        ).all()
    return [j for j in jobs if j.status == "running" or queue_of(task_name(j.kind)) in idle_queues]


@celery_app.task(name="governance.requeue_stale_jobs", ignore_result=True)
def requeue_stale_jobs() -> int:
    redis = redis_client()
    idle = {q.name for q in celery_app.conf.task_queues if redis.llen(q.name) == 0}
    jobs = stale_jobs(utcnow(), idle)
    for job in jobs:
        log.warning("re-enqueueing %s job %s (status %s)", job.kind, job.id, job.status)
        celery_app.send_task(task_name(job.kind), args=[str(job.id)], task_id=str(job.id))
    return len(jobs)
