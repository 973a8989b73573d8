"""Disputes between subjects and the append-only moderation log (SPEC 7)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from governance.vocabulary import (
    DISPUTE_STATUSES, DISPUTE_SUBJECT_TYPES, MODERATION_ACTIONS, MODERATION_TARGET_TYPES,
)
from models.base import Base, CreatedAt, UpdatedAt, in_list


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(in_list("subject_type", DISPUTE_SUBJECT_TYPES), name="subject_type"),
        CheckConstraint(in_list("status", DISPUTE_STATUSES), name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    claimant_id: Mapped[str]
    respondent_id: Mapped[str]
    subject_type: Mapped[str]
    subject_id: Mapped[str]
    description: Mapped[str]
    evidence: Mapped[list[Any]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    status: Mapped[str] = mapped_column(default="open", server_default=text("'open'"), index=True)
    resolution: Mapped[str | None]
    moderator_id: Mapped[str | None]
    resolved_by: Mapped[str | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ModerationAction(Base):
    """Append-only; a subject is banned while its latest user-targeted action is `ban`."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(in_list("target_type", MODERATION_TARGET_TYPES), name="target_type"),
        CheckConstraint(in_list("action", MODERATION_ACTIONS), name="action"),
        Index(None, "target_type", "target_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    moderator_id: Mapped[str]
    target_type: Mapped[str]
    target_id: Mapped[str]
    action: Mapped[str]
    reason: Mapped[str]
    notes: Mapped[str | None]
    created_at: Mapped[CreatedAt]
