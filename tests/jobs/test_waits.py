"""`Prefer: wait` without polling (SPEC 8.2, issue 11): a waiting request wakes when the
transaction finishing its job commits (Postgres NOTIFY from services.jobs, heard by the process's
one listener), looks again on its own after a lost notification, and one subject holds at most
MAX_WAITS_PER_SUBJECT waits at once. Times are measured; nothing sleeps long."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import column, event, func, select, table, update

from infra.config import get_settings
from infra.db import get_engine, transaction
from models import Job
from services import job_waits
from services.jobs import run_job
from tests.conftest import auth, settings_from, unique
from tests.factories import make_dao


def new_job(actor: str) -> Job:
    """A queued job no worker will run (kind `test`: no task, never re-sent)."""
    with transaction() as session:
        job = Job(id=uuid.uuid4(), kind="test", status="queued", actor=actor, request={})
        session.add(job)
    return job


def finish(job: Job) -> float:
    """Finish the job the way every task does (services.jobs.run_job); when it committed."""
    run_job(str(job.id), lambda session, row: {"finished": True})
    return time.monotonic()


def waiting(job: Job, subject: str, seconds: float = 20):
    """Start a wait for `job` in a thread; the future gives (job, when it returned)."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(lambda: (job_waits.wait_for(job, subject_id=subject, seconds=seconds), time.monotonic()))
    pool.shutdown(wait=False)
    return future


def until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def waits_of(subject: str) -> int:
    return job_waits._waits.get(subject, 0)


@pytest.fixture
def slow_recheck(monkeypatch):
    """Rechecks far apart, so that only the notification can end a wait promptly."""
    monkeypatch.setattr(job_waits, "RECHECK_SECONDS", 10.0)


@pytest.fixture
def job_reads():
    """Count the statements reading the jobs table, per thread."""
    counts: dict[int, int] = {}

    def count(conn, cursor, statement, parameters, context, executemany):
        if "FROM jobs" in statement and statement.lstrip().upper().startswith("SELECT"):
            counts[threading.get_ident()] = counts.get(threading.get_ident(), 0) + 1

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    yield counts
    event.remove(engine, "before_cursor_execute", count)


def test_a_wait_ends_when_its_job_finishes_without_polling(slow_recheck, job_reads):
    subject = unique("user:waiter")
    job = new_job(subject)
    started = time.monotonic()
    future = waiting(job, subject)
    until(lambda: waits_of(subject) == 1)
    time.sleep(0.3)  # the wait is under way
    finished_at = finish(job)
    shown, returned_at = future.result(timeout=15)
    assert shown.status == "succeeded" and shown.result == {"finished": True}
    assert returned_at - finished_at < 2.0, f"woke {returned_at - finished_at:.3f}s after the finish"
    assert returned_at - started < 5.0
    waiter_reads = [n for thread, n in job_reads.items() if thread != threading.get_ident()]
    # No polling: one read on arrival, one when woken, and one more when the listener connected
    # during the wait (it wakes every wait then, for what it may have missed before listening).
    assert waiter_reads and max(waiter_reads) <= 3
    assert waits_of(subject) == 0


def test_many_waits_on_many_jobs_each_wake_for_their_own(slow_recheck):
    subjects = [unique("user:w") for _ in range(3)]
    jobs = [new_job(s) for s in subjects]
    futures = [waiting(job, s) for job, s in zip(jobs, subjects)]
    until(lambda: all(waits_of(s) == 1 for s in subjects))
    finish(jobs[1])
    assert futures[1].result(timeout=5)[0].status == "succeeded"
    assert not futures[0].done() and not futures[2].done()
    for job in (jobs[0], jobs[2]):
        finish(job)
    assert [f.result(timeout=5)[0].status for f in futures] == ["succeeded"] * 3


