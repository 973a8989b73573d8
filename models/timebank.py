"""Time-credit accounts, one per subject, and their append-only ledger (SPEC 3, 5.4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.vocabulary import TX_TYPES
from models.base import Base, CreatedAt, UpdatedAt, in_list

# The predicate of the partial unique index that makes the governance reward once-only;
# an INSERT ... ON CONFLICT must name the same columns and this predicate.
GOVERNANCE_REWARD_WHERE = text("tx_type = 'governance_reward'")


class TimeCreditAccount(Base):
    __tablename__ = "time_credit_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_non_negative"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subject_id: Mapped[str] = mapped_column(unique=True)
    balance: Mapped[Decimal] = mapped_column(
        default=Decimal("0.00000000"), server_default=text("0")
    )
    lifetime_earned: Mapped[Decimal] = mapped_column(
        default=Decimal("0.00000000"), server_default=text("0")
    )
    lifetime_spent: Mapped[Decimal] = mapped_column(
        default=Decimal("0.00000000"), server_default=text("0")
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class TimeCreditTransaction(Base):
    """Append-only: never updated or deleted."""

    __tablename__ = "time_credit_transactions"
    __table_args__ = (
        CheckConstraint(in_list("tx_type", TX_TYPES), name="tx_type"),
        Index(
            "uq_time_credit_transactions_governance_reward",
            "subject_id",
            "tx_type",
            "reference_id",
            unique=True,
            postgresql_where=GOVERNANCE_REWARD_WHERE,
        ),
        Index(None, "subject_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("time_credit_accounts.id"))
    subject_id: Mapped[str]
    amount: Mapped[Decimal]
    balance_after: Mapped[Decimal]
    tx_type: Mapped[str]
    reference_id: Mapped[str | None]
    counterparty_id: Mapped[str | None]
    note: Mapped[str | None]
    job_id: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]

    account: Mapped[TimeCreditAccount] = relationship()
