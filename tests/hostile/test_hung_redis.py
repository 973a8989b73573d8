"""A Redis that hangs (issue 11, item 9): a real redis-server, stopped with SIGSTOP, so that it
still accepts connections (the kernel does) but never answers. Every Redis call on a request
path gives up after REDIS_TIMEOUT_SECONDS: a write whose send fails is still recorded and
answers 202 (the job row; the requeue sweep sends it), a synchronous write answers as usual (the
bridge nudge fails, the beat sweep publishes), the rate limiter fails open, /healthz says 503.

The API is a real gunicorn process whose REDIS_URL is the private Redis; the test process, its
worker and its sweeps keep the session's Redis."""

from __future__ import annotations

import signal
import tempfile
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from devstack.redis_server import EmbeddedRedis
from infra.db import transaction
from models import Job
from services.jobs import stale_jobs, requeue_stale
from tests.conftest import auth, settings_from, unique, wait_job
from tests.factories import make_dao
from tests.ops.conftest import start_api

# Each call gives up after REDIS_TIMEOUT_SECONDS (1 s): the rate limiter's, the send (tried twice)
# and the bridge nudge's. A request waits a few seconds at most, well below this bound.
BOUND_SECONDS = 8


@pytest.fixture(scope="module")
def hung(stack, log_dir):
    """(the API, the private Redis), the Redis stopped (SIGSTOP) for the test and resumed after."""
    redis_server = EmbeddedRedis(tempfile.mkdtemp(prefix="gov-hung-redis-"), persistent=False).start()
    api = start_api(stack, log_dir, REDIS_URL=redis_server.url, RATE_LIMIT_PER_MINUTE=600)
    try:
        yield api, redis_server
    finally:
        api.process.stop()
        redis_server.stop()


@pytest.fixture
def stopped(hung):
    api, redis_server = hung
    assert requests.get(f"{api.url}/healthz", timeout=10).json()["redis"] == "ok"
    redis_server._proc.send_signal(signal.SIGSTOP)
    try:
        yield api
    finally:
        redis_server._proc.send_signal(signal.SIGCONT)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("attempt", range(3))
def test_an_asynchronous_write_is_recorded_and_answers_202(stopped, attempt):
    dao = make_dao()
    body = {"token_symbol": "GOV", "delta": "1", "reason": f"hung redis {attempt}"}
    response, took = timed(lambda: requests.post(
        f"{stopped.url}/api/v1/daos/{dao.slug}/treasury/deltas", json=body,
        headers=auth(dao.owner_subject_id), timeout=BOUND_SECONDS * 3))
    assert response.status_code == 202, response.text[:300]
    assert took < BOUND_SECONDS, f"the write waited {took:.1f}s on the hung Redis"
    with transaction() as session:
        job = session.scalar(select(Job).where(Job.id == response.json()["id"]))
    assert job.status == "queued" and job.request["reason"] == body["reason"]


def test_a_synchronous_write_answers_as_usual_with_the_limiter_open(stopped):
    owner = unique("user:owner")
    for _ in range(2):
        response, took = timed(lambda: requests.post(
            f"{stopped.url}/api/v1/daos", json={"slug": unique("hung"), "name": "made while redis hangs"},
            headers=auth(owner), timeout=BOUND_SECONDS * 3))
        assert response.status_code == 201, response.text[:300]
        assert took < BOUND_SECONDS, f"the write waited {took:.1f}s on the hung Redis"


def test_healthz_says_redis_is_down_quickly(stopped):
    response, took = timed(lambda: requests.get(f"{stopped.url}/healthz", timeout=BOUND_SECONDS * 3))
    assert response.status_code == 503 and response.json()["redis"].startswith("error: "), response.text
    assert took < BOUND_SECONDS


def test_the_requeue_sweep_sends_a_job_recorded_while_redis_hung(client, worker, stopped):
    dao = make_dao()
    response = requests.post(f"{stopped.url}/api/v1/daos/{dao.slug}/treasury/deltas",
                             json={"token_symbol": "GOV", "delta": "2", "reason": "swept"},
                             headers=auth(dao.owner_subject_id), timeout=BOUND_SECONDS * 3)
    assert response.status_code == 202, response.text[:300]
    job = response.json()
    # The sweep of the test process (the session's Redis and worker), the grace cut to nothing.
    with settings_from(JOB_REQUEUE_AFTER_SECONDS=0):
        assert job["id"] in {str(j.id) for j in stale_jobs({"ledger"}, grace=timedelta(0))}
        requeue_stale()
    assert wait_job(client, job, dao.owner_subject_id)["status"] == "succeeded"
