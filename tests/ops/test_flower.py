"""Flower (SPEC 9, issue 5): started with the project's command against the same broker, behind
basic auth from the environment; governance tasks carry readable names and no secrets."""

from __future__ import annotations

import time

import pytest
import requests

from devstack import processes
from devstack.osutil import find_free_port
from tests.proposals.helpers import act, create, dao_with_members, vote
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
        # The REST API (docs/operations.md): the same basic auth.
        assert requests.get(base + "/api/tasks", timeout=5).status_code == 401
        assert requests.get(base + "/api/tasks", auth=("ops", "wrong"), timeout=5).status_code == 401
        api = requests.get(base + "/api/tasks", auth=CREDENTIALS, timeout=5)
        assert api.status_code == 200 and isinstance(api.json(), dict)
    finally:
        flower.stop()


@pytest.mark.parametrize("unauthenticated_api", [False, True])
def test_without_basic_auth_the_rest_api_needs_flower_unauthenticated_api(stack, log_dir, unauthenticated_api):
    """What flower 2.2.0 does (docs/operations.md): without any auth its REST API answers 401
    unless FLOWER_UNAUTHENTICATED_API=true opens it to anyone."""
    port = find_free_port()
    env = stack.env(**({"FLOWER_UNAUTHENTICATED_API": "true"} if unauthenticated_api else {}))
    env.pop("FLOWER_BASIC_AUTH", None)
    if not unauthenticated_api:
        env.pop("FLOWER_UNAUTHENTICATED_API", None)
    flower = Process("flower", processes.flower_command(port), env, log_dir).start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(flower, base + "/healthcheck")
        api = requests.get(base + "/api/tasks", timeout=5)
        if unauthenticated_api:
            assert api.status_code == 200 and isinstance(api.json(), dict)
        else:
            assert api.status_code == 401 and "FLOWER_UNAUTHENTICATED_API" in api.text
    finally:
        flower.stop()


def test_an_operator_finds_a_votes_drain_in_flower_by_its_job_id(client, worker, stack, log_dir):
    """Votes have no task of their own (issue 14): the drain that recorded a vote lists its job id
    in its result, which Flower's search finds (docs/operations.md)."""
    port = find_free_port()
    flower = Process("flower", processes.flower_command(port, ":".join(CREDENTIALS)), stack.env(), log_dir).start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(flower, base + "/healthcheck")
        workers = lambda: requests.get(base + "/api/workers", params={"refresh": 1}, auth=CREDENTIALS, timeout=10).json()
        deadline = time.monotonic() + 20
        while not workers() and time.monotonic() < deadline:  # Flower hears the worker: its events too
            time.sleep(0.2)
        dao, owner, members = dao_with_members({"a": "1"})
        proposal = create(client, dao, owner)
        act(client, dao, proposal["slug"], "activate", owner)
        job = vote(client, dao, proposal["slug"], members["a"], "yes")
        assert job["status"] == "succeeded", job
        search = {"taskname": "governance.drain_votes", "search": f"result:{job['id']}"}
        deadline, found = time.monotonic() + 20, {}
        while not found and time.monotonic() < deadline:
            found = requests.get(base + "/api/tasks", params=search, auth=CREDENTIALS, timeout=5).json()
            time.sleep(0.2)
        assert len(found) == 1, found
        (drain,) = found.values()
        assert drain["state"] == "SUCCESS" and job["id"] in drain["result"] and "'votes': 1" in drain["result"]
        assert proposal["id"] in drain["args"]
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