def test_a_lost_notification_still_ends_the_wait(monkeypatch):
    monkeypatch.setattr(job_waits, "RECHECK_SECONDS", 0.5)
    subject = unique("user:waiter")
    job = new_job(subject)
    future = waiting(job, subject)
    until(lambda: waits_of(subject) == 1)
    with transaction() as session:  # finished without a notification: as if it was lost
        session.execute(update(Job).where(Job.id == job.id).values(status="failed", finished_at=func.now(),
                                                                   error={"code": "x", "message": "y"}))
    finished_at = time.monotonic()
    shown, returned_at = future.result(timeout=10)
    assert shown.status == "failed" and returned_at - finished_at < 3.0


def test_a_dropped_listener_connection_wakes_every_wait_on_reconnecting(slow_recheck):
    subject = unique("user:waiter")
    job = new_job(subject)
    future = waiting(job, subject)
    until(lambda: waits_of(subject) == 1 and job_waits._listener.connected.is_set())
    activity = table("pg_stat_activity", column("pid"), column("query"))
    with transaction() as session:
        listeners = session.scalars(select(activity.c.pid).where(activity.c.query.like("LISTEN %job_finished%"))).all()
        assert listeners
        for pid in listeners:  # the listener's connection is cut, as by a Postgres restart
            session.execute(select(func.pg_terminate_backend(pid)))
    finish(job)  # its notification may be lost while the listener reconnects
    shown, _ = future.result(timeout=8)  # far sooner than the 10 s recheck
    assert shown.status == "succeeded"


def test_a_subject_holds_at_most_its_waits_and_others_are_answered_at_once(slow_recheck):
    subject, other = unique("user:greedy"), unique("user:other")
    cap = get_settings().max_waits_per_subject
    held = [new_job(subject) for _ in range(cap)]
    futures = [waiting(job, subject) for job in held]
    until(lambda: waits_of(subject) == cap)

    extra = new_job(subject)
    started = time.monotonic()
    shown = job_waits.wait_for(extra, subject_id=subject, seconds=20)
    assert shown.status == "queued" and time.monotonic() - started < 0.5  # answered at once

    theirs = new_job(other)
    other_wait = waiting(theirs, other)  # another subject still waits
    until(lambda: waits_of(other) == 1)
    finish(theirs)
    assert other_wait.result(timeout=5)[0].status == "succeeded"

    finish(held[0])
    futures[0].result(timeout=5)
    until(lambda: waits_of(subject) == cap - 1)
    again = waiting(extra, subject)  # a slot is free again
    until(lambda: waits_of(subject) == cap)
    for job in (*held[1:], extra):
        finish(job)
    assert [f.result(timeout=5)[0].status for f in (*futures, again)] == ["succeeded"] * (cap + 1)
    assert waits_of(subject) == 0


def test_the_cap_is_a_setting():
    subject = unique("user:none")
    with settings_from(MAX_WAITS_PER_SUBJECT=0):
        job = new_job(subject)
        started = time.monotonic()
        assert job_waits.wait_for(job, subject_id=subject, seconds=20).status == "queued"
        assert time.monotonic() - started < 0.5
    finish(job)


def test_over_http_a_subject_beyond_its_waits_gets_202_at_once(client, worker, slow_recheck):
    dao = make_dao()
    owner = dao.owner_subject_id
    held = [new_job(owner) for _ in range(get_settings().max_waits_per_subject)]
    futures = [waiting(job, owner) for job in held]
    until(lambda: waits_of(owner) == len(held))
    started = time.monotonic()
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", headers=auth(owner, Prefer="wait=20"),
                           json={"token_symbol": "USDC", "delta": "1", "reason": "beyond the waits"})
    assert response.status_code == 202 and time.monotonic() - started < 2.0
    for job in held:
        finish(job)
    [f.result(timeout=5) for f in futures]
    waited = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", headers=auth(owner, Prefer="wait=20"),
                         json={"token_symbol": "USDC", "delta": "1", "reason": "a slot is free"})
    assert waited.status_code == 201 and waited.get_json()["status"] == "succeeded"
