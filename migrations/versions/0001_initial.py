"""Initial schema: every table of SPEC 3.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Constraint and index names follow models.base.NAMING_CONVENTION; op.f() marks them as final.


def upgrade() -> None:
    # DAOs, roles, members, projects, delegations (SPEC 3, 4).
    op.create_table(
        'daos',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('slug', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column('microdao_id', sa.Text(), nullable=True),
        sa.Column('dao_type', sa.Text(), nullable=False),
        sa.Column('governance_model', sa.Text(), server_default=sa.text("'simple'"), nullable=False),
        sa.Column('voting_period_seconds', sa.Integer(), server_default=sa.text('604800'), nullable=False),
        sa.Column('quorum_percent', sa.Numeric(precision=30, scale=8), server_default=sa.text('20'), nullable=False),
        sa.Column('pass_threshold_percent', sa.Numeric(precision=30, scale=8), server_default=sa.text('50'), nullable=False),
        sa.Column('allow_vote_change', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('is_public', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('is_active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('owner_subject_id', sa.Text(), nullable=False),
        sa.Column('owner_subject_type', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("dao_type IN ('community', 'cooperative', 'collective', 'trust')", name=op.f('ck_daos_dao_type')),
        sa.CheckConstraint("governance_model IN ('simple', 'weighted', 'quadratic', 'delegated')", name=op.f('ck_daos_governance_model')),
        sa.CheckConstraint('pass_threshold_percent >= 0 AND pass_threshold_percent <= 100', name=op.f('ck_daos_pass_threshold_percent_range')),
        sa.CheckConstraint('quorum_percent >= 0 AND quorum_percent <= 100', name=op.f('ck_daos_quorum_percent_range')),
        sa.CheckConstraint('voting_period_seconds > 0', name=op.f('ck_daos_voting_period_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_daos')),
        sa.UniqueConstraint('slug', name=op.f('uq_daos_slug')),
    )
    op.create_index(op.f('ix_daos_microdao_id'), 'daos', ['microdao_id'], unique=False)
    op.create_table(
        'dao_roles',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('entitlements', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column('is_default', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_dao_roles_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dao_roles')),
        sa.UniqueConstraint('dao_id', 'code', name=op.f('uq_dao_roles_dao_id_code')),
    )
    op.create_table(
        'dao_members',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('subject_type', sa.Text(), server_default=sa.text("'user'"), nullable=False),
        sa.Column('role', sa.Text(), server_default=sa.text("'member'"), nullable=False),
        sa.Column('status', sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column('voting_power', sa.Numeric(precision=30, scale=8), server_default=sa.text('1'), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("status IN ('active', 'pending', 'banned', 'left')", name=op.f('ck_dao_members_status')),
        sa.CheckConstraint("subject_type IN ('user', 'agent')", name=op.f('ck_dao_members_subject_type')),
        sa.CheckConstraint('voting_power >= 0', name=op.f('ck_dao_members_voting_power_non_negative')),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_dao_members_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dao_members')),
        sa.UniqueConstraint('dao_id', 'subject_type', 'subject_id', name=op.f('uq_dao_members_dao_id_subject_type_subject_id')),
    )
    op.create_index(op.f('ix_dao_members_dao_id_status'), 'dao_members', ['dao_id', 'status'], unique=False)
    op.create_table(
        'dao_role_assignments',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('subject_type', sa.Text(), server_default=sa.text("'user'"), nullable=False),
        sa.Column('role', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_dao_role_assignments_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dao_role_assignments')),
        sa.UniqueConstraint('dao_id', 'subject_id', 'role', name=op.f('uq_dao_role_assignments_dao_id_subject_id_role')),
    )
    op.create_table(
        'dao_projects',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('project_id', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_dao_projects_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dao_projects')),
        sa.UniqueConstraint('dao_id', 'project_id', name=op.f('uq_dao_projects_dao_id_project_id')),
    )
    op.create_table(
        'delegations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('delegator_id', sa.Text(), nullable=False),
        sa.Column('delegate_id', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint('delegator_id <> delegate_id', name=op.f('ck_delegations_no_self_delegation')),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_delegations_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
        sa.UniqueConstraint('dao_id', 'delegator_id', name=op.f('uq_delegations_dao_id_delegator_id')),
    )

    # Proposals, the eligibility snapshot and votes (SPEC 5).
    op.create_table(
        'proposals',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('slug', sa.Text(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column('proposal_type', sa.Text(), server_default=sa.text("'general'"), nullable=False),
        sa.Column('action_payload', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column('status', sa.Text(), server_default=sa.text("'draft'"), nullable=False),
        sa.Column('start_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('governance_model_override', sa.Text(), nullable=True),
        sa.Column('quorum_percent_override', sa.Numeric(precision=30, scale=8), nullable=True),
        sa.Column('pass_threshold_override', sa.Numeric(precision=30, scale=8), nullable=True),
        sa.Column('effective_model', sa.Text(), nullable=True),
        sa.Column('effective_quorum_percent', sa.Numeric(precision=30, scale=8), nullable=True),
        sa.Column('effective_pass_threshold', sa.Numeric(precision=30, scale=8), nullable=True),
        sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('created_by', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('executed_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("effective_model IN ('simple', 'weighted', 'quadratic', 'delegated')", name=op.f('ck_proposals_effective_model')),
        sa.CheckConstraint("governance_model_override IN ('simple', 'weighted', 'quadratic', 'delegated')", name=op.f('ck_proposals_governance_model_override')),
        sa.CheckConstraint("proposal_type IN ('general', 'treasury', 'membership', 'rule_change', 'dispute_resolution', 'resource_allocation')", name=op.f('ck_proposals_proposal_type')),
        sa.CheckConstraint("status IN ('draft', 'active', 'passed', 'rejected', 'expired', 'executed', 'canceled')", name=op.f('ck_proposals_status')),
        sa.CheckConstraint('pass_threshold_override >= 0 AND pass_threshold_override <= 100', name=op.f('ck_proposals_pass_threshold_override_range')),
        sa.CheckConstraint('quorum_percent_override >= 0 AND quorum_percent_override <= 100', name=op.f('ck_proposals_quorum_percent_override_range')),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_proposals_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
        sa.UniqueConstraint('dao_id', 'slug', name=op.f('uq_proposals_dao_id_slug')),
    )
    op.create_index(op.f('ix_proposals_status_end_at'), 'proposals', ['status', 'end_at'], unique=False)
    op.create_index(op.f('ix_proposals_status_start_at'), 'proposals', ['status', 'start_at'], unique=False)
    op.create_table(
        'proposal_voters',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('proposal_id', sa.Uuid(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('subject_type', sa.Text(), nullable=False),
        sa.Column('power', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('weight', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('delegate_id', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_voters_proposal_id_proposals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_voters')),
        sa.UniqueConstraint('proposal_id', 'subject_id', name=op.f('uq_proposal_voters_proposal_id_subject_id')),
    )
    op.create_table(
        'votes',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('proposal_id', sa.Uuid(), nullable=False),
        sa.Column('voter_id', sa.Text(), nullable=False),
        sa.Column('choice', sa.Text(), nullable=False),
        sa.Column('raw_power', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('weight', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("choice IN ('yes', 'no', 'abstain')", name=op.f('ck_votes_choice')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_votes_proposal_id_proposals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
        sa.UniqueConstraint('proposal_id', 'voter_id', name=op.f('uq_votes_proposal_id_voter_id')),
    )
    op.create_index(op.f('ix_votes_proposal_id_choice'), 'votes', ['proposal_id', 'choice'], unique=False)

    # The DAO treasury and its append-only ledger.
    op.create_table(
        'treasury_balances',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('token_symbol', sa.Text(), nullable=False),
        sa.Column('contract_address', sa.Text(), nullable=True),
        sa.Column('balance', sa.Numeric(precision=30, scale=8), server_default=sa.text('0'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint('balance >= 0', name=op.f('ck_treasury_balances_balance_non_negative')),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_treasury_balances_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_treasury_balances')),
        sa.UniqueConstraint('dao_id', 'token_symbol', name=op.f('uq_treasury_balances_dao_id_token_symbol')),
    )
    op.create_table(
        'treasury_transactions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=False),
        sa.Column('token_symbol', sa.Text(), nullable=False),
        sa.Column('delta', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('balance_after', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('actor', sa.Text(), nullable=False),
        sa.Column('reference_id', sa.Text(), nullable=True),
        sa.Column('job_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dao_id'], ['daos.id'], name=op.f('fk_treasury_transactions_dao_id_daos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_treasury_transactions')),
    )
    op.create_index(op.f('ix_treasury_transactions_dao_id_created_at'), 'treasury_transactions', ['dao_id', 'created_at'], unique=False)

    # Time credits (SPEC 5.4).
    op.create_table(
        'time_credit_accounts',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('balance', sa.Numeric(precision=30, scale=8), server_default=sa.text('0'), nullable=False),
        sa.Column('lifetime_earned', sa.Numeric(precision=30, scale=8), server_default=sa.text('0'), nullable=False),
        sa.Column('lifetime_spent', sa.Numeric(precision=30, scale=8), server_default=sa.text('0'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint('balance >= 0', name=op.f('ck_time_credit_accounts_balance_non_negative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_time_credit_accounts')),
        sa.UniqueConstraint('subject_id', name=op.f('uq_time_credit_accounts_subject_id')),
    )
    op.create_table(
        'time_credit_transactions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('balance_after', sa.Numeric(precision=30, scale=8), nullable=False),
        sa.Column('tx_type', sa.Text(), nullable=False),
        sa.Column('reference_id', sa.Text(), nullable=True),
        sa.Column('counterparty_id', sa.Text(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('job_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("tx_type IN ('exchange_credit', 'exchange_debit', 'governance_reward', 'dao_treasury_deposit', 'dao_treasury_withdrawal', 'admin_adjustment')", name=op.f('ck_time_credit_transactions_tx_type')),
        sa.ForeignKeyConstraint(['account_id'], ['time_credit_accounts.id'], name=op.f('fk_time_credit_transactions_account_id_time_credit_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_time_credit_transactions')),
    )
    op.create_index(op.f('ix_time_credit_transactions_subject_id_created_at'), 'time_credit_transactions', ['subject_id', 'created_at'], unique=False)
    op.create_index('uq_time_credit_transactions_governance_reward', 'time_credit_transactions', ['subject_id', 'tx_type', 'reference_id'], unique=True, postgresql_where=sa.text("tx_type = 'governance_reward'"))

    # Disputes and moderation (SPEC 7).
    op.create_table(
        'disputes',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('claimant_id', sa.Text(), nullable=False),
        sa.Column('respondent_id', sa.Text(), nullable=False),
        sa.Column('subject_type', sa.Text(), nullable=False),
        sa.Column('subject_id', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('evidence', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column('status', sa.Text(), server_default=sa.text("'open'"), nullable=False),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('moderator_id', sa.Text(), nullable=True),
        sa.Column('resolved_by', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("status IN ('open', 'under_review', 'resolved', 'dismissed', 'escalated')", name=op.f('ck_disputes_status')),
        sa.CheckConstraint("subject_type IN ('exchange', 'listing', 'dao_action', 'other')", name=op.f('ck_disputes_subject_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    )
    op.create_index(op.f('ix_disputes_status'), 'disputes', ['status'], unique=False)
    op.create_table(
        'moderation_actions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('moderator_id', sa.Text(), nullable=False),
        sa.Column('target_type', sa.Text(), nullable=False),
        sa.Column('target_id', sa.Text(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("action IN ('warn', 'hide', 'remove', 'ban', 'restore')", name=op.f('ck_moderation_actions_action')),
        sa.CheckConstraint("target_type IN ('user', 'proposal', 'listing', 'declaration', 'dao')", name=op.f('ck_moderation_actions_target_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_actions')),
    )
    op.create_index(op.f('ix_moderation_actions_target_type_target_id_created_at'), 'moderation_actions', ['target_type', 'target_id', 'created_at'], unique=False)

    # The audit log and outbox (SPEC 6), and asynchronous jobs (SPEC 8.2).
    op.create_table(
        'events',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('seq', sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column('dao_id', sa.Uuid(), nullable=True),
        sa.Column('dao_slug', sa.Text(), nullable=True),
        sa.Column('type', sa.Text(), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('actor', sa.Text(), nullable=True),
        sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
        sa.UniqueConstraint('seq', name=op.f('uq_events_seq')),
    )
    op.create_index(op.f('ix_events_dao_id_seq'), 'events', ['dao_id', 'seq'], unique=False)
    op.create_index('ix_events_unpublished_seq', 'events', ['seq'], unique=False, postgresql_where=sa.text('published_at IS NULL'))
    op.create_table(
        'jobs',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('status', sa.Text(), server_default=sa.text("'queued'"), nullable=False),
        sa.Column('actor', sa.Text(), nullable=False),
        sa.Column('target_id', sa.Text(), nullable=True),
        sa.Column('request', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('error', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('idempotency_key', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f('ck_jobs_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sa.UniqueConstraint('actor', 'idempotency_key', name=op.f('uq_jobs_actor_idempotency_key')),
    )
    op.create_index(op.f('ix_jobs_kind_target_id_status'), 'jobs', ['kind', 'target_id', 'status'], unique=False)
    op.create_index(op.f('ix_jobs_status_submitted_at'), 'jobs', ['status', 'submitted_at'], unique=False)


def downgrade() -> None:
    # Dependants first; indexes and constraints go with their tables.
    op.drop_table('jobs')
    op.drop_table('events')
    op.drop_table('moderation_actions')
    op.drop_table('disputes')
    op.drop_table('time_credit_transactions')
    op.drop_table('time_credit_accounts')
    op.drop_table('treasury_transactions')
    op.drop_table('treasury_balances')
    op.drop_table('votes')
    op.drop_table('proposal_voters')
    op.drop_table('proposals')
    op.drop_table('delegations')
    op.drop_table('dao_projects')
    op.drop_table('dao_role_assignments')
    op.drop_table('dao_members')
    op.drop_table('dao_roles')
    op.drop_table('daos')
