"""The shared base of every job task (SPEC 8.2).

A job task is a function `body(session, job) -> dict` registered with `job_task(name)`. The base:
- counts the attempt on the job row first, in its own statement, so that a message that kills its
  worker every time is failed for good after MAX_JOB_ATTEMPTS instead of looping forever;
- runs the body, the job's success and every row the body writes in ONE transaction, with the
  job row locked: a second delivery of the same job waits, then sees it finished and does nothing;
- records a domain error as `failed` with `{code, message}`, in a transaction of its own;
- retries transient database and broker errors with exponential backoff.
"""

from __future__ import annotations

import logging
from typing import Callable

import kombu.exceptions
import sqlalchemy.exc
from sqlalchemy import func, select, update

from governance.errors import DomainError
from infra.clock import utcnow
from infra.config import get_settings
from models import Job
from infra.db import transaction
from worker.app import celery_app

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)
FINISHED = ("succeeded", "failed")


def backoff_seconds(retries: int) -> int:
    """1, 2, 4, ... seconds, capped at 60 (well below the broker's visibility timeout)."""
    return min(60, 2**retries)


def _count_attempt(job_id: str) -> Job | None:
    """Mark the job running and count this attempt; None when there is nothing to do."""
    with transaction() as session:
        job = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(("queued", "running")))
            .values(
                status="running",
                attempts=Job.attempts + 1,
                started_at=func.coalesce(Job.started_at, func.now()),
            )
            .returning(Job)
        ).scalar_one_or_none()
        if job is not None and job.attempts > get_settings().max_job_attempts:
            job.status, job.finished_at = "failed", utcnow()
            job.error = {"code": "too_many_attempts", "message": "the job was attempted too often"}
            log.error("job %s failed for good after %s attempts", job_id, job.attempts - 1)
            return None
        return job


def _fail(job_id: str, error: dict) -> None:
    with transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.not_in(FINISHED))
            .values(status="failed", error=error, finished_at=utcnow())
        )


def run_job(job_id: str, body: Callable) -> None:
    """Run `body` for the job once, whatever the number of deliveries."""
    if _count_attempt(job_id) is None:
        return
    try:
        with transaction() as session:
            job = session.execute(select(Job).where(Job.id == job_id).with_for_update()).scalar_one()
            if job.status in FINISHED:
                return
            job.result = body(session, job)
            job.status, job.finished_at = "succeeded", utcnow()
    except DomainError as error:
        log.info("job %s refused: %s", job_id, error.code)
        _fail(job_id, error.as_dict())


def job_task(name: str) -> Callable:
    """Register `body(session, job) -> dict` as the Celery task `name` taking a job id."""

    def register(body: Callable) -> Callable:
        @celery_app.task(name=name, bind=True, max_retries=10, acks_late=True)
        def task(self, job_id: str) -> None:
            try:
                run_job(job_id, body)
            except TRANSIENT_ERRORS as error:
                log.warning("job %s: transient error, retrying: %s", job_id, error)
                raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries))
            except Exception as error:  # noqa: BLE001 - recorded on the job, then re-raised
                log.exception("job %s crashed", job_id)
                _fail(job_id, {"code": "internal_error", "message": str(error)[:500]})
                raise

        task.body = body
        return task

    return register
