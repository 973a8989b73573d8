"""The multi-token DAO treasury: balances and their append-only ledger (SPEC 3)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, UpdatedAt


class TreasuryBalance(Base):
    __tablename__ = "treasury_balances"
    __table_args__ = (
        UniqueConstraint("dao_id", "token_symbol"),
        CheckConstraint("balance >= 0", name="balance_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    token_symbol: Mapped[str]
    contract_address: Mapped[str | None]
    balance: Mapped[Decimal] = mapped_column(
        default=Decimal("0.00000000"), server_default=text("0")
    )
    updated_at: Mapped[UpdatedAt]


class TreasuryTransaction(Base):
    """Append-only: never updated or deleted."""

    __tablename__ = "treasury_transactions"
    __table_args__ = (Index(None, "dao_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("daos.id", ondelete="CASCADE"))
    token_symbol: Mapped[str]
    delta: Mapped[Decimal]
    balance_after: Mapped[Decimal]
    reason: Mapped[str]
    actor: Mapped[str]
    reference_id: Mapped[str | None]
    job_id: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]
