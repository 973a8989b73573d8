"""The counters of the write rate limit (issue 6): a fixed one-minute window per subject in Redis.

`add_count(pipe, subject, now)` puts the count of one request into a Redis pipeline (two commands)
and `counts(results)` reads the counts back from its answers, so that whoever holds a pipeline
anyway counts in the same round trip: the API's hook (api/ratelimit.py) counts one request, the
vote accept batch (services.vote_accept) the votes of a batch beside its drain nudges.
"""

from __future__ import annotations

import math

WINDOW_SECONDS = 60
KEY_PREFIX = "governance:ratelimit"
COMMANDS_PER_COUNT = 2


def add_count(pipe, subject_id: str, now: float) -> None:
    key = f"{KEY_PREFIX}:{int(now // WINDOW_SECONDS)}:{subject_id}"
    pipe.incr(key)
    pipe.expire(key, WINDOW_SECONDS * 2)


def counts(results: list) -> list[int]:
    """The counts of the add_count calls whose answers `results` are, in order."""
    return results[::COMMANDS_PER_COUNT]


def retry_after(now: float) -> int:
    """Seconds until the window of `now` ends (at least 1)."""
    return max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS))
