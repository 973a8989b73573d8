"""Asynchronous operations (SPEC 8.2): record the job, enqueue after commit, answer 202;
`Idempotency-Key` and `Prefer: wait=N`; and the job resource itself."""

from __future__ import annotations

import logging
import re
import time
import uuid

import kombu.exceptions
import redis.exceptions
from flask import Blueprint, g, request
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from api.endpoint import endpoint
from api.schemas.jobs import JobSchema
from governance.errors import Forbidden, NotFound
from models import Job
from infra.db import after_commit, transaction

bp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs")
log = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 30
POLL_SECONDS = 0.05
FINISHED = ("succeeded", "failed")
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+)")


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not (1 <= len(key) <= 200) or not key.isprintable():
        raise ValidationError({"Idempotency-Key": ["must be 1-200 printable characters"]})
    return key


def _wait_seconds() -> float:
    match = _PREFER_WAIT.search(request.headers.get("Prefer", ""))
    if not match:
        return 0
    digits = match.group(1)  # a longer number than 9 digits means "as long as allowed"
    return MAX_WAIT_SECONDS if len(digits) > 9 else min(int(digits), MAX_WAIT_SECONDS)


def submit(task, payload: dict, *, target_id=None, creates: bool = False):
    """Record a job for `task` in a transaction of its own and answer for it."""
    with transaction() as session:
        job = enqueue(session, task, payload, target_id=target_id)
    return job_response(job, creates=creates)


def enqueue(session, task, payload: dict, *, target_id=None) -> Job:
    """Record a job in the caller's transaction; the task is sent once that transaction commits.

    The job's kind is the task's verb (`governance.cast_vote` -> `cast_vote`), which lets the
    recovery sweep find the task of any job.
    A repeat of an `Idempotency-Key` by the same subject returns the first job and sends nothing.
    """
    actor = g.principal.subject_id
    key = _idempotency_key()
    stmt = insert(Job).values(
        id=uuid.uuid4(), kind=task.name.removeprefix("governance."), status="queued", actor=actor, request=payload,
        target_id=str(target_id) if target_id else None, idempotency_key=key,
    )
    if key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["actor", "idempotency_key"])
    job_id = session.execute(stmt.returning(Job.id)).scalar_one_or_none()
    if job_id is None:
        return session.scalar(select(Job).where(Job.actor == actor, Job.idempotency_key == key))
    after_commit(session, lambda: _send(task, str(job_id)))
    return session.get(Job, job_id)


def _send(task, task_id: str) -> None:
    """Hand a committed job to the broker. When the broker is down the job is still accepted:
    its row stays `queued` and the requeue sweep (tasks/maintenance.py) sends it later."""
    try:
        task.apply_async(args=[task_id], task_id=task_id)
    except (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError) as error:
        log.warning("job %s recorded but not sent (broker unavailable: %s); the requeue sweep sends it",
                    task_id, error)


def job_response(job: Job, *, creates: bool = False):
    """202 with the job; with `Prefer: wait=N`, 200/201 once it finished within N seconds."""
    deadline = time.monotonic() + _wait_seconds()
    while job.status not in FINISHED and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        with transaction() as session:
            job = session.get(Job, job.id)
    if job.status not in FINISHED:
        status = 202
    else:
        status = 201 if creates and job.status == "succeeded" else 200
    return job, status, {"Location": f"/api/v1/jobs/{job.id}"}


@bp.get("/<job_id>")
@endpoint(summary="A job: its status, result or error (its submitter or a platform admin)",
          responses={200: JobSchema}, tags=["jobs"])
def get_job(job_id: str):
    try:
        parsed = uuid.UUID(job_id)
    except ValueError:
        raise NotFound("no such job") from None
    with transaction() as session:
        job = session.get(Job, parsed)
        if job is None:
            raise NotFound("no such job")
        if job.actor != g.principal.subject_id and not g.principal.is_platform_admin:
            raise Forbidden("only the job's submitter may read it")
        return job
