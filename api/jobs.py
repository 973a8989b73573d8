"""Asynchronous operations over HTTP (SPEC 8.2): a route records its job through the jobs module
(services.jobs) for the caller, with the request's `Idempotency-Key`, and answers 202, or waits
for the job with `Prefer: wait=N`; and the job resource itself."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

from flask import Blueprint, g, request
from marshmallow import ValidationError

from api.endpoint import endpoint
from api.requests import json_body
from api.schemas.jobs import JobSchema
from governance.errors import Forbidden, NotFound
from infra.db import transaction
from models import Job
from services import job_waits, jobs

bp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs")

MAX_WAIT_SECONDS = 30
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


def submit(kind: str, payload: dict, *, target_id=None, creates: bool = False):
    """Record a job of `kind` in a transaction of its own and answer for it."""
    with transaction() as session:
        job = enqueue(session, kind, payload, target_id=target_id)
    return job_response(job, creates=creates)


def request_fingerprint() -> str:
    """SHA-256 of the request an idempotency key is used for: its method, its path and its body
    as canonical JSON (keys sorted, no insignificant white space), so that the same request
    written with its keys in another order is the same request."""
    canonical = json.dumps([request.method, request.path, json_body()], sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def enqueue(session, kind: str, payload: dict, *, target_id=None) -> Job:
    """Record a job of `kind` for the caller in the caller's transaction (services.jobs.record:
    sent once it commits; a repeat of the caller's `Idempotency-Key` for the same request returns
    the first job, for another request it is 422 `idempotency_key_reused`)."""
    key = _idempotency_key()
    return jobs.record(
        session, kind, actor=g.principal.subject_id, request=payload, target_id=target_id,
        idempotency_key=key, fingerprint=request_fingerprint() if key is not None else None,
    )


def job_response(job: Job, *, creates: bool = False):
    """202 with the job; with `Prefer: wait=N`, 200/201 once it finished within N seconds (woken
    by its finish, services.job_waits; a subject already holding its waits gets 202 at once)."""
    job = job_waits.wait_for(job, subject_id=g.principal.subject_id, seconds=_wait_seconds())
    if job.status not in jobs.FINISHED:
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
