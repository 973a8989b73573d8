"""Recording and sending a job (services.jobs.record): the row in the caller's transaction, the task
sent only after commit, one key one job, and one behaviour when the broker is down: the job is
recorded and answered, a warning is logged, and the requeue sweep sends it later."""

import json
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from infra.db import transaction
from models import Job
from services import jobs
from tests.conftest import settings_from, unique
from tests.factories import make_dao
from tests.stack import ROOT

pytestmark = pytest.mark.usefixtures("worker")


def load(job_id) -> Job:
    with transaction() as session:
        return session.get(Job, job_id)


def wait_finished(job_id, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while (job := load(job_id)).status not in jobs.FINISHED:
        assert time.monotonic() < deadline, f"job {job_id} still {job.status}"
        time.sleep(0.05)
    return job


def delta(dao, amount="1") -> dict:
    return {"dao_id": str(dao.id), "token_symbol": "JOB", "delta": amount, "reason": "test"}


def test_a_recorded_job_is_sent_after_commit_and_run():
    dao = make_dao()
    with transaction() as session:
        job = jobs.record(session, "apply_treasury_delta", actor=dao.owner_subject_id, request=delta(dao),
                          target_id=dao.id)
    finished = wait_finished(job.id)
    assert (finished.kind, finished.status, finished.target_id) == ("apply_treasury_delta", "succeeded", str(dao.id))
    assert finished.result["balance"] == "1.00000000"


def test_a_job_rolled_back_is_neither_recorded_nor_sent():
    dao = make_dao()
    with pytest.raises(RuntimeError), transaction() as session:
        job_id = jobs.record(session, "apply_treasury_delta", actor=dao.owner_subject_id, request=delta(dao)).id
        raise RuntimeError("the caller's transaction fails")
    assert load(job_id) is None


def test_a_repeated_key_returns_the_first_job():
    dao, key = make_dao(), unique("key")
    recorded = []
    for _ in range(2):
        with transaction() as session:
            recorded.append(jobs.record(session, "apply_treasury_delta", actor=dao.owner_subject_id,
                                        request=delta(dao), idempotency_key=key).id)
    assert recorded[0] == recorded[1]
    assert wait_finished(recorded[0]).result["balance"] == "1.00000000"
    with transaction() as session:  # another actor may use the same key
        other = jobs.record(session, "apply_treasury_delta", actor=unique("user:other"), request=delta(dao),
                            idempotency_key=key)
    assert other.id != recorded[0]


def test_an_unknown_kind_or_task_name_is_refused():
    with pytest.raises(ValueError), transaction() as session:
        jobs.record(session, "no_such_kind", actor="user:x", request={})
    with pytest.raises(KeyError):
        jobs.send_task("governance.no_such_task")


POST_WHILE_THE_BROKER_IS_DOWN = """
import json, sys
from api.app import create_app
from api.auth import mint_token
slug, owner = sys.argv[1:]
client = create_app({"TESTING": True}).test_client()
response = client.post(f"/api/v1/daos/{slug}/treasury/deltas", headers={"Authorization": "Bearer " + mint_token(owner, "user", (), 60)},
                       json={"token_symbol": "JOB", "delta": "5", "reason": "broker down"})
print(json.dumps({"status": response.status_code, "body": response.get_json()}))
"""


@pytest.fixture
def requeue_at_once():
    with settings_from(JOB_REQUEUE_AFTER_SECONDS=0):
        yield


def test_a_job_whose_broker_is_down_is_recorded_answered_and_sent_by_the_requeue_sweep(stack, requeue_at_once):
    dao = make_dao()
    dead_broker = "redis://127.0.0.1:1/0"  # a privileged port nothing listens on: refused at once
    out = subprocess.run(
        [sys.executable, "-c", POST_WHILE_THE_BROKER_IS_DOWN, dao.slug, dao.owner_subject_id], cwd=ROOT,
        env=stack.env(REDIS_URL=dead_broker), capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout.splitlines()[-1])
    assert answer["status"] == 202 and answer["body"]["status"] == "queued"
    job_id = answer["body"]["id"]
    assert f"job {job_id} recorded but not sent" in out.stderr and "the requeue sweep sends it" in out.stderr
    time.sleep(0.5)
    assert load(job_id).status == "queued"  # nothing sent it

    assert jobs.requeue_stale() >= 1
    finished = wait_finished(job_id)
    assert (finished.status, finished.attempts, finished.result["balance"]) == ("succeeded", 1, "5.00000000")


def test_a_queued_job_is_stale_once_its_grace_passed_and_only_while_its_queue_is_empty():
    dao = make_dao()
    with transaction() as session:  # a row whose message never went out
        job = Job(kind="apply_treasury_delta", actor=dao.owner_subject_id, request=delta(dao))
        session.add(job)
    try:
        def stale(idle, grace):
            return job.id in {j.id for j in jobs.stale_jobs(idle, grace)}

        assert stale({"ledger"}, timedelta(0))
        assert not stale({"votes", "lifecycle", "events"}, timedelta(0))  # its message may wait in `ledger`
        assert not stale({"ledger"}, timedelta(hours=1))
    finally:
        with transaction() as session:
            session.execute(update(Job).where(Job.id == job.id).values(status="failed"))
