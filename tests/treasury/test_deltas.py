"""Treasury deltas end to end (SPEC 5.4 first half): HTTP -> job -> worker -> ledger row, balance,
`treasury_updated` event; never negative; once per idempotency key."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Event, Job, TreasuryBalance, TreasuryTransaction
from infra.db import transaction
from tests.conftest import auth, unique, wait_job
from tests.factories import add_member, make_dao

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def dao():
    owner = unique("user:owner")
    return make_dao(owner=owner), owner


def post_delta(client, slug, subject, token="USDC", delta="10", reason="seed", **headers):
    return client.post(
        f"/api/v1/daos/{slug}/treasury/deltas",
        json={"token_symbol": token, "delta": delta, "reason": reason},
        headers=auth(subject, **headers),
    )


def balance_of(dao_id, token="USDC") -> Decimal:
    with transaction() as session:
        return session.scalar(
            select(TreasuryBalance.balance).where(TreasuryBalance.dao_id == dao_id, TreasuryBalance.token_symbol == token)
        )


def test_deposit_creates_the_token_and_writes_ledger_and_event(client, dao):
    dao, owner = dao
    response = post_delta(client, dao.slug, owner, delta="100.5", Prefer="wait=10")
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["status"] == "succeeded"
    assert job["result"]["balance"] == "100.50000000"
    assert balance_of(dao.id) == Decimal("100.5")
    with transaction() as session:
        rows = session.scalars(select(TreasuryTransaction).where(TreasuryTransaction.dao_id == dao.id)).all()
        events = session.scalars(select(Event).where(Event.dao_id == dao.id, Event.type == "treasury_updated")).all()
    assert [(r.delta, r.balance_after, r.reason, r.actor) for r in rows] == [
        (Decimal("100.5"), Decimal("100.5"), "seed", owner)
    ]
    assert len(events) == 1
    assert events[0].subject == f"dao.{dao.slug}.treasury_updated"
    assert events[0].payload["data"]["balance"] == "100.50000000"
    assert events[0].payload["data"]["delta"] == "100.50000000"


def test_without_wait_the_answer_is_202_and_the_job_finishes(client, dao):
    dao, owner = dao
    response = post_delta(client, dao.slug, owner, delta="7")
    assert response.status_code == 202
    assert response.get_json()["status"] in ("queued", "running", "succeeded")
    finished = wait_job(client, response.get_json(), owner)
    assert finished["status"] == "succeeded"
    assert balance_of(dao.id) == Decimal("7")


def test_a_debit_beyond_the_balance_fails_insufficient_funds_and_changes_nothing(client, dao):
    dao, owner = dao
    assert post_delta(client, dao.slug, owner, delta="5", Prefer="wait=10").status_code == 201
    response = post_delta(client, dao.slug, owner, delta="-5.00000001", Prefer="wait=10")
    assert response.status_code == 200
    job = response.get_json()
    assert job["status"] == "failed"
    assert job["error"]["code"] == "insufficient_funds"
    assert balance_of(dao.id) == Decimal("5")
    with transaction() as session:
        assert session.scalar(select(func.count()).where(TreasuryTransaction.dao_id == dao.id)) == 1


def test_a_debit_of_an_unknown_token_fails_insufficient_funds(client, dao):
    dao, owner = dao
    job = post_delta(client, dao.slug, owner, token="NOPE", delta="-1", Prefer="wait=10").get_json()
    assert job["error"]["code"] == "insufficient_funds"
    assert balance_of(dao.id, "NOPE") is None


def test_fifty_concurrent_debits_leave_the_balance_exact_and_never_negative(app, dao):
    dao, owner = dao
    with app.test_client() as client:
        assert post_delta(client, dao.slug, owner, delta="30", Prefer="wait=10").status_code == 201

    def debit(_):
        with app.test_client() as client:
            return post_delta(client, dao.slug, owner, delta="-1", Prefer="wait=30").get_json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        jobs = list(pool.map(debit, range(50)))
    # One subject holds at most MAX_WAITS_PER_SUBJECT waits: the others were answered 202 at once.
    with app.test_client() as client:
        jobs = [job if job["status"] in ("succeeded", "failed") else wait_job(client, job, owner) for job in jobs]
    statuses = sorted(j["status"] for j in jobs)
    assert statuses.count("succeeded") == 30
    assert [j["error"]["code"] for j in jobs if j["status"] == "failed"] == ["insufficient_funds"] * 20
    assert balance_of(dao.id) == Decimal("0")
    with transaction() as session:
        afters = session.scalars(
            select(TreasuryTransaction.balance_after).where(TreasuryTransaction.dao_id == dao.id)
        ).all()
    assert len(afters) == 31 and min(afters) >= 0
    assert sorted(afters) == [Decimal(n) for n in range(31)]


def test_an_idempotency_key_applies_the_delta_once_even_concurrently(app, dao):
    dao, owner = dao
    key = unique("key")

    def deposit(_):
        with app.test_client() as client:
            return post_delta(client, dao.slug, owner, delta="3", **{"Idempotency-Key": key}).get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = list(pool.map(deposit, range(8)))
    assert len({j["id"] for j in jobs}) == 1
    with app.test_client() as client:
        wait_job(client, jobs[0], owner)
    assert balance_of(dao.id) == Decimal("3")
    with transaction() as session:
        assert session.scalar(select(func.count()).where(Job.idempotency_key == key)) == 1


def test_requires_a_token(client, dao):
    dao, _ = dao
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", json={"token_symbol": "A", "delta": "1", "reason": "r"})
    assert response.status_code == 401


def test_non_members_of_a_private_dao_are_forbidden(client, dao):
    dao, _ = dao
    response = post_delta(client, dao.slug, unique("user:stranger"))
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"


def test_members_without_can_manage_treasury_are_forbidden(client, dao):
    dao, _ = dao
    member = unique("user:member")
    add_member(dao, member, role="member")
    assert post_delta(client, dao.slug, member).status_code == 403


def test_unknown_dao_is_404(client):
    assert post_delta(client, unique("no-dao"), "user:x").status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"token_symbol": "usdc", "delta": "1", "reason": "r"}, "token_symbol"),
        ({"token_symbol": "ABCDEFGHIJKLMNOPQ", "delta": "1", "reason": "r"}, "token_symbol"),
        ({"token_symbol": "USDC", "delta": "0", "reason": "r"}, "delta"),
        ({"token_symbol": "USDC", "delta": "1.000000001", "reason": "r"}, "delta"),
        ({"token_symbol": "USDC", "delta": "NaN", "reason": "r"}, "delta"),
        ({"token_symbol": "USDC", "delta": "abc", "reason": "r"}, "delta"),
        ({"token_symbol": "USDC", "delta": "1"}, "reason"),
        ({"token_symbol": "USDC", "delta": "1", "reason": "r", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422_with_per_field_errors(client, dao, body, field):
    dao, owner = dao
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", json=body, headers=auth(owner))
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "validation_error"
    assert field in problem["errors"]


def test_malformed_json_is_400(client, dao):
    dao, owner = dao
    response = client.post(
        f"/api/v1/daos/{dao.slug}/treasury/deltas", data="{not json", headers=auth(owner, **{"Content-Type": "application/json"})
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == "malformed_json"


def test_a_body_over_one_mebibyte_is_413(client, dao):
    dao, owner = dao
    big = '{"reason": "' + "x" * (1024 * 1024) + '"}'
    response = client.post(
        f"/api/v1/daos/{dao.slug}/treasury/deltas", data=big, headers=auth(owner, **{"Content-Type": "application/json"})
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def test_balances_and_ledger_are_listed_newest_first_with_a_cursor(client, dao):
    dao, owner = dao
    for amount in ("1", "2", "3"):
        assert post_delta(client, dao.slug, owner, token="GOV", delta=amount, Prefer="wait=10").status_code == 201
    balances = client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(owner)).get_json()
    assert balances["items"] == [{"token_symbol": "GOV", "contract_address": None, "balance": "6.00000000"}]
    first = client.get(f"/api/v1/daos/{dao.slug}/treasury/transactions?limit=2", headers=auth(owner)).get_json()
    assert [i["delta"] for i in first["items"]] == ["3.00000000", "2.00000000"]
    second = client.get(
        f"/api/v1/daos/{dao.slug}/treasury/transactions?limit=2&cursor={first['next_cursor']}", headers=auth(owner)
    ).get_json()
    assert [i["delta"] for i in second["items"]] == ["1.00000000"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=x", "cursor=%%%", "bogus=1"])
def test_bad_list_parameters_are_422(client, dao, query):
    dao, owner = dao
    response = client.get(f"/api/v1/daos/{dao.slug}/treasury/transactions?{query}", headers=auth(owner))
    assert response.status_code == 422


def test_reading_the_treasury_of_a_private_dao_is_forbidden_to_strangers(client, dao):
    dao, _ = dao
    assert client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(unique("user:s"))).status_code == 403
    assert client.get(f"/api/v1/daos/{dao.slug}/treasury").status_code == 401


def test_a_deactivated_dao_refuses_deltas_with_409(client, dao):
    dao, owner = dao
    assert client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(owner)).status_code == 204
    response = post_delta(client, dao.slug, owner)
    assert response.status_code == 409
    assert response.get_json()["code"] == "invalid_state"
