"""Flower (SPEC 9, issue 5): started with the project's command against the same broker, behind
basic auth from the environment; governance tasks carry readable names and no secrets."""

from __future__ import annotations

import time

import pytest
import requests

from devstack import processes
from devstack.osutil import find_free_port
from tests.stack import Process
from worker.app import TASK_MODULES, celery_app

CREDENTIALS = ("ops", "s3cret-flower")


def wait_until_up(process: Process, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.proc.poll() is None, process.log()[-3000:]
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError(process.log()[-3000:])


@pytest.mark.parametrize("how", ["environment", "flag"])
def test_flower_requires_the_configured_basic_auth(stack, log_dir, how):
    """`environment`: docker-compose.yml passes FLOWER_BASIC_AUTH; `flag`: devstack passes it."""
    port = find_free_port()
    secret = ":".join(CREDENTIALS)
    if how == "environment":
        command, env = processes.flower_command(port), stack.env(FLOWER_BASIC_AUTH=secret)
    else:
        command, env = processes.flower_command(port, secret), stack.env()
    flower = Process("flower", command, env, log_dir).start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(flower, base + "/healthcheck")
        assert requests.get(base + "/healthcheck", timeout=5).text == "OK"  # the compose health check
        assert requests.get(base + "/workers", timeout=5).status_code == 401
        assert requests.get(base + "/workers", auth=("ops", "wrong"), timeout=5).status_code == 401
        assert requests.get(base + "/workers", auth=CREDENTIALS, timeout=5).status_code == 200
    finally:
        flower.stop()


def test_governance_tasks_have_readable_names_and_job_tasks_take_only_the_job_id():
    import importlib
    import inspect

    for module in TASK_MODULES:
        importlib.import_module(module)
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        assert name.startswith("governance.") and name.removeprefix("governance.").isidentifier(), name
        if task.job:  # a job task: its payload stays in Postgres
            assert list(inspect.signature(task.run).parameters) == ["job_id"], name
