"""The DAO treasury (SPEC 5.4): every movement of a token balance, its ledger row and its event."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from governance.ledger import apply_delta
from governance.power import decimal_text
from governance.tokens import settled_address
from models import Dao, TreasuryBalance, TreasuryTransaction
from services.outbox import record_event


def token_address(session, dao: Dao, token_symbol: str) -> str | None:
    """The contract address of the DAO's token (None: unknown token, or no address yet)."""
    return session.scalar(
        select(TreasuryBalance.contract_address)
        .where(TreasuryBalance.dao_id == dao.id, TreasuryBalance.token_symbol == token_symbol)
    )


def move_treasury(session, dao: Dao, token_symbol: str, delta: Decimal, *, reason: str, actor: str,
                  reference_id: str | None = None, job_id=None, contract_address: str | None = None
                  ) -> TreasuryTransaction:
    """Add `delta` to the DAO's balance of a token (the row locked, created on first use) and
    write its ledger row and `treasury_updated` event; InsufficientFunds leaves all unchanged.
    `contract_address`: the token's contract, settled by governance.tokens.settled_address
    (ContractAddressMismatch when the token is another contract)."""
    session.execute(
        insert(TreasuryBalance)
        .values(id=uuid.uuid4(), dao_id=dao.id, token_symbol=token_symbol, balance=0)
        .on_conflict_do_nothing(index_elements=["dao_id", "token_symbol"])
    )
    balance = session.scalar(
        select(TreasuryBalance)
        .where(TreasuryBalance.dao_id == dao.id, TreasuryBalance.token_symbol == token_symbol)
        .with_for_update()
    )
    balance.contract_address = settled_address(token_symbol, balance.contract_address, contract_address)
    balance.balance = apply_delta(balance.balance, delta)
    entry = TreasuryTransaction(
        dao_id=dao.id, token_symbol=token_symbol, delta=delta, balance_after=balance.balance,
        reason=reason, actor=actor, reference_id=reference_id, job_id=job_id,
    )
    session.add(entry)
    session.flush()
    record_event(
        session, "treasury_updated", dao=dao, actor=actor,
        data={
            "token_symbol": token_symbol, "contract_address": balance.contract_address,
            "delta": decimal_text(delta), "balance": decimal_text(balance.balance),
            "reason": reason, "transaction_id": str(entry.id), "reference_id": reference_id,
        },
    )
    return entry
