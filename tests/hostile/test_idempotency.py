"""An Idempotency-Key reused for another request (issue 11, item 4): the key names one request
(method, path, body); a repeat of that request returns its job, whatever its status, and sends
nothing; the key used for any other request is 422 `idempotency_key_reused`, and nothing of that
other request is recorded."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from infra.db import transaction
from models import Job, TreasuryBalance
from tests.conftest import auth, unique, wait_job
from tests.factories import make_dao

ADMIN = ("platform_admin",)


@pytest.fixture
def dao():
    return make_dao()


def _post(client, path, body, subject, key, **headers):
    return client.post(path, json=body, headers=auth(subject, roles=ADMIN, **{"Idempotency-Key": key}, **headers))


def _delta(dao, amount="1", token="GOV"):
    return f"/api/v1/daos/{dao.slug}/treasury/deltas", {"token_symbol": token, "delta": amount, "reason": "r"}


def _jobs_with(key: str) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(Job).where(Job.idempotency_key == key))


def _variants(dao, other_dao, owner):
    """Requests that differ from the first delta below: another route, another body, another path."""
    return [
        ("/api/v1/timebank/adjustments", {"subject_id": owner, "amount": "5", "note": "n"}),
        _delta(dao, amount="2"),
        _delta(dao, token="OTHER"),
        (f"/api/v1/daos/{other_dao.slug}/treasury/deltas", _delta(dao)[1]),
        (f"/api/v1/daos/{dao.slug}/treasury/time-deposits", {"amount": "1"}),
    ]


def test_a_key_reused_for_another_request_is_422_and_records_nothing(client, worker, dao):
    owner = dao.owner_subject_id
    other_dao = make_dao(owner=owner)
    for path, body in _variants(dao, other_dao, owner):
        key = unique("key")
        first = _post(client, *_delta(dao), owner, key, Prefer="wait=20")
        assert first.status_code == 201, first.get_json()
        reused = _post(client, path, body, owner, key)
        assert reused.status_code == 422, (path, reused.get_data(as_text=True)[:300])
        problem = reused.get_json()
        assert problem["code"] == "idempotency_key_reused" and "Idempotency-Key" in problem["errors"], problem
        assert first.get_json()["id"] in problem["detail"]
        assert _jobs_with(key) == 1
    with transaction() as session:  # each first delta applied once, none of the others
        balances = dict(session.execute(select(TreasuryBalance.token_symbol, TreasuryBalance.balance)
                                        .where(TreasuryBalance.dao_id == dao.id)).all())
    assert balances == {"GOV": 5}


def test_the_same_request_with_its_keys_in_another_order_returns_the_first_job(client, worker, dao):
    owner, key = dao.owner_subject_id, unique("key")
    path, body = _delta(dao)
    first = _post(client, path, body, owner, key, Prefer="wait=20").get_json()
    again = _post(client, path, dict(reversed(list(body.items()))), owner, key)
    assert again.status_code == 201 and again.get_json()["id"] == first["id"], again.get_json()
    assert _jobs_with(key) == 1


def test_another_subject_may_use_the_same_key(client, worker, dao):
    key = unique("key")
    path, body = "/api/v1/timebank/adjustments", {"subject_id": "user:x", "amount": "1", "note": "n"}
    one = _post(client, path, body, unique("user:admin"), key).get_json()
    two = _post(client, path, body, unique("user:admin"), key).get_json()
    assert one["id"] != two["id"]


def _status(job_id) -> str:
    with transaction() as session:
        return session.scalar(select(Job.status).where(Job.id == job_id))


def test_a_repeat_while_the_first_job_is_still_running_returns_it(client, worker, dao):
    """The treasury row the first job must lock is held by the test, so the job stays running:
    the repeat answers 202 with that job, and another request with the key is still 422."""
    owner, key = dao.owner_subject_id, unique("key")
    path, body = _delta(dao)
    assert _post(client, path, body, owner, unique("seed"), Prefer="wait=20").status_code == 201
    held, release = threading.Event(), threading.Event()

    def hold_the_balance_row():
        with transaction() as session:
            session.execute(select(TreasuryBalance).where(TreasuryBalance.dao_id == dao.id).with_for_update())
            held.set()
            release.wait(30)

    locker = threading.Thread(target=hold_the_balance_row)
    locker.start()
    try:
        assert held.wait(10)
        first = _post(client, path, body, owner, key).get_json()
        deadline = time.monotonic() + 20
        while _status(first["id"]) != "running":
            assert time.monotonic() < deadline, "the first job never started"
            time.sleep(0.05)
        again = _post(client, path, body, owner, key)
        assert again.status_code == 202, again.get_json()
        assert again.get_json()["id"] == first["id"] and again.get_json()["status"] == "running"
        refused = _post(client, *_delta(dao, amount="3"), owner, key)
        assert refused.status_code == 422 and refused.get_json()["code"] == "idempotency_key_reused"
    finally:
        release.set()
        locker.join()
    assert wait_job(client, first, owner)["status"] == "succeeded"
    done = _post(client, path, body, owner, key)
    assert done.status_code == 201 and done.get_json()["id"] == first["id"], done.get_json()
    assert _jobs_with(key) == 1


def test_concurrent_requests_with_one_key_make_one_job(app, worker, dao):
    owner, key = dao.owner_subject_id, unique("key")
    answers = []

    def send(amount):
        path, body = _delta(dao, amount=amount)
        answers.append(_post(app.test_client(), path, body, owner, key))

    threads = [threading.Thread(target=send, args=(amount,)) for amount in ("1", "1", "1", "2", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = {a.get_json()["id"] for a in answers if a.status_code in (200, 202)}
    refused = [a for a in answers if a.status_code == 422]
    assert len(accepted) == 1 and _jobs_with(key) == 1
    assert all(r.get_json()["code"] == "idempotency_key_reused" for r in refused)
    assert len(refused) in (2, 3), [a.status_code for a in answers]
    assert uuid.UUID(accepted.pop())
