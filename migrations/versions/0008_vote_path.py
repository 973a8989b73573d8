"""The vote path (issue 14): running sums of the votes per proposal and choice or option
(services.vote_totals). Empty at first: a proposal's sums are computed from its votes the first
time a vote batch or a live tally meets it, then kept up to date with its votes. And
proposals.snapshot_total_weight: the sum of the snapshot's weights, recorded at activation
(services.snapshot.take_snapshot) so that the final tally does not sum proposal_voters; filled
here for the proposals already activated from their snapshot rows.

Revision ID: 0008_vote_path
Revises: 0007_hardening
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_vote_path"
down_revision: str | None = "0007_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("proposals", sa.Column("snapshot_total_weight", sa.Numeric(), nullable=True))
    op.execute(
        """UPDATE proposals p SET snapshot_total_weight = (
               SELECT coalesce(sum(v.weight), 0) FROM proposal_voters v WHERE v.proposal_id = p.id)
           WHERE p.activated_at IS NOT NULL"""
    )
    op.create_table(
        "vote_totals",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("weight", sa.Numeric(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], name=op.f("fk_vote_totals_proposal_id_proposals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id", "kind", "label", name=op.f("pk_vote_totals")),
    )


def downgrade() -> None:
    op.drop_table("vote_totals")
    op.drop_column("proposals", "snapshot_total_weight")
