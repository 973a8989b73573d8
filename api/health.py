"""GET /healthz: each dependency checked for real; 503 when one is down (SPEC 9)."""

import time

from flask import Blueprint
from sqlalchemy import text

from api.endpoint import endpoint
from api.schemas.health import HealthSchema
from infra import nats
from infra.redis import redis_client
from infra.db import transaction

bp = Blueprint("health", __name__)
STARTED = time.monotonic()


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means the dependency is down
        return f"error: {type(error).__name__}"


def _db() -> None:
    with transaction() as session:
        session.execute(text("SELECT 1"))


@bp.get("/healthz")
@endpoint(summary="Liveness of the API and its dependencies", auth=False,
          responses={200: HealthSchema, 503: HealthSchema}, tags=["operations"])
def healthz():
    checks = {"db": _check(_db), "redis": _check(lambda: redis_client().ping()), "nats": _check(nats.ping)}
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "degraded", **checks, "uptime_seconds": int(time.monotonic() - STARTED)}
    return body, 200 if healthy else 503
