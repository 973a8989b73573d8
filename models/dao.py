"""DAOs, their roles, members, projects and delegations (SPEC 3, 4)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.vocabulary import (
    BALLOT_SECRECY, DAO_TYPES, GOVERNANCE_MODELS, MEMBER_STATUSES, PROPOSAL_TYPES, SUBJECT_TYPES,
)
from models.base import Base, CreatedAt, UpdatedAt, in_list


class Dao(Base):
    __tablename__ = "daos"
    __table_args__ = (
        CheckConstraint(in_list("dao_type", DAO_TYPES), name="dao_type"),
        CheckConstraint(in_list("governance_model", GOVERNANCE_MODELS), name="governance_model"),
        CheckConstraint("voting_period_seconds > 0", name="voting_period_positive"),
        CheckConstraint(
            "quorum_percent >= 0 AND quorum_percent <= 100", name="quorum_percent_range"
        ),
        CheckConstraint(
            "pass_threshold_percent >= 0 AND pass_threshold_percent <= 100",
            name="pass_threshold_percent_range",
        ),
        CheckConstraint(in_list("ballot_secrecy", BALLOT_SECRECY), name="ballot_secrecy"),
        CheckConstraint("late_quorum_extension_seconds >= 0", name="late_quorum_extension_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="", server_default=text("''"))
    microdao_id: Mapped[str | None] = mapped_column(index=True)
    dao_type: Mapped[str]
    governance_model: Mapped[str] = mapped_column(
        default="simple", server_default=text("'simple'")
    )
    voting_period_seconds: Mapped[int] = mapped_column(
        default=604800, server_default=text("604800")
    )
    quorum_percent: Mapped[Decimal] = mapped_column(
        default=Decimal("20.00000000"), server_default=text("20")
    )
    pass_threshold_percent: Mapped[Decimal] = mapped_column(
        default=Decimal("50.00000000"), server_default=text("50")
    )
    allow_vote_change: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    is_public: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # SPEC 5.6: settings per proposal type (governance.settings.validate_type_rules), late-quorum
    # protection (0 = off), early pass, and whether ballots stay secret until the close.
    type_rules: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    late_quorum_extension_seconds: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    early_pass: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    ballot_secrecy: Mapped[str] = mapped_column(default="public", server_default=text("'public'"))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    owner_subject_id: Mapped[str]
    owner_subject_type: Mapped[str]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]

    roles: Mapped[list[DaoRole]] = relationship(back_populates="dao", passive_deletes=True)
    members: Mapped[list[DaoMember]] = relationship(back_populates="dao", passive_deletes=True)


class DaoRole(Base):
    __tablename__ = "dao_roles"
    __table_args__ = (UniqueConstraint("dao_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    code: Mapped[str]
    name: Mapped[str]
    # {"can_read": true, ...}: the entitlements the role grants (SPEC 4).
    entitlements: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    is_default: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[CreatedAt]

    dao: Mapped[Dao] = relationship(back_populates="roles")


class DaoMember(Base):
    __tablename__ = "dao_members"
    __table_args__ = (
        UniqueConstraint("dao_id", "subject_type", "subject_id"),
        CheckConstraint(in_list("subject_type", SUBJECT_TYPES), name="subject_type"),
        CheckConstraint(in_list("status", MEMBER_STATUSES), name="status"),
        CheckConstraint("voting_power >= 0", name="voting_power_non_negative"),
        Index(None, "dao_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    subject_id: Mapped[str]
    subject_type: Mapped[str] = mapped_column(default="user", server_default=text("'user'"))
    role: Mapped[str] = mapped_column(default="member", server_default=text("'member'"))
    status: Mapped[str] = mapped_column(default="active", server_default=text("'active'"))
    voting_power: Mapped[Decimal] = mapped_column(
        default=Decimal("1.00000000"), server_default=text("1")
    )
    joined_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]

    dao: Mapped[Dao] = relationship(back_populates="members")


class DaoRoleAssignment(Base):
    """An extra role held by a member; entitlements are the union of all roles held."""

    __tablename__ = "dao_role_assignments"
    __table_args__ = (UniqueConstraint("dao_id", "subject_id", "role"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    subject_id: Mapped[str]
    subject_type: Mapped[str] = mapped_column(default="user", server_default=text("'user'"))
    role: Mapped[str]
    created_at: Mapped[CreatedAt]


class DaoProject(Base):
    """A DAO's link to an external project; `GET /daos?project_id=` finds DAOs by it."""

    __tablename__ = "dao_projects"
    __table_args__ = (UniqueConstraint("dao_id", "project_id"), Index(None, "project_id"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    project_id: Mapped[str]
    created_at: Mapped[CreatedAt]


class Delegation(Base):
    """A delegator's delegate: its general one (`proposal_type` NULL) or the one for proposals of
    one type (SPEC 5.6). NULLS NOT DISTINCT: one general delegation per delegator, too."""

    __tablename__ = "delegations"
    __table_args__ = (
        UniqueConstraint("dao_id", "delegator_id", "proposal_type", postgresql_nulls_not_distinct=True),
        CheckConstraint("delegator_id <> delegate_id", name="no_self_delegation"),
        CheckConstraint(in_list("proposal_type", PROPOSAL_TYPES), name="proposal_type"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    delegator_id: Mapped[str]
    proposal_type: Mapped[str | None]
    delegate_id: Mapped[str]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
