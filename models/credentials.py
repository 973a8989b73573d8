"""Verifiable Credentials issued by the service (issue 13): one per closed dispute, held by its
claimant."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt


class Credential(Base):
    """Append-only. `document` is the credential as issued (W3C VC 2.0 with its Data Integrity
    proof, governance.credentials); its `id` is `urn:uuid:<id>`."""

    __tablename__ = "credentials"
    __table_args__ = (Index(None, "holder_id", "issued_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    holder_id: Mapped[str]
    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    issued_at: Mapped[CreatedAt]
