"""Deposits of time credits into a DAO's TIME treasury token (SPEC 5.4, 8.3)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Event, TimeCreditTransaction, TreasuryBalance, TreasuryTransaction
from infra.db import transaction
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao
from tests.timebank.util import WAIT, balance, deposit, fund

pytestmark = pytest.mark.usefixtures("worker")


def time_balance(dao) -> Decimal | None:
    with transaction() as session:
        return session.scalar(select(TreasuryBalance.balance).where(
            TreasuryBalance.dao_id == dao.id, TreasuryBalance.token_symbol == "TIME"))


def test_a_member_deposits_credits_into_the_dao_time_token(client):
    dao = make_dao()
    member = unique("user:member")
    add_member(dao, member)
    fund(client, member, "3")
    response = deposit(client, dao.slug, member, "2.5", **WAIT)
    assert response.status_code == 200, response.get_json()
    job = response.get_json()
    assert job["status"] == "succeeded", job
    assert (job["result"]["balance"], job["result"]["treasury_balance"]) == ("0.50000000", "2.50000000")
    assert balance(client, member)["balance"] == "0.50000000"
    assert time_balance(dao) == Decimal("2.5")
    with transaction() as session:
        row = session.scalar(select(TimeCreditTransaction).where(TimeCreditTransaction.job_id == job["id"]))
        ledger = session.scalar(select(TreasuryTransaction).where(TreasuryTransaction.job_id == job["id"]))
        events = session.scalars(select(Event).where(Event.dao_id == dao.id).order_by(Event.seq)).all()
    assert (row.amount, row.tx_type, row.reference_id, row.counterparty_id) == (
        Decimal("-2.5"), "dao_treasury_deposit", str(dao.id), dao.slug)
    assert (ledger.delta, ledger.token_symbol, ledger.reference_id) == (Decimal("2.5"), "TIME", str(row.id))
    assert [e.subject for e in events][-2:] == ["timebank.debited", f"dao.{dao.slug}.treasury_updated"]
    treasury = client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(member)).get_json()
    assert {"token_symbol": "TIME", "contract_address": None, "balance": "2.50000000"} in treasury["items"]


def test_a_deposit_beyond_the_balance_fails_and_moves_nothing(client):
    dao = make_dao()
    member = unique("user:member")
    add_member(dao, member)
    job = deposit(client, dao.slug, member, "0.1", **WAIT).get_json()
    assert (job["status"], job["error"]["code"]) == ("failed", "insufficient_funds")
    assert time_balance(dao) is None
    assert balance(client, member)["balance"] == "0.00000000"


def test_only_active_members_may_deposit(client):
    dao = make_dao(is_public=True)
    outsider, pending = unique("user:outsider"), unique("user:pending")
    add_member(dao, pending, status="pending")
    for subject in (outsider, pending):
        fund(client, subject, "1")
        response = deposit(client, dao.slug, subject)
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["code"] == "forbidden"
    private = make_dao(is_public=False)
    assert deposit(client, private.slug, outsider).status_code == 403


def test_a_member_who_left_before_the_job_ran_is_refused_by_the_job(client):
    """The job checks membership again: the API's check may be stale by the time it runs."""
    from tasks.timebank import deposit_time_credits
    from services.jobs import run_job
    from models import Job

    dao = make_dao()
    member = unique("user:member")
    add_member(dao, member)
    fund(client, member, "1")
    with transaction() as session:
        job = Job(kind="deposit_time_credits", actor=member, request={"dao_id": str(dao.id), "amount": "1"})
        session.add(job)
    add_member(dao, member, status="left")
    run_job(str(job.id), deposit_time_credits.body)
    with transaction() as session:
        finished = session.get(Job, job.id)
    assert (finished.status, finished.error["code"]) == ("failed", "forbidden")
    assert balance(client, member)["balance"] == "1.00000000"


def test_deposit_unknown_dao_is_404_and_bad_amounts_422(client):
    subject = unique("user:x")
    assert deposit(client, unique("no-dao"), subject).status_code == 404
    dao = make_dao()
    owner = dao.owner_subject_id
    for body in ({"amount": "0"}, {"amount": "-1"}, {}, {"amount": "1", "token_symbol": "TIME"}):
        response = client.post(f"/api/v1/daos/{dao.slug}/treasury/time-deposits", json=body, headers=auth(owner))
        assert response.status_code == 422, body
