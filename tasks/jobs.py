"""`job_task(kind)`: the Celery task of a job kind (SPEC 8.2).

A job task is a function `body(session, job) -> dict`; its task, named `governance.<kind>`, takes
the job id and lets `services.jobs.run_job` run the body once however often the message is
delivered (attempts counted, the job row locked, body and success in one transaction, domain
errors and crashes recorded on the job). It runs on the one task base (infra.celery), which
retries transient database and broker errors.
"""

from __future__ import annotations

from collections.abc import Callable

from infra.celery import celery_app
from services.jobs import JOB_QUEUES, run_job, task_name


def job_task(kind: str) -> Callable:
    """Register `body(session, job) -> dict` as the task of the job kind `kind`."""
    if kind not in JOB_QUEUES:
        raise ValueError(f"{kind!r} is not a job kind of services.jobs.JOB_QUEUES")

    def register(body: Callable) -> Callable:
        @celery_app.task(name=task_name(kind), job=True)
        def task(job_id: str) -> None:
            run_job(job_id, body)

        task.body = body
        return task

    return register
