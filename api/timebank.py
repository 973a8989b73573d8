"""Time-credit routes (SPEC 8.3): the caller's account and ledger (any subject's for a platform
admin, `?subject_id=`), transfers, platform-admin adjustments, and deposits into a DAO's `TIME`
treasury token (asynchronous, on `ledger`)."""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access
from api.endpoint import endpoint
from api.jobs import enqueue, job_response, submit
from api.pagination import listing
from api.schemas.timebank import (
    TimeAccountQuerySchema, TimeAccountSchema, TimeAdjustmentSchema, TimeDepositSchema, TimeTransactionPageSchema,
    TimeTransactionQuerySchema, TimeTransferSchema,
)
from governance.authority import require_account_reader
from governance.errors import Forbidden
from governance.ledger import require_two_parties
from models import TimeCreditTransaction
from infra.db import transaction
from governance.power import decimal_text
from services.timebank import check_depositor, find_account

bp = Blueprint("timebank", __name__, url_prefix="/api/v1")

def _account_owner(query: dict) -> str:
    """The subject whose account is read: `?subject_id=`, by default the caller."""
    subject_id = query.get("subject_id", g.principal.subject_id)
    require_account_reader(g.principal.subject_id, subject_id, g.principal.is_platform_admin)
    return subject_id


@bp.get("/timebank/balance")
@endpoint(summary="The caller's time-credit account (zero before its first movement); a platform_admin "
                  "reads any subject's with ?subject_id=", query=TimeAccountQuerySchema,
          responses={200: TimeAccountSchema}, tags=["timebank"])
def get_balance(query: dict):
    subject_id = _account_owner(query)
    with transaction() as session:
        account = find_account(session, subject_id)
    if account is None:
        return {"subject_id": subject_id, "balance": 0, "lifetime_earned": 0, "lifetime_spent": 0}
    return account


@bp.get("/timebank/transactions")
@endpoint(summary="The caller's time-credit ledger, newest first; a platform_admin reads any subject's with "
                  "?subject_id=", query=TimeTransactionQuerySchema,
          responses={200: TimeTransactionPageSchema}, tags=["timebank"])
def list_transactions(query: dict):
    subject_id = _account_owner(query)
    with transaction() as session:
        return listing(
            session,
            select(TimeCreditTransaction).where(TimeCreditTransaction.subject_id == subject_id),
            [TimeCreditTransaction.created_at, TimeCreditTransaction.id],
            query,
            descending=True,
        )


@bp.post("/timebank/transfers")
@endpoint(summary="Transfer credits from the caller to another subject", body=TimeTransferSchema,
          asynchronous=True, tags=["timebank"])
def post_transfer(body: dict):
    require_two_parties(g.principal.subject_id, body["to_subject_id"])
    return submit("transfer_time_credits", {**body, "amount": decimal_text(body["amount"])})


@bp.post("/timebank/adjustments")
@endpoint(summary="Credit (amount > 0) or debit (amount < 0) any account (platform_admin)",
          body=TimeAdjustmentSchema, asynchronous=True, tags=["timebank"])
def post_adjustment(body: dict):
    if not g.principal.is_platform_admin:
        raise Forbidden("requires the platform_admin role")
    return submit("adjust_time_credits", {**body, "amount": decimal_text(body["amount"])}, target_id=body["subject_id"])


@bp.post("/daos/<slug>/treasury/time-deposits")
@endpoint(summary="Move the caller's credits into the DAO's TIME token (active members)",
          body=TimeDepositSchema, asynchronous=True, tags=["timebank", "treasury"])
def post_time_deposit(slug: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, entitlement=None)
        check_depositor(session, access.dao, g.principal.subject_id)
        payload = {"dao_id": str(access.dao.id), "amount": decimal_text(body["amount"])}
        job = enqueue(session, "deposit_time_credits", payload, target_id=access.dao.id)
    return job_response(job)
