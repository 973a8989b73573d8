"""Fixtures of the operations tests: a real gunicorn API process started with the project's own
command (devstack/processes.py), and a DAO owned by a unique subject."""

from __future__ import annotations

import time

import pytest
import requests

from devstack import processes
from devstack.osutil import find_free_port
from tests.conftest import auth, unique
from tests.stack import Process


class LiveApi:
    def __init__(self, process: Process, port: int):
        self.process, self.port = process, port
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, subject: str | None = None, **kwargs):
        headers = {**(auth(subject) if subject else {}), **kwargs.pop("headers", {})}
        return requests.get(self.url + path, headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def post(self, path: str, subject: str, json: dict, **headers):
        return requests.post(self.url + path, json=json, headers={**auth(subject), **headers}, timeout=30)


def start_api(stack, log_dir, **env) -> LiveApi:
    port = find_free_port()
    process = Process("api", processes.api_command(), stack.env(API_PORT=port, **env), log_dir).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError(f"the API exited {process.proc.returncode}:\n{process.log()[-4000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503):
                return LiveApi(process, port)
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a loaded machine
            pass
        time.sleep(0.2)
    process.stop()
    raise TimeoutError(f"the API did not answer in 60s:\n{process.log()[-4000:]}")


@pytest.fixture(scope="session")
def live_api(stack, log_dir):
    # The write limit per subject is tested where it is built; the fuzz run here sends more.
    api = start_api(stack, log_dir, RATE_LIMIT_PER_MINUTE=0)
    yield api
    api.process.stop()


def wait_published(dao, timeout: float = 20) -> None:
    """Wait until the bridge published every event of the DAO so far (a stream opened then sees
    only what happens next)."""
    from sqlalchemy import func, select

    from models import Event
    from infra.db import transaction

    deadline = time.monotonic() + timeout
    while True:
        with transaction() as session:
            pending = session.scalar(
                select(func.count()).where(Event.dao_id == dao.id, Event.published_at.is_(None))
            )
        if not pending:
            return
        assert time.monotonic() < deadline, f"{pending} events of {dao.slug} still unpublished"
        time.sleep(0.05)


@pytest.fixture
def owned_dao(worker):
    """(dao, owner subject) of a new private DAO whose creation events are already published."""
    from tests.factories import make_dao

    owner = unique("user:owner")
    dao = make_dao(owner=owner)
    wait_published(dao)
    return dao, owner
