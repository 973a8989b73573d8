"""GET /metrics: the Prometheus exposition (SPEC 9), computed at scrape time (infra.metrics)."""

from __future__ import annotations

import importlib
from functools import lru_cache

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.endpoint import NotJson, endpoint
from infra.metrics import build_registry
from worker.app import QUEUES, TASK_MODULES, celery_app

bp = Blueprint("metrics", __name__)


def job_kinds() -> list[str]:
    """The kind of every registered job task (`governance.<kind>`, worker.base.job_task)."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    return sorted(
        name.removeprefix("governance.") for name, task in celery_app.tasks.items()
        if name.startswith("governance.") and getattr(task, "body", None) is not None
    )


@lru_cache(maxsize=1)
def registry():
    return build_registry(QUEUES, job_kinds())


@bp.get("/metrics")
@endpoint(summary="Prometheus metrics: DAOs, members, proposals, votes, jobs, latencies, backlog, queues",
          auth=False, responses={200: NotJson("text/plain", "The Prometheus text exposition format")},
          tags=["operations"])
def metrics():
    return Response(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
