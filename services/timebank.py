"""Time-credit movements (SPEC 5.4), each inside the caller's transaction.

Every movement locks the accounts it touches (created at zero on first use), applies the ledger
arithmetic of governance.ledger, appends one ledger row per side with its `balance_after`, and
records its `timebank.*` event, so that the caller's commit makes all of it visible at once or
none of it. Two accounts are always locked in subject-id order, so concurrent transfers in
opposite directions cannot deadlock.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert

from governance.errors import Forbidden
from governance.ledger import account_totals, apply_delta, positive_amount, require_two_parties
from governance.power import decimal_text
from governance.tokens import TIME_TOKEN
from services.outbox import record_event
from models import Dao, Event, TimeCreditAccount, TimeCreditTransaction
from infra.db import db_now
from models.timebank import GOVERNANCE_REWARD_WHERE
from services.access import require_active
from services.members import is_active_member
from services.treasury import move_treasury

REWARD_AMOUNT = Decimal("0.1")


def lock_accounts(session, *subject_ids: str) -> dict[str, TimeCreditAccount]:
    """Create the missing accounts at zero and lock all of them, in subject-id order."""
    ordered = sorted(set(subject_ids))
    session.execute(
        insert(TimeCreditAccount)
        .values([{"id": uuid.uuid4(), "subject_id": s} for s in ordered])
        .on_conflict_do_nothing(index_elements=["subject_id"])
    )
    accounts = session.scalars(
        select(TimeCreditAccount)
        .where(TimeCreditAccount.subject_id.in_(ordered))
        .order_by(TimeCreditAccount.subject_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {account.subject_id: account for account in accounts}


def find_account(session, subject_id: str) -> TimeCreditAccount | None:
    """The subject's account, without creating it (reads never create accounts)."""
    return session.scalar(select(TimeCreditAccount).where(TimeCreditAccount.subject_id == subject_id))


def _book(session, account: TimeCreditAccount, delta: Decimal, *, tx_type: str, reference_id=None,
          note=None, job_id=None, counterparty_id=None) -> TimeCreditTransaction:
    """Apply a signed `delta` to a locked account and append its ledger row."""
    account.balance = apply_delta(account.balance, delta)
    account.lifetime_earned, account.lifetime_spent = account_totals(
        account.lifetime_earned, account.lifetime_spent, delta
    )
    entry = TimeCreditTransaction(
        id=uuid.uuid4(), account_id=account.id, subject_id=account.subject_id, amount=delta,
        balance_after=account.balance, tx_type=tx_type, reference_id=reference_id,
        counterparty_id=counterparty_id, note=note, job_id=job_id,
    )
    session.add(entry)
    return entry


def entry_data(entry: TimeCreditTransaction) -> dict:
    """The JSON figures of one ledger row, as events and job results carry them."""
    return {
        "transaction_id": str(entry.id),
        "subject_id": entry.subject_id,
        "amount": decimal_text(entry.amount),
        "balance": decimal_text(entry.balance_after),
        "tx_type": entry.tx_type,
        "reference_id": entry.reference_id,
        "counterparty_id": entry.counterparty_id,
        "note": entry.note,
    }


def _single(session, subject_id: str, delta: Decimal, event_type: str, *, tx_type: str, actor, dao=None,
            **row) -> TimeCreditTransaction:
    account = lock_accounts(session, subject_id)[subject_id]
    entry = _book(session, account, delta, tx_type=tx_type, **row)
    session.flush()
    record_event(session, event_type, actor=actor, dao=dao, data=entry_data(entry))
    return entry


def credit(session, subject_id: str, amount, *, tx_type: str, reference_id=None, note=None, actor=None,
           job_id=None, counterparty_id=None, dao: Dao | None = None) -> TimeCreditTransaction:
    """Add `amount` (> 0) to the subject's account; `timebank.credited`."""
    return _single(
        session, subject_id, positive_amount(amount), "timebank.credited", tx_type=tx_type, actor=actor, dao=dao,
        reference_id=reference_id, note=note, job_id=job_id, counterparty_id=counterparty_id,
    )


def debit(session, subject_id: str, amount, *, tx_type: str, reference_id=None, note=None, actor=None,
          job_id=None, counterparty_id=None, dao: Dao | None = None) -> TimeCreditTransaction:
    """Take `amount` (> 0) from the subject's account (InsufficientFunds changes nothing);
    `timebank.debited`."""
    return _single(
        session, subject_id, positive_amount(amount).copy_negate(), "timebank.debited", tx_type=tx_type, actor=actor, dao=dao,
        reference_id=reference_id, note=note, job_id=job_id, counterparty_id=counterparty_id,
    )


