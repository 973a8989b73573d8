"""Time-credit routes (SPEC 5.4, 8.3): balance, ledger, transfers and platform-admin
adjustments, through the real worker; each route's success, 401, 403 and 422."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Event, TimeCreditAccount, TimeCreditTransaction
from infra.db import transaction
from tests.conftest import auth, unique
from tests.timebank.util import ADMIN, WAIT, adjust, balance, fund, transfer

pytestmark = pytest.mark.usefixtures("worker")

def test_a_new_subject_has_a_zero_account_and_an_empty_ledger(client):
    subject = unique("user:new")
    assert balance(client, subject) == {
        "subject_id": subject, "balance": "0.00000000", "lifetime_earned": "0.00000000",
        "lifetime_spent": "0.00000000",
    }
    response = client.get("/api/v1/timebank/transactions", headers=auth(subject))
    assert response.get_json() == {"items": [], "next_cursor": None}
    with transaction() as session:  # reading creates nothing
        assert session.scalar(select(TimeCreditAccount).where(TimeCreditAccount.subject_id == subject)) is None


def test_adjustments_credit_and_debit_with_ledger_rows_and_events(client):
    subject = unique("user:adj")
    response = adjust(client, subject, "10.5", note="welcome bonus", **WAIT)
    assert response.status_code == 200, response.get_json()
    job = response.get_json()
    assert job["status"] == "succeeded"
    assert job["result"]["balance"] == "10.50000000"
    assert adjust(client, subject, "-0.5", note="correction", **WAIT).get_json()["status"] == "succeeded"
    assert balance(client, subject) == {
        "subject_id": subject, "balance": "10.00000000", "lifetime_earned": "10.50000000",
        "lifetime_spent": "0.50000000",
    }
    ledger = client.get("/api/v1/timebank/transactions", headers=auth(subject)).get_json()["items"]
    assert [(t["amount"], t["balance_after"], t["tx_type"], t["note"]) for t in ledger] == [
        ("-0.50000000", "10.00000000", "admin_adjustment", "correction"),
        ("10.50000000", "10.50000000", "admin_adjustment", "welcome bonus"),
    ]
    with transaction() as session:
        events = session.scalars(
            select(Event).where(Event.type.in_(("timebank.credited", "timebank.debited")),
                                Event.payload["data"]["subject_id"].astext == subject).order_by(Event.seq)
        ).all()
    assert [(e.type, e.subject, e.actor, e.payload["data"]["amount"]) for e in events] == [
        ("timebank.credited", "timebank.credited", ADMIN, "10.50000000"),
        ("timebank.debited", "timebank.debited", ADMIN, "-0.50000000"),
    ]


def test_an_adjustment_below_zero_fails_insufficient_funds(client):
    subject = unique("user:adj")
    fund(client, subject, "1")
    job = adjust(client, subject, "-1.00000001", **WAIT).get_json()
    assert (job["status"], job["error"]["code"]) == ("failed", "insufficient_funds")
    assert balance(client, subject)["balance"] == "1.00000000"


def test_adjustments_need_platform_admin(client):
    assert adjust(client, "user:x", "1", caller=unique("user:plain"), roles=()).status_code == 403
    assert adjust(client, "user:x", "1", caller=unique("user:mod"), roles=("moderator",)).status_code == 403


@pytest.mark.parametrize("body", [
    {"subject_id": "user:x", "amount": "0", "note": "n"},
    {"subject_id": "user:x", "amount": "1.000000001", "note": "n"},
    {"subject_id": "user:x", "amount": "NaN", "note": "n"},
    {"subject_id": "user:x", "amount": "1"},
    {"subject_id": "", "amount": "1", "note": "n"},
    {"subject_id": "user:x", "amount": "1", "note": "n", "extra": 1},
])
def test_adjustment_bad_input_is_422(client, body):
    response = client.post("/api/v1/timebank/adjustments", json=body, headers=auth(ADMIN, ("platform_admin",)))
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"


def test_a_transfer_moves_credits_both_sides_in_one_movement(client):
    alice, bob = unique("user:alice"), unique("user:bob")
    fund(client, alice, "5")
    response = transfer(client, alice, bob, "1.25", note="for the ride", **WAIT)
    assert response.status_code == 200, response.get_json()
    job = response.get_json()
    assert job["status"] == "succeeded" and job["kind"] == "transfer_time_credits", job
    assert job["result"]["balance"] == "3.75000000"  # the sender's; the receiver's stays private
    assert balance(client, alice)["balance"] == "3.75000000"
    assert balance(client, bob) == {
        "subject_id": bob, "balance": "1.25000000", "lifetime_earned": "1.25000000",
        "lifetime_spent": "0.00000000",
    }
    with transaction() as session:
        rows = session.scalars(select(TimeCreditTransaction).where(
            TimeCreditTransaction.job_id == job["id"]).order_by(TimeCreditTransaction.amount)).all()
        event = session.scalar(select(Event).where(Event.type == "timebank.transferred",
                                                   Event.payload["data"]["from_subject_id"].astext == alice))
    assert [(r.subject_id, r.amount, r.tx_type, r.counterparty_id, r.note) for r in rows] == [
        (alice, Decimal("-1.25"), "exchange_debit", bob, "for the ride"),
        (bob, Decimal("1.25"), "exchange_credit", alice, "for the ride"),
    ]
    assert event.payload["data"]["to_subject_id"] == bob
    assert event.payload["data"]["amount"] == "1.25000000"
    assert event.actor == alice


def test_a_transfer_beyond_the_balance_fails_and_changes_nothing(client):
    alice, bob = unique("user:alice"), unique("user:bob")
    fund(client, alice, "1")
    job = transfer(client, alice, bob, "1.00000001", **WAIT).get_json()
    assert (job["status"], job["error"]["code"]) == ("failed", "insufficient_funds")
    assert balance(client, alice)["balance"] == "1.00000000"
    assert balance(client, bob)["balance"] == "0.00000000"


def test_a_transfer_is_applied_once_per_idempotency_key(client):
    alice, bob = unique("user:alice"), unique("user:bob")
    fund(client, alice, "3")
    first = transfer(client, alice, bob, "1", **WAIT, **{"Idempotency-Key": "k1"}).get_json()
    second = transfer(client, alice, bob, "1", **WAIT, **{"Idempotency-Key": "k1"}).get_json()
    assert first["id"] == second["id"]
    assert balance(client, bob)["balance"] == "1.00000000"


@pytest.mark.parametrize("body", [
    {"to_subject_id": "user:b", "amount": "0"},
    {"to_subject_id": "user:b", "amount": "-1"},
    {"to_subject_id": "user:b", "amount": "one"},
    {"to_subject_id": "user:b"},
    {"amount": "1"},
    {"to_subject_id": "user:b", "amount": "1", "note": "x" * 501},
    {"to_subject_id": "user:b", "amount": "1", "unknown": True},
])
def test_transfer_bad_input_is_422(client, body):
    response = client.post("/api/v1/timebank/transfers", json=body, headers=auth(unique("user:a")))
    assert response.status_code == 422


def test_a_transfer_to_oneself_is_422(client):
    me = unique("user:me")
    response = client.post("/api/v1/timebank/transfers", json={"to_subject_id": me, "amount": "1"}, headers=auth(me))
    assert response.status_code == 422
    assert "to_subject_id" in response.get_json()["errors"]


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/timebank/balance"),
    ("get", "/api/v1/timebank/transactions"),
    ("post", "/api/v1/timebank/transfers"),
    ("post", "/api/v1/timebank/adjustments"),
    ("post", "/api/v1/daos/some-dao/treasury/time-deposits"),
])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-jwt"}])
def test_every_route_needs_a_valid_token(client, method, path, headers):
    response = getattr(client, method)(path, json={}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"


def test_the_ledger_is_paginated_newest_first(client):
    subject = unique("user:pages")
    for amount in ("1", "2", "3"):
        fund(client, subject, amount)
    first = client.get("/api/v1/timebank/transactions?limit=2", headers=auth(subject)).get_json()
    assert [t["amount"] for t in first["items"]] == ["3.00000000", "2.00000000"]
    rest = client.get(f"/api/v1/timebank/transactions?limit=2&cursor={first['next_cursor']}",
                      headers=auth(subject)).get_json()
    assert [t["amount"] for t in rest["items"]] == ["1.00000000"] and rest["next_cursor"] is None
    assert client.get("/api/v1/timebank/transactions?limit=0", headers=auth(subject)).status_code == 422
    assert client.get("/api/v1/timebank/transactions?cursor=zzz", headers=auth(subject)).status_code == 422
