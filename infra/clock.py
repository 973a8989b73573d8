"""The one clock of the application (UTC) and the one text form of a time. Tests freeze it with
freezegun."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z, as every answer and event carries times (SPEC 8.4)."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
