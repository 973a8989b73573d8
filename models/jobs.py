"""One row per asynchronous request (SPEC 8.2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from governance.vocabulary import JOB_STATUSES
from models.base import Base, in_list


class Job(Base):
    """`id` is also the Celery task id."""

    __tablename__ = "jobs"
    __table_args__ = (
        # NULL keys are distinct in Postgres, so requests without a key never collide.
        UniqueConstraint("actor", "idempotency_key"),
        CheckConstraint(in_list("status", JOB_STATUSES), name="status"),
        # Finalization waits for the vote jobs of a proposal still queued or running.
        Index(None, "kind", "target_id", "status"),
        Index(None, "status", "submitted_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str]
    status: Mapped[str] = mapped_column(default="queued", server_default=text("'queued'"))
    actor: Mapped[str]
    # What the job acts on, e.g. the proposal id of a vote job.
    target_id: Mapped[str | None]
    request: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    idempotency_key: Mapped[str | None]
    # What the key was first used for (method, path, body: api/jobs.py); a repeat of the key for
    # another request is refused (services.jobs.record).
    request_fingerprint: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    submitted_at: Mapped[datetime] = mapped_column(server_default=func.now())
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
