"""Verifiable governance (issue 13): the hash-chained audit trail on events, the signed result
receipt on proposals, and the dispute credentials.

events gain their place in an audit chain ("dao:<dao id>" or "platform"), assigned by the
publishing bridge after the fact: chain, chain_seq (1, 2, ... per chain), prev_hash and hash,
all NULL until linked, then all set. Rows present before this revision are linked by the first
bridge runs, oldest first.

Revision ID: 0006_audit_chain
Revises: 0005_voting_depth
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_audit_chain"
down_revision: str | None = "0005_voting_depth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_CHECK = (
    "(chain IS NULL AND chain_seq IS NULL AND prev_hash IS NULL AND hash IS NULL)"
    " OR (chain IS NOT NULL AND chain_seq >= 1 AND prev_hash IS NOT NULL AND hash IS NOT NULL)"
)


def upgrade() -> None:
    op.add_column("events", sa.Column("chain", sa.Text(), nullable=True))
    op.add_column("events", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.add_column("events", sa.Column("prev_hash", sa.Text(), nullable=True))
    op.add_column("events", sa.Column("hash", sa.Text(), nullable=True))
    op.create_check_constraint(op.f("ck_events_chain_link"), "events", LINK_CHECK)
    op.create_unique_constraint(op.f("uq_events_chain_chain_seq"), "events", ["chain", "chain_seq"])
    op.create_index("ix_events_unlinked_seq", "events", ["seq"], unique=False,
                    postgresql_where=sa.text("hash IS NULL"))
    op.create_index("ix_events_linked_unpublished_seq", "events", ["seq"], unique=False,
                    postgresql_where=sa.text("published_at IS NULL AND hash IS NOT NULL"))

    op.add_column("proposals", sa.Column("receipt", postgresql.JSONB(astext_type=sa.Text()), nullable=True))

    op.create_table(
        "credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("holder_id", sa.Text(), nullable=False),
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"], name=op.f("fk_credentials_dispute_id_disputes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("dispute_id", name=op.f("uq_credentials_dispute_id")),
    )
    op.create_index(op.f("ix_credentials_holder_id_issued_at_id"), "credentials",
                    ["holder_id", "issued_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_credentials_holder_id_issued_at_id"), table_name="credentials")
    op.drop_table("credentials")
    op.drop_column("proposals", "receipt")
    op.drop_index("ix_events_linked_unpublished_seq", table_name="events")
    op.drop_index("ix_events_unlinked_seq", table_name="events")
    op.drop_constraint(op.f("uq_events_chain_chain_seq"), "events", type_="unique")
    op.drop_constraint(op.f("ck_events_chain_link"), "events", type_="check")
    for column in ("hash", "prev_hash", "chain_seq", "chain"):
        op.drop_column("events", column)
