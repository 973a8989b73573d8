"""Voting depth (SPEC 5.6, issue 12): voting types and options, type rules, delegation per
proposal type, late-quorum protection, early pass, secret ballots.

Proposals activated before this revision are frozen as what they were: basic, public, no early
pass, no extension, the DAO's voting period. Votes keep their choice and gain it as their ballot.

Revision ID: 0005_voting_depth
Revises: 0004_links_moderation_disputes
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_voting_depth"
down_revision: str | None = "0004_links_moderation_disputes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The word lists as they are at this revision (governance.vocabulary may grow later).
VOTING_TYPES = "'basic', 'single_choice', 'approval', 'ranked_choice'"
BALLOT_SECRECY = "'public', 'secret_until_close'"
PROPOSAL_TYPES = (
    "'general', 'treasury', 'membership', 'rule_change', 'dispute_resolution', 'resource_allocation'"
)


def upgrade() -> None:
    op.add_column("daos", sa.Column(
        "type_rules", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False))
    op.add_column("daos", sa.Column(
        "late_quorum_extension_seconds", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column("daos", sa.Column("early_pass", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.add_column("daos", sa.Column("ballot_secrecy", sa.Text(), server_default=sa.text("'public'"), nullable=False))
    op.create_check_constraint(op.f("ck_daos_ballot_secrecy"), "daos", f"ballot_secrecy IN ({BALLOT_SECRECY})")
    op.create_check_constraint(
        op.f("ck_daos_late_quorum_extension_non_negative"), "daos", "late_quorum_extension_seconds >= 0")

    for name, column_type in (
        ("voting_type", sa.Text()), ("options", postgresql.JSONB(astext_type=sa.Text())),
        ("ballot_secrecy", sa.Text()), ("effective_voting_period_seconds", sa.Integer()),
        ("effective_voting_type", sa.Text()), ("effective_ballot_secrecy", sa.Text()),
        ("effective_early_pass", sa.Boolean()), ("effective_late_quorum_extension_seconds", sa.Integer()),
        ("deadline_extended_from", sa.DateTime(timezone=True)),
    ):
        op.add_column("proposals", sa.Column(name, column_type, nullable=True))
    for column, words in (
        ("voting_type", VOTING_TYPES), ("effective_voting_type", VOTING_TYPES),
        ("ballot_secrecy", BALLOT_SECRECY), ("effective_ballot_secrecy", BALLOT_SECRECY),
    ):
        op.create_check_constraint(op.f(f"ck_proposals_{column}"), "proposals", f"{column} IN ({words})")
    op.execute(
        "UPDATE proposals SET effective_voting_type = 'basic', effective_ballot_secrecy = 'public', "
        "effective_early_pass = false, effective_late_quorum_extension_seconds = 0, "
        "effective_voting_period_seconds = daos.voting_period_seconds "
        "FROM daos WHERE daos.id = proposals.dao_id AND proposals.activated_at IS NOT NULL"
    )

    op.add_column("votes", sa.Column("ballot", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute("UPDATE votes SET ballot = jsonb_build_object('choice', choice)")
    op.alter_column("votes", "ballot", nullable=False)
    op.alter_column("votes", "choice", nullable=True)

    op.add_column("delegations", sa.Column("proposal_type", sa.Text(), nullable=True))
    op.create_check_constraint(
        op.f("ck_delegations_proposal_type"), "delegations", f"proposal_type IN ({PROPOSAL_TYPES})")
    op.drop_constraint(op.f("uq_delegations_dao_id_delegator_id"), "delegations", type_="unique")
    op.create_unique_constraint(
        op.f("uq_delegations_dao_id_delegator_id_proposal_type"), "delegations",
        ["dao_id", "delegator_id", "proposal_type"], postgresql_nulls_not_distinct=True,
    )


def downgrade() -> None:
    # Per-type delegations and multi-option votes have no place in the older schema.
    op.execute("DELETE FROM delegations WHERE proposal_type IS NOT NULL")
    op.drop_constraint(op.f("uq_delegations_dao_id_delegator_id_proposal_type"), "delegations", type_="unique")
    op.create_unique_constraint(op.f("uq_delegations_dao_id_delegator_id"), "delegations", ["dao_id", "delegator_id"])
    op.drop_constraint(op.f("ck_delegations_proposal_type"), "delegations", type_="check")
    op.drop_column("delegations", "proposal_type")

    op.execute("DELETE FROM votes WHERE choice IS NULL")
    op.alter_column("votes", "choice", nullable=False)
    op.drop_column("votes", "ballot")

    for column in ("voting_type", "effective_voting_type", "ballot_secrecy", "effective_ballot_secrecy"):
        op.drop_constraint(op.f(f"ck_proposals_{column}"), "proposals", type_="check")
    for name in (
        "voting_type", "options", "ballot_secrecy", "effective_voting_period_seconds", "effective_voting_type",
        "effective_ballot_secrecy", "effective_early_pass", "effective_late_quorum_extension_seconds",
        "deadline_extended_from",
    ):
        op.drop_column("proposals", name)

    op.drop_constraint(op.f("ck_daos_late_quorum_extension_non_negative"), "daos", type_="check")
    op.drop_constraint(op.f("ck_daos_ballot_secrecy"), "daos", type_="check")
    for name in ("ballot_secrecy", "early_pass", "late_quorum_extension_seconds", "type_rules"):
        op.drop_column("daos", name)
