"""Freeze allow_vote_change on the proposal at activation (SPEC 5.1: later DAO settings changes
do not affect an active proposal).

Revision ID: 0002_proposal_vote_change
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_proposal_vote_change"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "proposals", sa.Column("effective_allow_vote_change", sa.Boolean(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("proposals", "effective_allow_vote_change")
