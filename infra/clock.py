"""The one clock of the application (UTC). Tests freeze it with freezegun."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
