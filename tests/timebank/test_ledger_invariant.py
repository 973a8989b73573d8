"""The time-credit ledger invariant (SPEC 5.4, issue 4): after a random sequence of 500
movements, many of them concurrent on a second real worker, every balance equals the sum of its
ledger rows, the rows chain through `balance_after`, and nothing is negative."""

import random
import time
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Job, TimeCreditAccount, TimeCreditTransaction, TreasuryBalance, TreasuryTransaction
from infra.db import transaction
from tasks.timebank import reward_vote
from tests.conftest import unique
from tests.factories import add_member, make_dao
from tests.stack import start_worker
from tests.timebank.util import adjust, deposit, fund, transfer

pytestmark = pytest.mark.usefixtures("worker")

MOVEMENTS = 500
SUBJECTS = 6
AMOUNTS = [Decimal(x) for x in ("0.1", "0.5", "1", "2.25", "3", "7.12345678")]


@pytest.fixture
def extra_worker(stack, log_dir):
    """More worker processes on the ledger queue, so that many movements run at once."""
    process = start_worker(stack, log_dir, concurrency=4, queues="ledger")
    yield process
    process.stop()


def chains(rows, balance: Decimal) -> bool:
    """Whether the rows can be ordered so that each balance_after is the previous one plus its
    amount, from zero to `balance` (the order the account's row lock imposed).

    Each row is an edge (balance_after - amount) -> balance_after; such an order is an Eulerian
    path from 0 to `balance`: every node balanced except those two, all edges connected to 0.
    Linear time, unlike a search over orders."""
    degree, neighbours = Counter(), {}
    for row in rows:
        start, end = row.balance_after - row.amount, row.balance_after
        degree[start] += 1
        degree[end] -= 1
        neighbours.setdefault(start, set()).add(end)
        neighbours.setdefault(end, set()).add(start)
    if not rows:
        return balance == 0
    expected = Counter({Decimal(0): 1})
    expected[balance] -= 1
    if {k: v for k, v in degree.items() if v} != {k: v for k, v in expected.items() if v}:
        return False
    seen, todo = {Decimal(0)}, [Decimal(0)]
    while todo:
        for nxt in neighbours.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen >= set(neighbours)


def test_500_random_concurrent_movements_keep_every_balance_exact(client, extra_worker):
    rng = random.Random(4)
    dao = make_dao()
    subjects = [unique("user:ledger") for _ in range(SUBJECTS)]
    for subject in subjects:
        add_member(dao, subject)
        fund(client, subject, "10")
    proposals = [str(uuid.uuid4()) for _ in range(8)]
    jobs, rewards = [], set()
    for _ in range(MOVEMENTS):
        kind = rng.choices(["transfer", "adjust", "deposit", "reward"], weights=[50, 20, 15, 15])[0]
        subject, other = rng.sample(subjects, 2)
        amount = str(rng.choice(AMOUNTS))
        if kind == "transfer":
            response = transfer(client, subject, other, amount)
        elif kind == "adjust":
            response = adjust(client, subject, amount if rng.random() < 0.5 else f"-{amount}")
        elif kind == "deposit":
            response = deposit(client, dao.slug, subject, amount)
        else:
            proposal = rng.choice(proposals)  # repeats: a voter is paid once per proposal
            rewards.add((subject, proposal))
            reward_vote.apply_async(args=[str(uuid.uuid4()), proposal, subject])
            continue
        assert response.status_code == 202, response.get_json()
        jobs.append(response.get_json()["id"])

    deadline = time.monotonic() + 90
    while True:
        with transaction() as session:
            pending = session.scalar(select(func.count()).where(Job.id.in_(jobs), Job.status.not_in(("succeeded", "failed"))))
            paid = session.scalar(select(func.count()).where(
                TimeCreditTransaction.subject_id.in_(subjects), TimeCreditTransaction.tx_type == "governance_reward"))
        if pending == 0 and paid == len(rewards):
            break
        assert time.monotonic() < deadline, f"{pending} jobs pending, {paid}/{len(rewards)} rewards paid"
        time.sleep(0.2)

    with transaction() as session:
        errors = Counter(
            (j.status, (j.error or {}).get("code")) for j in session.scalars(select(Job).where(Job.id.in_(jobs)))
        )
        accounts = session.scalars(select(TimeCreditAccount).where(TimeCreditAccount.subject_id.in_(subjects))).all()
        rows = session.scalars(select(TimeCreditTransaction).where(TimeCreditTransaction.subject_id.in_(subjects))).all()
        time_token = session.scalar(select(TreasuryBalance.balance).where(
            TreasuryBalance.dao_id == dao.id, TreasuryBalance.token_symbol == "TIME")) or Decimal(0)
        treasury_rows = session.scalars(select(TreasuryTransaction.delta).where(
            TreasuryTransaction.dao_id == dao.id, TreasuryTransaction.token_symbol == "TIME")).all()
    assert set(errors) <= {("succeeded", None), ("failed", "insufficient_funds")}, errors
    assert errors[("succeeded", None)] > MOVEMENTS / 2  # the sequence really moved credits

    by_subject = {s: [r for r in rows if r.subject_id == s] for s in subjects}
    for account in accounts:
        own = by_subject[account.subject_id]
        assert account.balance == sum((r.amount for r in own), Decimal(0)), account.subject_id
        assert account.balance >= 0 and all(r.balance_after >= 0 for r in own)
        assert account.lifetime_earned == sum((r.amount for r in own if r.amount > 0), Decimal(0))
        assert account.lifetime_spent == -sum((r.amount for r in own if r.amount < 0), Decimal(0))
        assert chains(own, account.balance), f"the ledger of {account.subject_id} does not chain through balance_after"

    # Credits are conserved: they come only from adjustments and rewards, and leave only by
    # adjustments or into the DAO's TIME token.
    minted = sum((r.amount for r in rows if r.tx_type in ("admin_adjustment", "governance_reward")), Decimal(0))
    assert sum((a.balance for a in accounts), Decimal(0)) + time_token == minted
    deposited = -sum((r.amount for r in rows if r.tx_type == "dao_treasury_deposit"), Decimal(0))
    assert time_token == deposited == sum(treasury_rows, Decimal(0))
    assert sum(1 for r in rows if r.tx_type == "governance_reward") == len(rewards)
