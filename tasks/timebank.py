"""Time-credit jobs on the `ledger` queue (SPEC 5.4), and the downstream governance reward."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from governance.errors import NotFound
from infra.celery import celery_app
from infra.config import get_settings
from models import Dao
from services import timebank
from services.jobs import ROUTES, queue_length, send_task
from services.moderation import refuse_banned
from tasks.jobs import job_task

log = logging.getLogger(__name__)

REWARD_MAX_RETRIES = 12


@job_task("transfer_time_credits")
def transfer_time_credits(session, job) -> dict:
    request = job.request
    refuse_banned(session, job.actor)
    out, _ = timebank.transfer(
        session, job.actor, request["to_subject_id"], Decimal(request["amount"]),
        note=request.get("note"), actor=job.actor, job_id=job.id,
    )
    return timebank.entry_data(out)


@job_task("deposit_time_credits")
def deposit_time_credits(session, job) -> dict:
    dao = session.get(Dao, uuid.UUID(job.request["dao_id"]))
    if dao is None:
        raise NotFound("no such DAO")
    refuse_banned(session, job.actor)
    timebank.check_depositor(session, dao, job.actor)  # again: the member may have left since
    entry, treasury_entry = timebank.deposit_to_dao(
        session, dao, job.actor, Decimal(job.request["amount"]), actor=job.actor, job_id=job.id
    )
    return {
        **timebank.entry_data(entry),
        "treasury_transaction_id": str(treasury_entry.id),
        "treasury_balance": timebank.decimal_text(treasury_entry.balance_after),
    }


@job_task("adjust_time_credits")
def adjust_time_credits(session, job) -> dict:
    request = job.request
    amount = Decimal(request["amount"])
    refuse_banned(session, job.actor)
    move = timebank.credit if amount > 0 else timebank.debit
    entry = move(
        session, request["subject_id"], amount.copy_abs(), tx_type="admin_adjustment", note=request["note"],
        actor=job.actor, job_id=job.id,
    )
    return timebank.entry_data(entry)


@celery_app.task(name="governance.reward_vote", transaction=True, autoretry_for=(Exception,),
                 max_retries=REWARD_MAX_RETRIES)
def reward_vote(session, event_id: str, proposal_id: str, voter_id: str) -> bool:
    """Pay the reward of one `vote_cast` event (not a user job: the consumer sends it).

    Idempotent through the unique index; any failure is retried with backoff by the task base,
    which logs each retry and a reward that still fails for good. Never touches the vote."""
    paid = timebank.reward_vote(session, voter_id, proposal_id, event_id=event_id)
    log.info("reward for event %s: voter %s proposal %s %s", event_id, voter_id, proposal_id,
             "paid" if paid else "already paid")
    return paid is not None


@celery_app.task(name="governance.reconcile_rewards", transaction=True, autoretry_for=())
def reconcile_rewards(session) -> int:
    """The backstop of the consumer: a published `vote_cast` event older than
    REWARD_RECONCILE_AFTER_SECONDS whose voter holds no reward for the proposal has lost its reward
    task (e.g. Redis restarted before a worker took it); send it again. Paying stays once only
    (the unique index), so a reward the consumer is about to pay anyway is harmless. It waits
    while the ledger queue still holds a backlog: those rewards are late, not lost."""
    if queue_length(ROUTES[reward_vote.name]):
        return 0
    missing = timebank.unrewarded_votes(session, timedelta(seconds=get_settings().reward_reconcile_after_seconds))
    for event_id, proposal_id, voter_id in missing:
        log.warning("reward for event %s missing; enqueueing it again", event_id)
        send_task(reward_vote.name, args=[str(event_id), proposal_id, voter_id])
    return len(missing)
