"""Hardening (issue 11): the fingerprint of the request an idempotency key was first used for, and
the time a proposal was closed by hand (its scheduled end_at is kept).

Revision ID: 0007_hardening
Revises: 0006_audit_chain
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_hardening"
down_revision: str | None = "0006_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("request_fingerprint", sa.Text(), nullable=True))
    op.add_column("proposals", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_proposals_status_closed_at", "proposals", ["status", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_proposals_status_closed_at", table_name="proposals")
    op.drop_column("proposals", "closed_at")
    op.drop_column("jobs", "request_fingerprint")
