"""Treasury routes (SPEC 8.3): balances, the ledger, and deltas (asynchronous)."""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.jobs import enqueue, job_response
from api.pagination import PageQuerySchema, listing
from api.endpoint import endpoint
from api.schemas.jobs import JobSchema
from api.schemas.treasury import TreasuryDeltaSchema, TreasuryListSchema, TreasuryTransactionPageSchema
from governance.tokens import settled_address
from models import TreasuryBalance, TreasuryTransaction
from infra.db import transaction
from services.treasury import token_address
from governance.power import decimal_text

bp = Blueprint("treasury", __name__, url_prefix="/api/v1/daos/<slug>/treasury")


def treasury_items(session, dao) -> list[TreasuryBalance]:
    """The DAO's balances by token symbol (what TreasuryItemSchema shows)."""
    return list(session.scalars(
        select(TreasuryBalance).where(TreasuryBalance.dao_id == dao.id).order_by(TreasuryBalance.token_symbol)
    ))


@bp.get("")
@endpoint(summary="The DAO's balances", responses={200: TreasuryListSchema}, tags=["treasury"])
def get_treasury(slug: str):
    with transaction() as session:
        access = dao_access(session, slug, g.principal)
        return {"items": treasury_items(session, access.dao)}


@bp.get("/transactions")
@endpoint(summary="The treasury ledger, newest first", query=PageQuerySchema,
          responses={200: TreasuryTransactionPageSchema}, tags=["treasury"])
def list_transactions(slug: str, query: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal)
        return listing(
            session,
            select(TreasuryTransaction).where(TreasuryTransaction.dao_id == access.dao.id),
            [TreasuryTransaction.created_at, TreasuryTransaction.id],
            query,
            descending=True,
        )


@bp.post("/deltas")
@endpoint(summary="Add a delta to a token balance (can_manage_treasury)", body=TreasuryDeltaSchema,
          responses={201: JobSchema}, asynchronous=True, tags=["treasury"])
def post_delta(slug: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, "can_manage_treasury")
        require_active(access.dao)
        # Another contract than the token's is a 409 now; the task checks again under its lock.
        settled_address(body["token_symbol"], token_address(session, access.dao, body["token_symbol"]),
                        body.get("contract_address"))
        payload = {"dao_id": str(access.dao.id), **body, "delta": decimal_text(body["delta"])}
        job = enqueue(session, "apply_treasury_delta", payload, target_id=access.dao.id)
    return job_response(job, creates=True)
