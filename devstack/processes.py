"""The command lines of the application's processes, in one place.

Used by ``python -m devstack up``, by tests that run the real processes, and as the reference for
container/compose definitions. Every command runs from the repository root (alembic.ini, the
``api``/``worker``/``consumer`` packages) and reads its configuration from the environment
(``infra.config``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from infra.celery import QUEUES  # the Celery queues a worker consumes (SPEC 2)

__all__ = [
    "QUEUES",
    "SERVICE_NAMES",
    "migrate_command",
    "api_command",
    "worker_command",
    "beat_command",
    "consumer_command",
    "flower_command",
    "service_commands",
]

# Long-running processes, in start order.
SERVICE_NAMES = ("api", "worker", "beat", "consumer", "flower")

CELERY_APP = "worker.app:celery_app"


def _py(python: str | None) -> str:
    return python or sys.executable


def migrate_command(python: str | None = None) -> list[str]:
    """Bring the database schema to the latest revision (runs to completion)."""
    return [_py(python), "-m", "alembic", "upgrade", "head"]


def api_command(python: str | None = None) -> list[str]:
    """The HTTP API: gunicorn serving the Flask app factory (bind/workers in api/gunicorn_conf.py)."""
    return [_py(python), "-m", "gunicorn", "--config", "python:api.gunicorn_conf", "api.app:create_app()"]


def worker_command(python: str | None = None, queues: tuple[str, ...] | list[str] = QUEUES) -> list[str]:
    """A Celery worker consuming all governance queues."""
    return [
        _py(python), "-m", "celery", "-A", CELERY_APP, "worker",
        "-Q", ",".join(queues), "--loglevel", "INFO", "-n", "worker@%h",
    ]


def beat_command(data_dir: str | os.PathLike[str], python: str | None = None) -> list[str]:
    """Celery beat; its schedule state file lives in the data folder."""
    schedule = Path(data_dir) / "celerybeat-schedule"
    return [
        _py(python), "-m", "celery", "--quiet", "-A", CELERY_APP, "beat",
        "--loglevel", "INFO", "--schedule", str(schedule),
    ]


def consumer_command(python: str | None = None) -> list[str]:
    """The NATS durable consumer (vote_cast -> reward task)."""
    return [_py(python), "-m", "consumer"]


def flower_command(port: int, basic_auth: str | None = None, python: str | None = None) -> list[str]:
    """Flower on ``port``, with HTTP basic auth (``user:password[,user2:password2]``) when given."""
    cmd = [_py(python), "-m", "celery", "-A", CELERY_APP, "flower", f"--port={int(port)}"]
    if basic_auth:
        cmd.append(f"--basic_auth={basic_auth}")
    return cmd


def service_commands(
    data_dir: str | os.PathLike[str],
    flower_port: int,
    flower_basic_auth: str | None = None,
    python: str | None = None,
) -> dict[str, list[str]]:
    """All long-running processes, name -> argv, in start order (see SERVICE_NAMES)."""
    return {
        "api": api_command(python),
        "worker": worker_command(python),
        "beat": beat_command(data_dir, python),
        "consumer": consumer_command(python),
        "flower": flower_command(flower_port, flower_basic_auth, python),
    }
