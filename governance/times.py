"""The one text form of a time (SPEC 8.4): ISO 8601 in UTC with a trailing Z. Pure, so that rules
can name a time in a message; infra.clock re-exports it for everything else."""

from datetime import datetime, timezone


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z, as every answer and event carries times (SPEC 8.4)."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
