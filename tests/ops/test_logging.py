"""Structured logs (SPEC 9): every process writes one JSON object per line with ts, level, logger
and message, plus the request id (API) or the job and task ids (worker) where they apply."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from devstack import processes
from tests.conftest import auth, wait_job
from tests.stack import ROOT, Process

REQUIRED = {"ts", "level", "logger", "message"}


def json_lines(text: str) -> list[dict]:
    """Every non-empty line parsed as a JSON object; fails on the first line that is not one."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"line {number} is not JSON: {line!r}")
        assert isinstance(record, dict), line
        assert REQUIRED <= record.keys(), line
        assert record["ts"].endswith("Z"), line
        records.append(record)
    return records


def test_api_request_lines_carry_the_request_id_and_echo_it(live_api):
    incoming = f"req-{uuid.uuid4().hex[:8]}"
    response = live_api.get("/api/v1/jobs/not-a-job", "user:log-reader", headers={"X-Request-ID": incoming})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == incoming

    generated = live_api.get("/api/v1/jobs/not-a-job")  # no token: 401, still with an id
    assert generated.status_code == 401
    generated_id = generated.headers["X-Request-ID"]
    assert generated_id and generated_id != incoming

    for request_id in (incoming, generated_id):  # one writer thread writes the lines after the answers
        live_api.process.wait_for_log(request_id, timeout=10)
    records = json_lines(live_api.process.log())
    mine = [r for r in records if r.get("request_id") == incoming]
    assert mine and mine[-1]["logger"] == "api.request"
    assert (mine[-1]["method"], mine[-1]["path"], mine[-1]["status"]) == ("GET", "/api/v1/jobs/not-a-job", 404)
    assert mine[-1]["subject_id"] == "user:log-reader"
    assert any(r.get("request_id") == generated_id and r.get("status") == 401 for r in records)
    assert any(r["logger"].startswith("gunicorn") for r in records), "gunicorn's own lines are JSON too"
    assert not any(r["logger"] == "gunicorn.access" for r in records), "one line per request: the app's"


def test_a_hostile_request_id_is_replaced(live_api):
    response = live_api.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["X-Request-ID"] != "bad id\twith spaces"
    assert len(response.headers["X-Request-ID"]) == 32


def test_worker_lines_of_a_job_carry_job_and_task_id(client, worker, owned_dao):
    dao, owner = owned_dao
    posted = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", headers=auth(owner),
                         json={"token_symbol": "LOG", "delta": "-1", "reason": "refused: no funds"})
    assert posted.status_code == 202, posted.get_json()
    job = wait_job(client, posted.get_json(), owner)
    assert job["status"] == "failed"
    worker.wait_for_log(f"[{job['id']}] succeeded", timeout=10)  # Celery logs it after the commit

    records = json_lines(worker.log())
    of_job = [r for r in records if r.get("job_id") == job["id"]]
    assert of_job, "the task's lines name the job"
    assert all(r["task_id"] == job["id"] for r in of_job)
    assert any("insufficient_funds" in r["message"] for r in of_job)
    assert any(r["logger"] == "celery.app.trace" for r in of_job), "Celery's own task lines carry the ids too"
    assert any(r["message"] == "worker starting" for r in records), "the banner is logged as JSON"


def test_beat_logs_json_lines(stack, log_dir):
    data_dir = log_dir / f"beat-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir()
    beat = Process("beat", processes.beat_command(data_dir), stack.env(), log_dir).start()
    try:
        beat.wait_for_log("beat: Starting", timeout=60)
    finally:
        beat.stop()
    text = beat.log()
    # `celery beat` prints a plain-text banner before logging starts unless run with --quiet;
    # every line from the first log record on is JSON.
    start = text.index("{")
    records = json_lines(text[start:])
    assert any(r["message"].startswith("beat: Starting") for r in records)


def test_configure_logging_serves_any_process(stack):
    """The consumer (and any other process) calls configure_logging() once at start."""
    code = (
        "import logging; from infra.logging import configure_logging, job_id_var;"
        "configure_logging(); job_id_var.set('j-1');"
        "logging.getLogger('consumer').warning('hello %s', 'world', extra={'subject': 'dao.x.vote_cast'})"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=stack.env(), capture_output=True, text=True,
                         timeout=60)
    [record] = json_lines(out.stderr)
    assert record["level"] == "WARNING" and record["logger"] == "consumer"
    assert record["message"] == "hello world"
    assert (record["job_id"], record["subject"]) == ("j-1", "dao.x.vote_cast")
    assert "request_id" not in record
