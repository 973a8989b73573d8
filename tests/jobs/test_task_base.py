"""The one task base (infra.celery.GovernanceTask), on an app of its own run eagerly: the session and
transaction it gives, the task and job ids on every line, Celery's own retries of transient errors
with a capped backoff, and the log lines of a retry and of giving up."""

import logging
import uuid

import pytest
import sqlalchemy.exc
from celery import Celery
from celery.utils.time import get_exponential_backoff_interval
from sqlalchemy import select, text

from infra.celery import RETRY_BACKOFF_MAX_SECONDS, GovernanceTask
from infra.db import transaction
from infra.logging import job_id_var, task_id_var
from models import Job
from tests.conftest import unique


@pytest.fixture
def app():
    """An app of its own: its tasks (`shared=False`) stay out of the governance app."""
    return Celery("test-base", task_cls=GovernanceTask, set_as_current=False)


def transient() -> Exception:
    return sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_the_backoff_doubles_from_one_second_and_stays_below_the_visibility_timeout():
    waits = [
        get_exponential_backoff_interval(factor=GovernanceTask.retry_backoff, retries=n,
                                         maximum=GovernanceTask.retry_backoff_max, full_jitter=GovernanceTask.retry_jitter)
        for n in range(8)
    ]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert RETRY_BACKOFF_MAX_SECONDS < 3600  # broker_transport_options visibility_timeout


def test_a_task_that_wants_a_transaction_gets_a_session_committed_when_it_returns(app):
    actor = unique("user:base")

    @app.task(shared=False, name="t.write", transaction=True)
    def write(session, job_id: str, fail: bool) -> None:
        session.add(Job(id=uuid.UUID(job_id), kind="test", actor=actor, request={}))
        if fail:
            raise ValueError("after the write")

    kept, dropped = str(uuid.uuid4()), str(uuid.uuid4())
    write.apply(args=[kept, False])
    assert write.apply(args=[dropped, True]).failed()
    write.__header__(kept, False)  # the argument check of a send: the session is given, not sent
    with pytest.raises(TypeError):
        write.__header__(kept)
    with transaction() as session:
        written = set(session.scalars(select(Job.id).where(Job.actor == actor)))
    assert written == {uuid.UUID(kept)}


def test_transient_errors_are_retried_by_celery_until_the_task_succeeds(app, caplog):
    calls = []

    @app.task(shared=False, name="t.flaky")
    def flaky(key: str) -> int:
        calls.append(key)
        if len(calls) < 3:
            raise transient()
        return len(calls)

    with caplog.at_level(logging.WARNING, logger="infra.celery"):
        result = flaky.apply(args=["k-1"])
    assert result.get() == 3 and calls == ["k-1"] * 3
    retries = [r.getMessage() for r in caplog.records if "failed, retrying" in r.getMessage()]
    assert len(retries) == 2 and retries[0].startswith("t.flaky('k-1') failed, retrying (1 of 10)")


def test_other_errors_are_not_retried_unless_the_task_asks(app):
    calls = []

    @app.task(shared=False, name="t.bug")
    def bug() -> None:
        calls.append(1)
        raise ValueError("a bug")

    assert bug.apply().failed() and calls == [1]


def test_a_task_that_keeps_failing_gives_up_after_max_retries_and_says_so(app, caplog):
    calls = []

    @app.task(shared=False, name="t.doomed", autoretry_for=(Exception,), max_retries=2)
    def doomed() -> None:
        calls.append(1)
        raise ValueError("still broken")

    with caplog.at_level(logging.WARNING, logger="infra.celery"):
        assert doomed.apply().failed()
    assert len(calls) == 3
    assert any(r.levelno == logging.ERROR and r.getMessage() == "t.doomed() failed for good after 2 retries: still broken"
               for r in caplog.records)


def test_a_sweep_opts_out_of_retries(app):
    calls = []

    @app.task(shared=False, name="t.sweep", autoretry_for=())
    def sweep() -> None:
        calls.append(1)
        raise transient()

    assert sweep.apply().failed() and calls == [1]


def test_a_commit_that_fails_on_a_transient_error_is_retried(app):
    """The commit runs inside the call Celery retries: a serialization failure raised at COMMIT
    (a deferred constraint here) is an OperationalError and the task runs again."""
    actor, attempts = unique("user:commit"), []

    @app.task(shared=False, name="t.commit", transaction=True)
    def commit(session) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            session.execute(text("CREATE TEMP TABLE t_commit (id int PRIMARY KEY) ON COMMIT DROP"))
            session.execute(text(
                "CREATE CONSTRAINT TRIGGER t_fail AFTER INSERT ON t_commit DEFERRABLE INITIALLY DEFERRED "
                "FOR EACH ROW EXECUTE FUNCTION t_commit_fail()"))
            session.execute(text("INSERT INTO t_commit VALUES (1)"))
        session.add(Job(kind="test", actor=actor, request={}))

    with transaction() as session:
        session.execute(text(
            "CREATE OR REPLACE FUNCTION t_commit_fail() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$ LANGUAGE plpgsql"))
    assert commit.apply().successful()
    assert len(attempts) == 2
    with transaction() as session:
        assert len(session.scalars(select(Job).where(Job.actor == actor)).all()) == 1


def test_every_line_of_a_task_carries_its_task_id_and_a_job_task_its_job_id(app):
    seen = {}

    @app.task(shared=False, name="t.plain")
    def plain(x) -> None:
        seen["plain"] = (task_id_var.get(), job_id_var.get())

    @app.task(shared=False, name="t.job", job=True)
    def job(job_id: str) -> None:
        seen["job"] = (task_id_var.get(), job_id_var.get())

    plain.apply(args=[1], task_id="task-1")
    job.apply(args=["job-2"], task_id="job-2")
    assert seen == {"plain": ("task-1", None), "job": ("job-2", "job-2")}
    assert (task_id_var.get(), job_id_var.get()) == (None, None)  # forgotten after the task
