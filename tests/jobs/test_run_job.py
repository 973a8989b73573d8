"""Running one job (services.jobs.run_job): once per job however often delivered, domain errors
recorded with their code, crashes as internal_error, poison messages capped, and every timestamp
from the database clock."""

import threading
import uuid

import pytest
import sqlalchemy.exc
from freezegun import freeze_time
from sqlalchemy import update

from governance.errors import InsufficientFunds
from infra.config import get_settings
from models import Job
from infra.db import db_now, transaction
from services.jobs import run_job
from tests.conftest import unique


def new_job(**values) -> uuid.UUID:
    job_id = uuid.uuid4()
    with transaction() as session:
        session.add(Job(id=job_id, kind="test", actor=unique("user:t"), request={}, **values))
    return job_id


def load(job_id) -> Job:
    with transaction() as session:
        return session.get(Job, job_id)


def test_a_job_runs_once_however_often_it_is_delivered():
    calls = []
    job_id = new_job()
    for _ in range(3):
        run_job(str(job_id), lambda session, job: calls.append(job.id) or {"n": len(calls)})
    job = load(job_id)
    assert calls == [job_id]
    assert (job.status, job.result, job.attempts) == ("succeeded", {"n": 1}, 1)
    assert job.started_at is not None and job.finished_at is not None


def test_concurrent_deliveries_run_the_body_once():
    calls, barrier = [], threading.Barrier(4)
    job_id = new_job()

    def body(session, job):
        calls.append(1)
        return {}

    def deliver():
        barrier.wait()
        run_job(str(job_id), body)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert load(job_id).status == "succeeded"


def test_a_domain_error_fails_the_job_with_its_code_and_rolls_back_the_body():
    job_id = new_job()
    witness = new_job()

    def body(session, job):
        session.execute(update(Job).where(Job.id == witness).values(status="failed"))
        raise InsufficientFunds("balance 1, debit 2")

    run_job(str(job_id), body)
    job = load(job_id)
    assert job.status == "failed"
    assert job.error == {"code": "insufficient_funds", "message": "balance 1, debit 2"}
    assert load(witness).status == "queued"  # the body's write was rolled back


def test_a_job_delivered_too_often_fails_for_good_without_running():
    job_id = new_job(status="running", attempts=get_settings().max_job_attempts)
    run_job(str(job_id), lambda session, job: pytest.fail("must not run"))
    job = load(job_id)
    assert job.status == "failed"
    assert job.error["code"] == "too_many_attempts"


def test_a_job_killed_mid_way_runs_again_on_redelivery():
    """A crash leaves status running with one attempt counted; the redelivery completes it."""
    job_id = new_job(status="running", attempts=1)
    run_job(str(job_id), lambda session, job: {"ok": True})
    job = load(job_id)
    assert (job.status, job.attempts) == ("succeeded", 2)


def test_a_crash_fails_the_job_with_internal_error_and_propagates():
    job_id = new_job()

    def body(session, job):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        run_job(str(job_id), body)
    job = load(job_id)
    assert (job.status, job.error) == ("failed", {"code": "internal_error", "message": "a bug"})


def test_a_transient_error_propagates_and_leaves_the_job_running_for_the_retry():
    job_id = new_job()

    def body(session, job):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("connection lost"))

    with pytest.raises(sqlalchemy.exc.OperationalError):
        run_job(str(job_id), body)
    job = load(job_id)
    assert (job.status, job.attempts, job.error) == ("running", 1, None)
    run_job(str(job_id), lambda session, job: {"ok": True})  # the retry
    assert load(job_id).status == "succeeded"


@pytest.mark.parametrize("outcome", ["succeeded", "failed", "too_many_attempts"])
def test_every_job_timestamp_comes_from_the_database_clock(outcome):
    """With Python's clock frozen years away, each stamp still falls between two readings of the
    database's clock around the run, in order: submitted <= started <= finished."""
    job_id = new_job(**({"status": "running", "attempts": get_settings().max_job_attempts}
                        if outcome == "too_many_attempts" else {}))

    def body(session, job):
        if outcome == "failed":
            raise InsufficientFunds("no")
        return {}

    with transaction() as session:
        before = db_now(session)
    with freeze_time("2001-01-01"):
        run_job(str(job_id), body)
    with transaction() as session:
        after = db_now(session)
    job = load(job_id)
    assert job.status == ("succeeded" if outcome == "succeeded" else "failed")
    assert job.submitted_at <= before <= job.started_at <= job.finished_at <= after
