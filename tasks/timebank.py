"""Time-credit jobs on the `ledger` queue (SPEC 5.4), and the downstream governance reward."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from governance.errors import NotFound
from infra.config import get_settings
from infra.redis import redis_client
from models import Dao
from infra.db import transaction
from services import timebank
from services.moderation import refuse_banned
from tasks.maintenance import queue_of
from worker.app import celery_app
from worker.base import backoff_seconds, job_task

log = logging.getLogger(__name__)

REWARD_MAX_RETRIES = 12


@job_task("governance.transfer_time_credits")
def transfer_time_credits(session, job) -> dict:
    request = job.request
    refuse_banned(session, job.actor)
    out, _ = timebank.transfer(
        session, job.actor, request["to_subject_id"], Decimal(request["amount"]),
        note=request.get("note"), actor=job.actor, job_id=job.id,
    )
    return timebank.entry_data(out)


@job_task("governance.deposit_time_credits")
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


@job_task("governance.adjust_time_credits")
def adjust_time_credits(session, job) -> dict:
    request = job.request
    amount = Decimal(request["amount"])
    refuse_banned(session, job.actor)
    move = timebank.credit if amount > 0 else timebank.debit
    entry = move(
        session, request["subject_id"], abs(amount), tx_type="admin_adjustment", note=request["note"],
        actor=job.actor, job_id=job.id,
    )
    return timebank.entry_data(entry)


@celery_app.task(name="governance.reward_vote", bind=True, acks_late=True, ignore_result=True,
                 max_retries=REWARD_MAX_RETRIES)
def reward_vote(self, event_id: str, proposal_id: str, voter_id: str) -> bool:
    """Pay the reward of one `vote_cast` event (not a user job: the consumer enqueues it).

    Idempotent through the unique index; any failure is logged and retried with backoff, and a
    reward that still fails is logged as lost for the operator. Never touches the vote."""
    try:
        with transaction() as session:
            paid = timebank.reward_vote(session, voter_id, proposal_id, event_id=event_id)
    except Exception as error:  # noqa: BLE001 - every failure is retried, then reported
        if self.request.retries >= REWARD_MAX_RETRIES:
            log.error("reward for event %s (voter %s, proposal %s) failed for good: %s",
                      event_id, voter_id, proposal_id, error)
            raise
        log.warning("reward for event %s failed, retrying: %s", event_id, error)
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries))
    log.info("reward for event %s: voter %s proposal %s %s", event_id, voter_id, proposal_id,
             "paid" if paid else "already paid")
    return paid is not None


@celery_app.task(name="governance.reconcile_rewards", ignore_result=True)
def reconcile_rewards() -> int:
    """The backstop of the consumer: a published `vote_cast` event older than
    REWARD_RECONCILE_AFTER_SECONDS whose voter holds no reward for the proposal has lost its reward
    task (e.g. Redis restarted before a worker took it); enqueue it again. Paying stays once only
    (the unique index), so a reward the consumer is about to pay anyway is harmless. It waits
    while the ledger queue still holds a backlog: those rewards are late, not lost."""
    if redis_client().llen(queue_of(reward_vote.name)):
        return 0
    missing = timebank.unrewarded_votes(timedelta(seconds=get_settings().reward_reconcile_after_seconds))
    for event_id, proposal_id, voter_id in missing:
        log.warning("reward for event %s missing; enqueueing it again", event_id)
        reward_vote.apply_async(args=[str(event_id), proposal_id, voter_id])
    return len(missing)
