"""The harness every benchmark runs in: private servers, a migrated database, the real processes.

    with bench_stack("votes") as bench:       # Postgres/Redis/NATS in a temp dir, migrated
        worker = bench.worker(include=["bench.noop_tasks"])
        api_url = bench.api()
        ...                                     # everything is stopped and removed on exit

The servers and the migration come from the test suite's helpers (tests/stack.py); the process
command lines from devstack/processes.py, so the benchmarks measure what `make up` runs. The
bench process's own environment points at the private stack, so application modules imported
after `bench_stack()` entered (infra.db, services, worker.app) talk to it too.
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import psycopg
import requests

from devstack import processes
from devstack.osutil import find_free_port
from tests import stack as test_stack

ROOT = test_stack.ROOT


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()} {os.cpu_count()} cores, {psutil.virtual_memory().total // 2**30} GiB, "
            f"Python {platform.python_version()}, load average {load}")


class Bench:
    def __init__(self, stack: test_stack.Stack):
        self.stack = stack
        self.log_dir = stack.base / "logs"
        self.log_dir.mkdir(exist_ok=True)
        self.processes: list[test_stack.Process] = []

    # --- processes -------------------------------------------------------------------------------

    def _start(self, name: str, command: list[str], **env) -> test_stack.Process:
        process = test_stack.Process(name, command, self.stack.env(**env), self.log_dir).start()
        self.processes.append(process)
        return process

    def worker(self, queues=processes.QUEUES, include: tuple[str, ...] = (), concurrency: int | None = None,
               **env) -> test_stack.Process:
        """A worker started from devstack.processes.worker_command (default concurrency: one
        child per core), with a unique node name and the extra task modules `include`."""
        command = processes.worker_command(sys.executable, queues)
        command[command.index("-n") + 1] = f"bench-{uuid.uuid4().hex[:6]}@%h"
        if concurrency:
            command += ["-c", str(concurrency)]
        for module in include:
            command += ["--include", module]
        worker = self._start("worker", command, **env)
        worker.wait_for_log("ready", timeout=60)
        return worker

    def beat(self, interval: int) -> test_stack.Process:
        data_dir = self.log_dir / f"beat-{uuid.uuid4().hex[:6]}"
        data_dir.mkdir()
        beat = self._start(
            "beat", processes.beat_command(data_dir, sys.executable),
            SCHEDULER_INTERVAL_SECONDS=interval,
        )
        beat.wait_for_log("beat: Starting", timeout=60)
        return beat

    def api(self, app: str | None = None, name: str = "api", **env) -> str:
        """The API under gunicorn (api/gunicorn_conf.py) on a free port; returns its base URL.
        `app` replaces the application (a gunicorn app spec) under the same settings."""
        port = find_free_port()
        command = processes.api_command(sys.executable)
        if app:
            command[-1] = app
        api = self._start(name, command, API_HOST="127.0.0.1", API_PORT=port, **env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return url
            if api.proc.poll() is not None:
                raise RuntimeError(f"the API exited:\n{api.log()[-4000:]}")
            time.sleep(0.2)
        raise TimeoutError(f"the API did not answer /healthz:\n{api.log()[-4000:]}")

    def consume(self, worker: test_stack.Process, on: bool, queues=processes.QUEUES) -> None:
        """Make `worker` consume `queues` again, or stop consuming them (Celery remote control:
        its messages wait in the broker meanwhile)."""
        from worker.app import celery_app

        node = worker.command[worker.command.index("-n") + 1].replace("%h", socket.gethostname())
        change = celery_app.control.add_consumer if on else celery_app.control.cancel_consumer
        for queue in queues:
            if not change(queue, destination=[node], reply=True, timeout=5):
                raise RuntimeError(f"worker {node} did not answer the consumer change of {queue}")

    def stop(self, process: test_stack.Process) -> None:
        process.stop()
        self.processes.remove(process)

    def check_alive(self) -> None:
        for process in self.processes:
            if process.proc.poll() is not None:
                raise RuntimeError(f"{process.name} exited {process.proc.returncode}:\n{process.log()[-4000:]}")

    def wait_until(self, predicate: Callable[[], bool], timeout: float, poll: float = 0.02, what: str = "") -> float:
        """wait_until(), failing at once if one of the processes died."""

        def done() -> bool:
            self.check_alive()
            return predicate()

        return wait_until(done, timeout, poll, what)

    def process_groups(self) -> dict[str, int]:
        """name -> root pid of every process of the run, for CpuMeter and RSS readings."""
        groups = {name: server.pid for name, server in self.stack.servers.items() if server.pid}
        for process in self.processes:
            groups[f"{process.name}-{process.proc.pid}" if process.name in groups else process.name] = process.proc.pid
        return groups

    # --- database --------------------------------------------------------------------------------

    def connect(self) -> psycopg.Connection:
        """A plain autocommit connection for bulk SQL and polling (no ORM in the way)."""
        return psycopg.connect(self.stack.database_url, autocommit=True)


@contextlib.contextmanager
def bench_stack(name: str) -> Iterator[Bench]:
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so that everything below is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"bench/{name}.py starting on {machine()}", flush=True)
    base = Path(tempfile.mkdtemp(prefix=f"gov-bench-{name}-"))
    stack = test_stack.start_stack(base)
    bench = Bench(stack)
    try:
        os.environ.update(
            DATABASE_URL=stack.database_url, REDIS_URL=stack.redis_url, NATS_URL=stack.nats_url,
            JWT_SECRET=test_stack.TEST_JWT_SECRET, GOV_DATA_DIR=str(base),
        )
        from infra.config import reset_settings

        reset_settings()
        test_stack.migrate(stack)
        yield bench
    finally:
        for process in reversed(bench.processes):
            process.stop()
        test_stack.stop_stack(stack)


# --- measuring ---------------------------------------------------------------------------------


def wait_until(predicate: Callable[[], bool], timeout: float, poll: float = 0.02, what: str = "") -> float:
    """Poll `predicate` until true; return the monotonic time it was first seen true."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(poll)


