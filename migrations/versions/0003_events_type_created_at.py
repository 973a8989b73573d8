"""Index events by type and time, for the reward reconciliation sweep.

Revision ID: 0003_events_type_created_at
Revises: 0002_proposal_vote_change
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_events_type_created_at"
down_revision: str | None = "0002_proposal_vote_change"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_type_created_at", "events", ["type", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_events_type_created_at", table_name="events")
