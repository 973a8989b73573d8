"""Fixtures shared by the whole suite.

The servers start once per session, in `pytest_configure`, before any test module imports the
application: the Celery app and the settings read their URLs at import time."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import stack as stack_module

_STACK: stack_module.Stack | None = None


# Test folders that need no servers: the pure rules, and the offline verifier.
_SERVERLESS = ("rules", "verify")


def _needs_stack(config) -> bool:
    """Pure rule and verifier tests run without servers; anything else gets the stack."""
    args = [a for a in config.args if not a.startswith("-")]
    return not args or any(
        not set(_SERVERLESS) & set(Path(a.split("::")[0]).parts) for a in args
    )


def pytest_configure(config):
    global _STACK
    config.addinivalue_line("markers", "faults: fault-injection tests that break servers on purpose")
    if not _needs_stack(config) or _STACK is not None:
        return
    base = Path(tempfile.mkdtemp(prefix="gov-test-"))
    _STACK = stack_module.start_stack(base)
    os.environ.update(
        DATABASE_URL=_STACK.database_url, REDIS_URL=_STACK.redis_url, NATS_URL=_STACK.nats_url,
        JWT_SECRET=stack_module.TEST_JWT_SECRET, GOV_DATA_DIR=str(base),
    )
    stack_module.migrate(_STACK)


def pytest_unconfigure(config):
    if _STACK is not None:
        stack_module.stop_stack(_STACK)


@pytest.fixture(scope="session")
def stack() -> stack_module.Stack:
    if _STACK is None:
        pytest.skip("the servers were not started for this run")
    return _STACK


@pytest.fixture(scope="session")
def log_dir(stack) -> Path:
    path = stack.base / "logs"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def worker(stack, log_dir):
    """A real Celery worker consuming every queue, for the whole session."""
    process = stack_module.start_worker(stack, log_dir)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def app(stack):
    from api.app import create_app

    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def token(subject: str, roles=(), subject_type: str = "user", ttl: int = 3600) -> str:
    from api.auth import mint_token

    return mint_token(subject, subject_type, roles, ttl)


def auth(subject: str, roles=(), subject_type: str = "user", **headers) -> dict:
    return {"Authorization": f"Bearer {token(subject, roles, subject_type)}", **headers}


@contextmanager
def settings_from(**values):
    """The settings read again with these environment variables set, and restored afterwards."""
    from infra.config import reset_settings

    saved = {name: os.environ.get(name) for name in values}
    os.environ.update({name: str(value) for name, value in values.items()})
    reset_settings()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()


def unique(prefix: str = "t") -> str:
    """A name no earlier run used: tests never depend on leftover state."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait_job(client, job: dict, subject: str, timeout: float = 30) -> dict:
    """Poll GET /api/v1/jobs/<id> until the job finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/api/v1/jobs/{job['id']}", headers=auth(subject))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.05)
    raise TimeoutError(f"job {job['id']} did not finish in {timeout}s")
