"""The `make up` supervisor (devstack/up.py), run as a real process with stand-in services."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest
import redis

from devstack import processes
from devstack.up import LOCK_MESSAGE, READY_MESSAGE

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

# A stand-in service: records its pid and the URLs it was given, then waits to be stopped.
SLEEPER = textwrap.dedent("""
    import json, os, sys, time
    out = sys.argv[1]
    with open(out, "w") as fh:
        json.dump({"pid": os.getpid(), "env": {k: os.environ.get(k) for k in
                   ("DATABASE_URL", "REDIS_URL", "NATS_URL", "GOV_DATA_DIR")}}, fh)
    print("sleeper ready", flush=True)
    time.sleep(1000)
""")

STUBBORN = textwrap.dedent("""
    import json, os, signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(sys.argv[1], "w") as fh:
        json.dump({"pid": os.getpid()}, fh)
    time.sleep(1000)
""")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "NATS_URL", "GOV_DATA_DIR")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


class Supervisor:
    """`up.run(...)` in a child process, with its output collected line by line."""

    def __init__(self, data_dir: Path, services: dict, migrate: list | None = None,
                 stop_timeout: float = 5.0, env: dict | None = None) -> None:
        script = textwrap.dedent(f"""
            import sys
            from devstack.up import run
            sys.exit(run(data_dir={str(data_dir)!r}, services={services!r}, migrate={migrate!r},
                         stop_timeout={stop_timeout!r}))
        """)
        self.proc = subprocess.Popen(
            [PY, "-c", script], cwd=ROOT, env=env or _env(), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
        raise AssertionError(f"{text!r} not seen; output:\n" + "\n".join(self.lines))

    def finish(self, timeout: float = 30.0) -> int:
        rc = self.proc.wait(timeout)
        while True:
            try:
                line = self._queue.get(timeout=2)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
        return rc

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def supervisors():
    started: list[Supervisor] = []
    yield started
    for sup in started:  # safety net if a test failed half-way
        if sup.proc.poll() is None:
            sup.proc.send_signal(signal.SIGTERM)
            try:
                sup.proc.wait(20)
            except subprocess.TimeoutExpired:
                sup.kill()


def _no_servers_env() -> dict[str, str]:
    # URLs "set" so no embedded server starts: the stand-ins never connect to them.
    return _env(DATABASE_URL="postgresql://user:secret@127.0.0.1:1/x", REDIS_URL="redis://127.0.0.1:1/0",
                NATS_URL="nats://127.0.0.1:1")


def test_second_up_in_the_same_folder_is_refused(tmp_path, supervisors):
    data = tmp_path / "data"
    services = {"sleeper": [PY, "-c", SLEEPER, str(tmp_path / "sleeper.json")]}
    first = Supervisor(data, services, migrate=[], env=_no_servers_env())
    supervisors.append(first)
    first.wait_for(READY_MESSAGE)
    assert "postgresql://user:***@127.0.0.1:1/x" in first.output  # passwords are not printed

    second = subprocess.run(
        [PY, "-c", f"import sys; from devstack.up import run; sys.exit(run(data_dir={str(data)!r}, "
                   f"services={{'x': ['true']}}, migrate=[]))"],
        cwd=ROOT, env=_no_servers_env(), capture_output=True, text=True, timeout=30,
    )
    assert second.returncode != 0
    assert LOCK_MESSAGE.format(pid=first.proc.pid) in second.stderr
    assert (data / "up.lock").read_text().strip() == str(first.proc.pid)

    first.proc.send_signal(signal.SIGTERM)
    assert first.finish() == 0

    # Lock released: the folder can be used again.
    third = Supervisor(data, services, migrate=[], env=_no_servers_env())
    supervisors.append(third)
    third.wait_for(READY_MESSAGE)
    third.proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert third.finish() == 0


def test_sigterm_stops_children_and_embedded_servers(tmp_path, supervisors):
    data = tmp_path / "data"
    marks = [tmp_path / "a.json", tmp_path / "b.json"]
    migrate_mark = tmp_path / "migrated"
    migrate = [PY, "-c", "import os, psycopg, sys; psycopg.connect(os.environ['DATABASE_URL']).close(); "
                         f"open({str(migrate_mark)!r}, 'w').write('ok')"]
    services = {"a": [PY, "-c", SLEEPER, str(marks[0])], "b": [PY, "-c", SLEEPER, str(marks[1])]}
    sup = Supervisor(data, services, migrate=migrate, env=_env())
    supervisors.append(sup)
    sup.wait_for(READY_MESSAGE)
    sup.wait_for("sleeper ready")
    assert migrate_mark.read_text() == "ok"

    deadline = time.monotonic() + 10
    while not all(m.exists() and m.stat().st_size for m in marks) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [json.loads(m.read_text()) for m in marks]
    env = children[0]["env"]
    assert env["GOV_DATA_DIR"] == str(data)
    assert env["DATABASE_URL"] == f"postgresql://postgres:@/governance?host={data / 'postgres'}"
    assert env["REDIS_URL"].startswith("redis://127.0.0.1:")
    assert env["NATS_URL"].startswith("nats://127.0.0.1:")
    assert env["DATABASE_URL"] in sup.output and env["REDIS_URL"] in sup.output

    # The servers really serve those URLs.
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert redis.Redis.from_url(env["REDIS_URL"]).ping()

    server_pids = [
        int((data / "postgres" / "postmaster.pid").read_text().split()[0]),
        int((data / "redis" / "server.pid").read_text()),
        int((data / "nats" / "server.pid").read_text()),
    ]
    assert all(_alive(pid) for pid in server_pids)

    sup.proc.send_signal(signal.SIGTERM)
    assert sup.finish() == 0, sup.output
    assert "stopped" in sup.output
    for pid in [c["pid"] for c in children] + server_pids:
        assert not _alive(pid), (pid, sup.output)
    assert not (data / "postgres" / "postmaster.pid").exists()

    # The same folder again: same Redis/NATS ports (remembered), data kept.
    again = Supervisor(data, {"a": [PY, "-c", SLEEPER, str(marks[0])]}, migrate=[], env=_env())
    supervisors.append(again)
    again.wait_for("sleeper ready")
    again.wait_for(READY_MESSAGE)
    env2 = json.loads(marks[0].read_text())["env"]
    assert env2 == env
    again.proc.send_signal(signal.SIGTERM)
    assert again.finish() == 0


def test_a_child_that_dies_stops_everything(tmp_path, supervisors):
    mark = tmp_path / "sleeper.json"
    services = {
        "sleeper": [PY, "-c", SLEEPER, str(mark)],
        "crasher": [PY, "-c", "import time; time.sleep(0.5); raise SystemExit(3)"],
    }
    sup = Supervisor(tmp_path / "data", services, migrate=[], env=_no_servers_env())
    supervisors.append(sup)
    rc = sup.finish()
    assert rc != 0
    assert "crasher exited unexpectedly (exit code 3)" in sup.output
    assert not _alive(json.loads(mark.read_text())["pid"])


def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path, supervisors):
    mark = tmp_path / "stubborn.json"
    sup = Supervisor(tmp_path / "data", {"stubborn": [PY, "-c", STUBBORN, str(mark)]}, migrate=[],
                     stop_timeout=1.0, env=_no_servers_env())
    supervisors.append(sup)
    sup.wait_for(READY_MESSAGE)
    deadline = time.monotonic() + 10
    while not (mark.exists() and mark.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = json.loads(mark.read_text())["pid"]
    started = time.monotonic()
    sup.proc.send_signal(signal.SIGTERM)
    assert sup.finish() == 0
    assert time.monotonic() - started < 8
    assert "stubborn did not stop within 1s; killing it" in sup.output
    assert not _alive(pid)


def test_processes_left_in_a_childs_group_are_stopped(tmp_path, supervisors):
    # The child exits on SIGTERM but leaves a grandchild behind in its process group.
    mark = tmp_path / "parent.json"
    parent = textwrap.dedent(f"""
        import json, os, subprocess, sys, time
        kid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
        with open({str(mark)!r}, "w") as fh:
            json.dump({{"pid": os.getpid(), "grandchild": kid.pid}}, fh)
        time.sleep(1000)
    """)
    sup = Supervisor(tmp_path / "data", {"parent": [PY, "-c", parent]}, migrate=[], env=_no_servers_env())
    supervisors.append(sup)
    sup.wait_for(READY_MESSAGE)
    deadline = time.monotonic() + 10
    while not (mark.exists() and mark.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = json.loads(mark.read_text())
    assert os.getpgid(pids["grandchild"]) == pids["pid"]  # own process group, led by the child
    sup.proc.send_signal(signal.SIGTERM)
    assert sup.finish() == 0
    assert "killing it" not in sup.output  # SIGTERM to the group was enough
    assert not _alive(pids["pid"]) and not _alive(pids["grandchild"])


def test_failed_migration_starts_nothing(tmp_path, supervisors):
    mark = tmp_path / "sleeper.json"
    sup = Supervisor(tmp_path / "data", {"sleeper": [PY, "-c", SLEEPER, str(mark)]},
                     migrate=[PY, "-c", "print('boom'); raise SystemExit(4)"], env=_no_servers_env())
    supervisors.append(sup)
    assert sup.finish() != 0
    assert "migrations failed (exit code 4)" in sup.output
    assert "migrate  | boom" in sup.output
    assert not mark.exists()


def test_process_commands_match_the_documented_ones(tmp_path):
    py = "/venv/bin/python"
    assert processes.migrate_command(py) == [py, "-m", "alembic", "upgrade", "head"]
    cmds = processes.service_commands(tmp_path, 5555, None, python=py)
    assert list(cmds) == ["api", "worker", "beat", "consumer", "flower"]
    assert cmds["api"] == [py, "-m", "gunicorn", "--config", "python:api.gunicorn_conf", "api.app:create_app()"]
    assert cmds["worker"] == [py, "-m", "celery", "-A", "worker.app:celery_app", "worker",
                              "-Q", "votes,lifecycle,ledger,events", "--loglevel", "INFO", "-n", "worker@%h"]
    assert cmds["beat"] == [py, "-m", "celery", "--quiet", "-A", "worker.app:celery_app", "beat", "--loglevel", "INFO",
                            "--schedule", str(tmp_path / "celerybeat-schedule")]
    assert cmds["consumer"] == [py, "-m", "consumer"]
    assert cmds["flower"] == [py, "-m", "celery", "-A", "worker.app:celery_app", "flower", "--port=5555"]
    assert processes.flower_command(6000, "admin:pw", python=py)[-2:] == ["--port=6000", "--basic_auth=admin:pw"]
    assert processes.migrate_command()[0] == sys.executable
