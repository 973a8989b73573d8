"""The audit log and the outbox in one table (SPEC 6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, SmallInteger, UniqueConstraint, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt

# The outbox backlog: rows the bridge has still to publish.
UNPUBLISHED_WHERE = text("published_at IS NULL")
# Rows the bridge has still to link into their audit chain, and those linked but not published.
UNLINKED_WHERE = text("hash IS NULL")
LINKED_UNPUBLISHED_WHERE = text("published_at IS NULL AND hash IS NOT NULL")


class Event(Base):
    """Append-only except `published_at` and the four link columns, each set once by the bridge.

    `seq` gives a total order for the bridge and for cursors (SSE Last-Event-ID, activity
    pagination). `dao_id` has no foreign key so that the audit log outlives its DAO.

    The audit chain (issue 13, governance.audit_chain): the bridge links each row, after the
    fact and in `seq` order, into its chain ("dao:<dao id>", or "platform" outside any DAO) at
    `chain_seq` (1, 2, ... with no gap), with `prev_hash` and `hash` computed over the payload as
    stored. The four are NULL until then, all set after.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_unpublished_seq", "seq", postgresql_where=UNPUBLISHED_WHERE),
        Index("ix_events_unlinked_seq", "seq", postgresql_where=UNLINKED_WHERE),
        Index("ix_events_linked_unpublished_seq", "seq", postgresql_where=LINKED_UNPUBLISHED_WHERE),
        UniqueConstraint("chain", "chain_seq"),
        CheckConstraint(
            "(chain IS NULL AND chain_seq IS NULL AND prev_hash IS NULL AND hash IS NULL)"
            " OR (chain IS NOT NULL AND chain_seq >= 1 AND prev_hash IS NOT NULL AND hash IS NOT NULL)",
            name="chain_link",
        ),
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
    chain: Mapped[str | None]
    chain_seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None]
    hash: Mapped[str | None]


class BridgePlan(Base):
    """The events the bridge is publishing, in order (at most one row; written and deleted by the
    bridge, under its lock, services.audit_chain). Their links are computed when the plan is
    made and written, with `published_at`, once the stream acknowledged them: a bridge that dies
    in between finds the plan and links the same events the same way again, so a republished
    message is the one the stream already holds."""

    __tablename__ = "bridge_plan"
    __table_args__ = (CheckConstraint("id = 1", name="one_plan"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1, autoincrement=False)
    event_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    planned_at: Mapped[CreatedAt]
