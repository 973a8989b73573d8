"""The bridge's plan (issue 14): the events it is publishing, in order, so that an event's links
are written once, with `published_at`, after the stream acknowledged it (one row version per
event instead of two; models.events.BridgePlan).

Revision ID: 0009_bridge_plan
Revises: 0008_vote_path
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_bridge_plan"
down_revision: str | None = "0008_vote_path"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bridge_plan",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("event_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_bridge_plan_one_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridge_plan")),
    )


def downgrade() -> None:
    op.drop_table("bridge_plan")
