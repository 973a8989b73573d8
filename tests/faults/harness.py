"""A private full stack for the fault suite, and the checks every fault case ends with.

The fault cases stop, kill and pause servers and processes, so they never touch the servers of
the session (tests/conftest.py): `FaultStack` runs its own embedded Postgres, Redis (nothing on
disk, like a broker restarted from scratch) and NATS, migrated, and its own gunicorn API, Celery
worker, beat and reward consumer, started with the project's commands. Timings are shortened
through the settings (infra/config.py) so that a case takes seconds, not minutes.

The test process reads the private database through its own engine: infra.db is bound to the
session's database.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session

from devstack import processes
from devstack.servers import EmbeddedNats, EmbeddedPostgres, EmbeddedRedis, find_free_port
from models import Dao, DaoMember, Event, Job, TimeCreditTransaction
from tests.conftest import auth, unique
from tests.stack import Process, Stack, migrate, start_beat, start_worker

# Short timings: beat sweeps every second, lost jobs are sent again after 3 s, lost rewards after 15 s
# (less would re-send the rewards of the 1000-vote case while the worker still pays them).
FAULT_SETTINGS = {
    "SCHEDULER_INTERVAL_SECONDS": "1", "JOB_REQUEUE_AFTER_SECONDS": "3", "REWARD_RECONCILE_AFTER_SECONDS": "15",
    "LOG_LEVEL": "INFO",
}
FINISHED = ("succeeded", "failed")


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll `condition()` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(interval)


@dataclass
class FaultStack(Stack):
    log_dir: Path | None = None
    api_port: int = 0
    api: Process | None = None
    workers: list[Process] = field(default_factory=list)
    beats: list[Process] = field(default_factory=list)
    consumer: Process | None = None
    engine: object = None
    _local: threading.local = field(default_factory=threading.local)

    # -- servers and processes

    @property
    def pg(self) -> EmbeddedPostgres:
        return self.servers["postgres"]

    @property
    def redis(self) -> EmbeddedRedis:
        return self.servers["redis"]

    @property
    def nats(self) -> EmbeddedNats:
        return self.servers["nats"]

    def env(self, **extra) -> dict:
        return super().env(**{**FAULT_SETTINGS, "API_PORT": self.api_port, **extra})

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start_api(self) -> None:
        self.api = Process("api", processes.api_command(), self.env(), self.log_dir).start()
        wait_until(self._api_answers, 60, "the API to answer")

    def _api_answers(self) -> bool:
        if self.api.proc.poll() is not None:
            raise RuntimeError(f"the API exited {self.api.proc.returncode}:\n{self.api.log()[-4000:]}")
        try:
            return requests.get(f"{self.api_url}/healthz", timeout=2).status_code in (200, 503)
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or slow on a loaded machine
            return False

    def start_worker(self) -> Process:
        worker = start_worker(self, self.log_dir)
        self.workers.append(worker)
        return worker

    def start_beat(self) -> Process:
        beat = start_beat(self, self.log_dir, interval=int(FAULT_SETTINGS["SCHEDULER_INTERVAL_SECONDS"]))
        self.beats.append(beat)
        return beat

    def start_consumer(self) -> None:
        self.consumer = Process("consumer", processes.consumer_command(), self.env(), self.log_dir).start()
        self.consumer.wait_for_log("consumer ready", timeout=60)

    def kill_workers(self) -> None:
        """kill -9 every worker process (main process and pool children)."""
        for worker in self.workers:
            worker.signal(signal.SIGKILL)
            worker.proc.wait(10)
        self.workers.clear()

    def pause_workers(self, paused: bool) -> None:
        for worker in self.workers:
            worker.signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def heal(self) -> None:
        """Bring the stack back to its normal shape after a case: every server up, processes
        resumed, one worker, one beat, the consumer and the API alive."""
        for server in self.servers.values():
            if not server.running:
                server.start()
        self.pause_workers(False)
        self.workers = [w for w in self.workers if w.proc.poll() is None]
        for extra in self.workers[1:]:
            extra.stop()
        del self.workers[1:]
        if not self.workers:
            self.start_worker()
        for extra in self.beats[1:]:
            extra.stop()
        del self.beats[1:]
        if not self.beats or self.beats[0].proc.poll() is not None:
            self.beats = []
            self.start_beat()
        if self.consumer is None or self.consumer.proc.poll() is not None:
            self.start_consumer()
        if self.api is None or self.api.proc.poll() is not None:
            self.start_api()
        self.engine.dispose()

    def stop_all(self) -> None:
        for process in [self.api, self.consumer, *self.beats, *self.workers]:
            if process is not None:
                process.signal(signal.SIGCONT)
                process.stop()
        self.engine.dispose()
        for server in reversed(list(self.servers.values())):
            server.stop()

    # -- HTTP

    def http(self) -> requests.Session:
        """One requests session per thread (the cases submit from thread pools)."""
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def post(self, path: str, subject: str, body: dict | None = None, **headers) -> requests.Response:
        return self.http().post(self.api_url + path, json=body, headers=auth(subject, **headers), timeout=30)

    def get(self, path: str, subject: str, **headers) -> requests.Response:
        return self.http().get(self.api_url + path, headers=auth(subject, **headers), timeout=30)

    # -- database

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def scalar(self, stmt):
        with self.session() as session:
            return session.scalar(stmt)

    def all(self, stmt) -> list:
        with self.session() as session:
            return list(session.execute(stmt).all())

    # -- building blocks of the cases

    def make_dao(self, owner: str | None = None, **fields) -> tuple[str, str]:
        """A DAO created over HTTP; returns (slug, owner)."""
        owner = owner or unique("user:owner")
        slug = unique("fault")
        response = self.post("/api/v1/daos", owner, {"slug": slug, "name": slug, **fields})
        assert response.status_code == 201, response.text
        return slug, owner

    def add_members(self, slug: str, count: int, prefix: str = "user:voter") -> list[str]:
        """`count` active members with power 1, inserted in one statement (adding a thousand
        members over HTTP would take longer than the case itself)."""
        subjects = [unique(prefix) for _ in range(count)]
        with self.session() as session, session.begin():
            dao_id = session.scalar(select(Dao.id).where(Dao.slug == slug))
            session.execute(insert(DaoMember), [
                {"dao_id": dao_id, "subject_id": s, "subject_type": "user", "role": "member",
                 "status": "active", "voting_power": Decimal(1)} for s in subjects
            ])
        return subjects

    def dao_id(self, slug: str):
        return self.scalar(select(Dao.id).where(Dao.slug == slug))

    def active_proposal(self, slug: str, owner: str, **fields) -> dict:
        """A proposal created and activated over HTTP (waiting for the activation job)."""
        fields.setdefault("title", unique("Fault proposal"))
        created = self.post(f"/api/v1/daos/{slug}/proposals", owner, fields)
        assert created.status_code == 201, created.text
        proposal = created.json()
        activated = self.post(f"/api/v1/daos/{slug}/proposals/{proposal['slug']}/activate", owner, Prefer="wait=30")
        assert activated.status_code == 200 and activated.json()["status"] == "succeeded", activated.text
        return proposal

    def voting(self, members: int, dao_fields: dict | None = None, **proposal_fields) -> tuple[str, str, list, dict]:
        """A DAO with `members` voters and an active proposal: (slug, owner, voters, proposal)."""
        slug, owner = self.make_dao(**(dao_fields or {}))
        voters = self.add_members(slug, members)
        return slug, owner, voters, self.active_proposal(slug, owner, **proposal_fields)

    def wait_jobs_finished(self, job_ids, timeout: float) -> dict:
        """Wait until every job in `job_ids` finished; returns id -> status."""
        ids = [uuid.UUID(str(i)) for i in job_ids]

        def finished():
            rows = dict(self.all(select(Job.id, Job.status).where(Job.id.in_(ids))))
            return rows if all(rows.get(i) in FINISHED for i in ids) else None

        try:
            return wait_until(finished, timeout, f"{len(ids)} jobs to finish", interval=0.5)
        except AssertionError:
            rows = self.all(select(Job.kind, Job.status, Job.attempts, func.count())
                            .where(Job.id.in_(ids)).group_by(Job.kind, Job.status, Job.attempts))
            raise AssertionError(f"jobs not finished in {timeout}s: (kind, status, attempts, count) {rows}") from None

    def wait_published(self, dao_id, timeout: float = 30) -> None:
        unpublished = select(func.count()).select_from(Event).where(Event.dao_id == dao_id, Event.published_at.is_(None))
        wait_until(lambda: self.scalar(unpublished) == 0, timeout, "the outbox of the DAO to be published")

    def wait_rewards(self, proposal_id: str, voters: int, timeout: float = 60) -> None:
        def paid():
            return self.scalar(
                select(func.count()).select_from(TimeCreditTransaction).where(
                    TimeCreditTransaction.tx_type == "governance_reward",
                    TimeCreditTransaction.reference_id == str(proposal_id),
                )
            ) >= voters

        wait_until(paid, timeout, f"{voters} rewards of proposal {proposal_id}", interval=0.5)


def start_fault_stack(base: Path, log_dir: Path) -> FaultStack:
    servers = {
        "postgres": EmbeddedPostgres(base / "postgres", dbname="governance").start(),
        "redis": EmbeddedRedis(base / "redis", persistent=False).start(),
        "nats": EmbeddedNats(base / "nats").start(),
    }
    stack = FaultStack(
        base=base, database_url=servers["postgres"].url, redis_url=servers["redis"].url,
        nats_url=servers["nats"].url, servers=servers, log_dir=log_dir, api_port=find_free_port(),
    )
    stack.engine = create_engine(
        stack.database_url.replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True
    )
    migrate(stack)
    stack.start_api()
    stack.start_worker()
    stack.start_beat()
    stack.start_consumer()
    return stack
