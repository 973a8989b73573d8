"""Proposals, their eligibility snapshot and their votes (SPEC 3, 5)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.vocabulary import (
    BALLOT_SECRECY, GOVERNANCE_MODELS, PROPOSAL_STATUSES, PROPOSAL_TYPES, VOTE_CHOICES, VOTING_TYPES,
)
from models.base import Base, CreatedAt, UpdatedAt, in_list
from models.dao import Dao


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("dao_id", "slug"),
        CheckConstraint(in_list("proposal_type", PROPOSAL_TYPES), name="proposal_type"),
        CheckConstraint(in_list("status", PROPOSAL_STATUSES), name="status"),
        # NULL passes a CHECK, so these only constrain the values that are set.
        CheckConstraint(
            in_list("governance_model_override", GOVERNANCE_MODELS),
            name="governance_model_override",
        ),
        CheckConstraint(in_list("effective_model", GOVERNANCE_MODELS), name="effective_model"),
        CheckConstraint(in_list("voting_type", VOTING_TYPES), name="voting_type"),
        CheckConstraint(in_list("effective_voting_type", VOTING_TYPES), name="effective_voting_type"),
        CheckConstraint(in_list("ballot_secrecy", BALLOT_SECRECY), name="ballot_secrecy"),
        CheckConstraint(in_list("effective_ballot_secrecy", BALLOT_SECRECY), name="effective_ballot_secrecy"),
        CheckConstraint(
            "quorum_percent_override >= 0 AND quorum_percent_override <= 100",
            name="quorum_percent_override_range",
        ),
        CheckConstraint(
            "pass_threshold_override >= 0 AND pass_threshold_override <= 100",
            name="pass_threshold_override_range",
        ),
        # The scheduler's scans: drafts due to open, active proposals due to close.
        Index(None, "status", "end_at"),
        Index(None, "status", "start_at"),
        # Closed proposals still waiting for the votes submitted before their close.
        Index(None, "status", "closed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    slug: Mapped[str]
    title: Mapped[str]
    description: Mapped[str] = mapped_column(default="", server_default=text("''"))
    proposal_type: Mapped[str] = mapped_column(default="general", server_default=text("'general'"))
    action_payload: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    status: Mapped[str] = mapped_column(default="draft", server_default=text("'draft'"))
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    governance_model_override: Mapped[str | None]
    quorum_percent_override: Mapped[Decimal | None]
    pass_threshold_override: Mapped[Decimal | None]
    # SPEC 5.6. Unset on a draft (NULL) means: the DAO's type rule, else the DAO's setting.
    voting_type: Mapped[str | None]
    # The labels of a multi-option proposal, in their order (governance.ballots.validate_options).
    options: Mapped[list[str] | None] = mapped_column(JSONB)
    ballot_secrecy: Mapped[str | None]
    # Frozen at activation (SPEC 5.1, 5.6): later DAO changes do not affect this proposal.
    effective_model: Mapped[str | None]
    effective_quorum_percent: Mapped[Decimal | None]
    effective_pass_threshold: Mapped[Decimal | None]
    effective_allow_vote_change: Mapped[bool | None]
    effective_voting_period_seconds: Mapped[int | None]
    effective_voting_type: Mapped[str | None]
    effective_ballot_secrecy: Mapped[str | None]
    effective_early_pass: Mapped[bool | None]
    effective_late_quorum_extension_seconds: Mapped[int | None]
    # The sum of the snapshot's weights, recorded with it at activation (services.snapshot): the
    # tally's total weight without summing proposal_voters (NULL: not activated). Unbounded like
    # the tally's sums: many weights of MONEY's range add up beyond it.
    snapshot_total_weight: Mapped[Decimal | None] = mapped_column(Numeric)
    # Late-quorum protection: the end_at before the one extension (NULL: not extended).
    deadline_extended_from: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The signed result receipt built at finalization (issue 13, governance.receipts).
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by: Mapped[str]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    activated_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    # When a manager closed the proposal early (`close`); its scheduled end_at stays as it was.
    closed_at: Mapped[datetime | None]
    executed_at: Mapped[datetime | None]

    dao: Mapped[Dao] = relationship()
    voters: Mapped[list[ProposalVoter]] = relationship(
        back_populates="proposal", passive_deletes=True
    )
    votes: Mapped[list[Vote]] = relationship(back_populates="proposal", passive_deletes=True)


class ProposalVoter(Base):
    """One row of the eligibility snapshot taken at activation."""

    __tablename__ = "proposal_voters"
    __table_args__ = (UniqueConstraint("proposal_id", "subject_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    subject_id: Mapped[str]
    subject_type: Mapped[str]
    power: Mapped[Decimal]
    # The model weight of `power` (1, power or sqrt(power)), frozen with the snapshot.
    weight: Mapped[Decimal]
    delegate_id: Mapped[str | None]

    proposal: Mapped[Proposal] = relationship(back_populates="voters")


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "voter_id"),
        CheckConstraint(in_list("choice", VOTE_CHOICES), name="choice"),
        Index(None, "proposal_id", "choice"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    voter_id: Mapped[str]
    # The normalized ballot (governance.ballots.validate_ballot), of any voting type.
    ballot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The basic choice, or `abstain` for an abstention of any type, else NULL
    # (governance.ballots.recorded_choice): the basic tally and the votes-by-choice metric.
    choice: Mapped[str | None]
    raw_power: Mapped[Decimal]
    weight: Mapped[Decimal]
    # When the API accepted the vote; decides whether it counts (SPEC 5.2).
    submitted_at: Mapped[datetime]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]

    proposal: Mapped[Proposal] = relationship(back_populates="votes")


class VoteTotal(Base):
    """The running sums of a proposal's votes (services.vote_totals), written in the transaction
    of the votes, for the proposals whose tally is a per-choice or per-option sum of weights frozen
    at the snapshot. `kind`: `choice` (label: the recorded choice, '' for none), `option` (label:
    an option named by a non-abstaining ballot) or `snapshot` (label '': the snapshot's total
    weight, copied from proposals.snapshot_total_weight, and size, written once with the first
    sums: the row that says the sums exist)."""

    __tablename__ = "vote_totals"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(primary_key=True)
    weight: Mapped[Decimal] = mapped_column(Numeric)
    count: Mapped[int] = mapped_column(BigInteger)
