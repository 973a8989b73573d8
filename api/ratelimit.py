"""Rate limiting of the write routes per subject (issue 6).

A fixed window of one minute per subject in Redis: at most RATE_LIMIT_PER_MINUTE POST, PUT, PATCH
and DELETE requests under /api/v1; beyond it the API answers 429 `rate_limited` with a
`Retry-After` of the seconds left in the window. 0 turns the limit off. The limit is a guard, not
a rule: when Redis cannot answer, requests pass (fail open) and a line is logged, so that a
broker outage never turns a write into an error.
"""

from __future__ import annotations

import logging
import time

import redis.exceptions
from flask import current_app, g, request

from api.errors import problem
from infra import rate_limit
from infra.config import get_settings
from infra.redis import redis_client

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def limit(config=None) -> int:
    """Requests per subject and minute; the app config (`config`, else the current app's) may
    override the setting (tests)."""
    config = current_app.config if config is None else config
    return int(config.get("RATE_LIMIT_PER_MINUTE", get_settings().rate_limit_per_minute))


def count_request(subject_id: str, now: float) -> int | None:
    """Count one request of `subject_id` in the current window; None when Redis cannot answer."""
    try:
        pipe = redis_client().pipeline()
        rate_limit.add_count(pipe, subject_id, now)
        (count,) = rate_limit.counts(pipe.execute())
    except (redis.exceptions.RedisError, OSError) as error:
        log.warning("rate limiter unavailable, request let through: %s", error)
        return None
    return count


def limit_writes():
    """before_request hook (after authentication): None to go on, or the 429 answer."""
    principal = g.get("principal")
    if request.method not in WRITE_METHODS or principal is None or not request.path.startswith("/api/v1/"):
        return None
    if getattr(current_app.view_functions.get(request.endpoint), "counts_own_rate", False):
        return None
    try:
        count_write(principal.subject_id)
    except RateLimited as refused:
        return refusal(refused)
    return None


class RateLimited(Exception):
    """A write request counted beyond the limit (answered 429 by `refusal`)."""

    def __init__(self, allowed: int, now: float):
        super().__init__(f"more than {allowed} write requests in the minute")
        self.allowed, self.now = allowed, now


def count_write(subject_id: str) -> None:
    """Count a write request of `subject_id`; RateLimited beyond the limit."""
    allowed = limit()
    if allowed <= 0:
        return
    now = time.time()
    count = count_request(subject_id, now)
    if count is not None and count > allowed:
        raise RateLimited(allowed, now)


def refusal(refused: RateLimited):
    """The 429 answer (also the app's handler of RateLimited raised by a route)."""
    allowed, retry_after = refused.allowed, rate_limit.retry_after(refused.now)
    response = problem(
        429, "rate_limited", "Too many requests",
        f"at most {allowed} write requests per minute; retry in {retry_after} s",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response
