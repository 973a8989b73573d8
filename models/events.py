"""The audit log and the outbox in one table (SPEC 6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt

# The outbox backlog: rows the bridge has still to publish.
UNPUBLISHED_WHERE = text("published_at IS NULL")


class Event(Base):
    """Append-only except `published_at`.

    `seq` gives a total order for the bridge and for cursors (SSE Last-Event-ID, activity
    pagination). `dao_id` has no foreign key so that the audit log outlives its DAO.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_unpublished_seq", "seq", postgresql_where=UNPUBLISHED_WHERE),
        Index(None, "dao_id", "seq"),
        # The reward reconciliation looks at recent vote_cast events.
        Index(None, "type", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    dao_id: Mapped[uuid.UUID | None]
    dao_slug: Mapped[str | None]
    type: Mapped[str]
    # The NATS subject it is published on, e.g. dao.<slug>.vote_cast.
    subject: Mapped[str]
    actor: Mapped[str | None]
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[CreatedAt]
    published_at: Mapped[datetime | None]
