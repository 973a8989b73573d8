"""GET /metrics: the Prometheus exposition (SPEC 9), computed at scrape time (infra.metrics)."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.endpoint import NotJson, endpoint
from infra.celery import QUEUES
from infra.metrics import build_registry
from services.jobs import JOB_KINDS

bp = Blueprint("metrics", __name__)


@lru_cache(maxsize=1)
def registry():
    return build_registry(QUEUES, JOB_KINDS)


@bp.get("/metrics")
@endpoint(summary="Prometheus metrics: DAOs, members, proposals, votes, jobs, latencies, backlog, queues",
          auth=False, responses={200: NotJson("text/plain", "The Prometheus text exposition format")},
          tags=["operations"])
def metrics():
    return Response(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