def tree_rss(pid: int) -> dict[int, int]:
    """Resident set size (bytes, from /proc via psutil) of a process and each of its descendants."""
    root = psutil.Process(pid)
    out = {}
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            out[proc.pid] = proc.memory_info().rss
    return out


def tree_cpu(pid: int, *, children: bool = True) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)] if children else [root]
    except psutil.NoSuchProcess:
        return 0.0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def wait_idle(pid: int, timeout: float = 300, window: float = 0.5, cores: float = 0.05) -> float:
    """Wait until a process group uses less than `cores` CPU over `window` seconds (its work is
    done, whatever it consists of); return the monotonic time that quiet window began."""
    deadline = time.monotonic() + timeout
    t0, before = time.monotonic(), tree_cpu(pid)
    while True:
        time.sleep(window)
        t1, after = time.monotonic(), tree_cpu(pid)
        if (after - before) / (t1 - t0) < cores:
            return t0
        if t1 > deadline:
            raise TimeoutError(f"process {pid} still busy after {timeout}s")
        t0, before = t1, after


class CpuMeter:
    """CPU seconds each process group spent between `start()` and `stop()` (the bench process
    itself counted alone, not its children)."""

    def __init__(self, groups: dict[str, int]):
        self.groups = {**groups, "bench (clients)": os.getpid()}

    def _read(self) -> dict[str, float]:
        me = os.getpid()
        return {name: tree_cpu(pid, children=pid != me) for name, pid in self.groups.items()}

    def start(self) -> CpuMeter:
        self.t0, self.before = time.monotonic(), self._read()
        return self

    def stop(self) -> dict[str, float]:
        after = self._read()
        self.elapsed = time.monotonic() - self.t0
        return {name: after[name] - self.before[name] for name in self.groups}

    @staticmethod
    def describe(used: dict[str, float], elapsed: float, per: int, unit: str) -> str:
        """'api 1.20 cores (5.1 ms/vote), worker ...' for the busiest groups."""
        parts = [
            f"{name} {seconds / elapsed:.2f} cores ({seconds * 1000 / per:.1f} ms/{unit})"
            for name, seconds in sorted(used.items(), key=lambda kv: -kv[1]) if seconds > 0.05
        ]
        return ", ".join(parts)


def median(values) -> float:
    return statistics.median(values)


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n== {title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"
