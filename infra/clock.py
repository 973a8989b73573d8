"""The one clock of the application (UTC) and the one text form of a time. Tests freeze it with
freezegun."""

from datetime import datetime, timezone

from governance.times import utc_text

__all__ = ["utc_text", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
