"""Rate limiting of the write routes per subject (issue 6).

A fixed window of one minute per subject in Redis: at most RATE_LIMIT_PER_MINUTE POST, PUT, PATCH
and DELETE requests under /api/v1; beyond it the API answers 429 `rate_limited` with a
`Retry-After` of the seconds left in the window. 0 turns the limit off. The limit is a guard, not
a rule: when Redis cannot answer, requests pass (fail open) and a line is logged, so that a
broker outage never turns a write into an error.
"""

from __future__ import annotations

import logging
import math
import time

import redis.exceptions
from flask import current_app, g, request

from api.errors import problem
from infra.config import get_settings
from infra.redis import redis_client

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WINDOW_SECONDS = 60
KEY_PREFIX = "governance:ratelimit"


def limit() -> int:
    """Requests per subject and minute; the app config may override the setting (tests)."""
    return int(current_app.config.get("RATE_LIMIT_PER_MINUTE", get_settings().rate_limit_per_minute))


def count_request(subject_id: str, now: float) -> int | None:
    """Count one request of `subject_id` in the current window; None when Redis cannot answer."""
    key = f"{KEY_PREFIX}:{int(now // WINDOW_SECONDS)}:{subject_id}"
    try:
        pipe = redis_client().pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS * 2)
        count, _ = pipe.execute()
    except (redis.exceptions.RedisError, OSError) as error:
        log.warning("rate limiter unavailable, request let through: %s", error)
        return None
    return count


def limit_writes():
    """before_request hook (after authentication): None to go on, or the 429 answer."""
    principal = g.get("principal")
    if request.method not in WRITE_METHODS or principal is None or not request.path.startswith("/api/v1/"):
        return None
    allowed = limit()
    if allowed <= 0:
        return None
    now = time.time()
    count = count_request(principal.subject_id, now)
    if count is None or count <= allowed:
        return None
    retry_after = max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS))
    response = problem(
        429, "rate_limited", "Too many requests",
        f"at most {allowed} write requests per minute; retry in {retry_after} s",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response
