"""When the finalize sweep should wake for a deadline (SPEC 5.1, issue 14): at the earliest
upcoming end_at, if it is near.

A countdown task waits in the worker unacknowledged, and one that waits longer than the broker's
visibility timeout is delivered again and again (PITFALLS: Celery and Redis); so only a deadline
within a short horizon is scheduled, and a later one is scheduled by a later sweep once it has
come within the horizon.
"""

from __future__ import annotations

import math


def wake_countdown(seconds_left: float | None, horizon_seconds: float) -> float | None:
    """Seconds to wait before sweeping for a deadline `seconds_left` away (negative when it has
    passed), rounded up to the millisecond so that the sweep does not run before it; 0 for a
    deadline that has passed; None when there is no deadline or it lies beyond the horizon."""
    if seconds_left is None or seconds_left > horizon_seconds:
        return None
    return max(0.0, math.ceil(seconds_left * 1000) / 1000)
