"""The servers and processes a test session runs against: real Postgres, Redis and NATS
(private embedded instances, or the servers named by TEST_DATABASE_URL / TEST_REDIS_URL /
TEST_NATS_URL), and real Celery worker and beat processes started from the project's commands."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from devstack.nats_server import EmbeddedNats
from devstack.postgres import EmbeddedPostgres
from devstack.processes import QUEUES, beat_command, worker_command
from devstack.redis_server import EmbeddedRedis

ROOT = Path(__file__).resolve().parent.parent
TEST_JWT_SECRET = "test-secret-0123456789-abcdefghijklmnop"


@dataclass
class Stack:
    base: Path
    database_url: str = ""
    redis_url: str = ""
    nats_url: str = ""
    servers: dict = field(default_factory=dict)
    admin_url: str = ""
    dbname: str = ""

    def env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, NATS_URL=self.nats_url,
            JWT_SECRET=TEST_JWT_SECRET, PYTHONPATH=str(ROOT), GOV_DATA_DIR=str(self.base),
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env


def _with_db(url: str, dbname: str) -> str:
    """The server URL `url` pointing at database `dbname` (keeps ?host= for sockets)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=dbname).render_as_string(hide_password=False)


def start_stack(base: Path) -> Stack:
    stack = Stack(base=base)
    if os.environ.get("TEST_DATABASE_URL"):
        stack.admin_url = os.environ["TEST_DATABASE_URL"]
    else:
        pg = stack.servers["postgres"] = EmbeddedPostgres(base / "postgres", dbname="postgres").start()
        stack.admin_url = pg.admin_url
    stack.dbname = f"gov_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(stack.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{stack.dbname}"')
    stack.database_url = _with_db(stack.admin_url, stack.dbname)
    if os.environ.get("TEST_REDIS_URL"):
        stack.redis_url = os.environ["TEST_REDIS_URL"]
    else:
        stack.servers["redis"] = EmbeddedRedis(base / "redis", persistent=False).start()
        stack.redis_url = stack.servers["redis"].url
    if os.environ.get("TEST_NATS_URL"):
        stack.nats_url = os.environ["TEST_NATS_URL"]
    else:
        stack.servers["nats"] = EmbeddedNats(base / "nats").start()
        stack.nats_url = stack.servers["nats"].url
    return stack


def stop_stack(stack: Stack) -> None:
    from infra.db import reset_engine

    reset_engine()
    try:
        with psycopg.connect(stack.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{stack.dbname}" WITH (FORCE)')
    except psycopg.Error:
        pass
    for server in reversed(list(stack.servers.values())):
        server.stop()
    shutil.rmtree(stack.base, ignore_errors=True)


def migrate(stack: Stack) -> None:
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=stack.env(), check=True,
        stdout=subprocess.DEVNULL,
    )


class Process:
    """A project process (worker, beat, consumer, API) run as a child, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = log_dir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.proc.returncode}:\n{self.log()[-4000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} did not log {needle!r} in {timeout}s:\n{self.log()[-4000:]}")

    def signal(self, sig: int) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)

    def stop(self, timeout: float = 15) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.proc.wait(5)
        self._log.close()


def start_worker(stack: Stack, log_dir: Path, concurrency: int = 2, queues: str = ",".join(QUEUES), **env) -> Process:
    """The project's worker command, with a unique node name and the given pool size."""
    command = worker_command(queues=queues.split(",")) + [
        "-c", str(concurrency), "--without-gossip", "--without-mingle", "-n", f"test-{uuid.uuid4().hex[:6]}@%h",
    ]
    worker = Process("worker", command, stack.env(**env), log_dir).start()
    worker.wait_for_log("ready", timeout=60)
    return worker


def start_beat(stack: Stack, log_dir: Path, interval: int = 1) -> Process:
    """The project's beat command, with its own schedule file."""
    schedule_dir = log_dir / f"beat-{uuid.uuid4().hex[:6]}"
    schedule_dir.mkdir()
    beat = Process("beat", beat_command(schedule_dir), stack.env(SCHEDULER_INTERVAL_SECONDS=interval), log_dir).start()
    beat.wait_for_log("beat: Starting", timeout=60)
    return beat
