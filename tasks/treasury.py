"""Treasury deltas (SPEC 5.4): one ledger row, the new balance and one event, together."""

from __future__ import annotations

import uuid
from decimal import Decimal

from governance.power import decimal_text
from models import Dao
from services.treasury import move_treasury, token_address
from tasks.jobs import job_task


@job_task("apply_treasury_delta")
def apply_treasury_delta(session, job) -> dict:
    request = job.request
    dao = session.get(Dao, uuid.UUID(request["dao_id"]))
    entry = move_treasury(
        session, dao, request["token_symbol"], Decimal(request["delta"]),
        reason=request["reason"], actor=job.actor, job_id=job.id, contract_address=request.get("contract_address"),
    )
    return {
        "transaction_id": str(entry.id),
        "token_symbol": entry.token_symbol,
        "contract_address": token_address(session, dao, entry.token_symbol),
        "delta": decimal_text(entry.delta),
        "balance": decimal_text(entry.balance_after),
    }