def transfer(session, from_id: str, to_id: str, amount, *, note=None, actor=None,
             job_id=None) -> tuple[TimeCreditTransaction, TimeCreditTransaction]:
    """Move `amount` between two subjects: an `exchange_debit` row and an `exchange_credit` row,
    one `timebank.transferred` event. Returns (debit row, credit row)."""
    require_two_parties(from_id, to_id)
    amount = positive_amount(amount)
    accounts = lock_accounts(session, from_id, to_id)
    source, target = accounts[from_id], accounts[to_id]
    # The debit comes first: InsufficientFunds there leaves both accounts untouched.
    out = _book(session, source, amount.copy_negate(), tx_type="exchange_debit", note=note, job_id=job_id,
                counterparty_id=to_id)
    into = _book(session, target, amount, tx_type="exchange_credit", note=note, job_id=job_id,
                 counterparty_id=from_id, reference_id=str(out.id))
    out.reference_id = str(into.id)
    session.flush()
    record_event(
        session, "timebank.transferred", actor=actor,
        data={
            "from_subject_id": from_id, "to_subject_id": to_id, "amount": decimal_text(amount), "note": note,
            "debit_transaction_id": str(out.id), "credit_transaction_id": str(into.id),
        },
    )
    return out, into


def deposit_to_dao(session, dao: Dao, subject_id: str, amount, *, actor, job_id=None):
    """Move credits from a subject's account into the DAO's `TIME` treasury token.

    The account is locked before the treasury row (the order every TIME movement here uses).
    Returns (account ledger row, treasury ledger row)."""
    entry = debit(
        session, subject_id, amount, tx_type="dao_treasury_deposit", reference_id=str(dao.id),
        counterparty_id=dao.slug, note=f"deposit into {dao.slug}", actor=actor, job_id=job_id, dao=dao,
    )
    treasury_entry = move_treasury(
        session, dao, TIME_TOKEN, entry.amount.copy_negate(), reason=f"time credits deposited by {subject_id}",
        actor=actor, reference_id=str(entry.id), job_id=job_id,
    )
    return entry, treasury_entry


def check_depositor(session, dao: Dao, subject_id: str) -> None:
    """A deposit goes only into an active DAO, from one of its active members (of either type:
    a time-credit account is the subject id's)."""
    require_active(dao)
    if not is_active_member(session, dao, subject_id):
        raise Forbidden("only active members may deposit time credits into a DAO")


def reward_vote(session, voter_id: str, proposal_id, *, event_id) -> TimeCreditTransaction | None:
    """Pay the governance reward for a vote, once per voter and proposal (SPEC 5.4).

    The partial unique index on (subject_id, tx_type, reference_id) decides: the row is inserted
    with ON CONFLICT DO NOTHING, and only when it was inserted does the balance move. Returns
    the new ledger row, or None when the reward had already been paid.
    """
    account = lock_accounts(session, voter_id)[voter_id]
    balance = apply_delta(account.balance, REWARD_AMOUNT)
    entry_id = session.execute(
        insert(TimeCreditTransaction)
        .values(
            id=uuid.uuid4(), account_id=account.id, subject_id=voter_id, amount=REWARD_AMOUNT,
            balance_after=balance, tx_type="governance_reward", reference_id=str(proposal_id),
            note=f"vote_cast {event_id}",
        )
        .on_conflict_do_nothing(
            index_elements=["subject_id", "tx_type", "reference_id"], index_where=GOVERNANCE_REWARD_WHERE
        )
        .returning(TimeCreditTransaction.id)
    ).scalar_one_or_none()
    if entry_id is None:
        return None
    account.balance = balance
    account.lifetime_earned, account.lifetime_spent = account_totals(
        account.lifetime_earned, account.lifetime_spent, REWARD_AMOUNT
    )
    session.flush()
    entry = session.get(TimeCreditTransaction, entry_id)
    record_event(session, "timebank.credited", actor=None, data={**entry_data(entry), "event_id": str(event_id)})
    return entry


RECONCILE_WINDOW = timedelta(days=1)
RECONCILE_LIMIT = 1000


def unrewarded_votes(session, older_than: timedelta) -> list[tuple]:
    """(event id, proposal id, voter) of published `vote_cast` events of the last day, older than
    `older_than`, whose voter holds no governance reward for that proposal."""
    voter = Event.payload["data"]["voter"].astext
    proposal_id = Event.payload["data"]["proposal_id"].astext
    rewarded = exists().where(
        TimeCreditTransaction.tx_type == "governance_reward",
        TimeCreditTransaction.subject_id == voter,
        TimeCreditTransaction.reference_id == proposal_id,
    )
    now = db_now(session)
    rows = session.execute(
        select(Event.id, proposal_id, voter)
        .where(
            Event.type == "vote_cast",
            Event.published_at.is_not(None),
            Event.created_at.between(now - RECONCILE_WINDOW, now - older_than),
            ~rewarded,
        )
        .distinct(proposal_id, voter)
        .order_by(proposal_id, voter, Event.created_at)
        .limit(RECONCILE_LIMIT)
    ).all()
    return [tuple(row) for row in rows]
