"""``python -m devstack up``: the whole product on one machine, for development.

1. Takes an exclusive lock on ``<data dir>/up.lock`` (data dir = ``GOV_DATA_DIR`` or ``.data``):
   a second ``make up`` in the same folder exits at once instead of fighting over the servers.
2. Starts an embedded Postgres / Redis / NATS (``devstack.servers``) for each of ``DATABASE_URL``,
   ``REDIS_URL``, ``NATS_URL`` that is not set, under ``<data dir>/postgres|redis|nats``, and passes
   their URLs to the children.
3. Runs the migrations (stops on failure), then starts api, worker, beat, consumer and flower
   (``devstack.processes``), each in its own process group, with their output prefixed by name.
4. Ctrl-C / SIGTERM: SIGTERM to every child (then to what is left of its process group), SIGKILL
   to every group after the grace period, clean stop of the embedded servers, exit 0. A child
   that dies on its own stops everything with a non-zero exit.

``run()`` takes the process list as arguments so tests can supervise stand-in processes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping, Sequence

from devstack import processes
from devstack.servers import (
    EmbeddedNats,
    EmbeddedPostgres,
    EmbeddedRedis,
    ServerError,
    _pdeathsig_preexec,
    port_is_free,
)

PREFIX = "devstack"
READY_MESSAGE = "all processes started; press Ctrl-C to stop"
LOCK_MESSAGE = "make up is already running in this folder (pid {pid})"

EXIT_OK = 0
EXIT_CHILD_DIED = 1
EXIT_STARTUP_FAILED = 1
EXIT_LOCKED = 2


class _Shutdown(BaseException):
    """Raised by the signal handler to unwind to the cleanup code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# --------------------------------------------------------------------------- output


class _Console:
    """Serialises lines from the supervisor and the children's reader threads."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.width = len(PREFIX)

    def line(self, name: str, text: str) -> None:
        with self.lock:
            try:
                self.stream.write(f"{name:<{self.width}} | {text}\n")
                self.stream.flush()
            except (OSError, ValueError):  # closed or broken pipe: keep supervising
                pass

    def say(self, text: str) -> None:
        for part in text.splitlines() or [""]:
            self.line(PREFIX, part)

    def pump(self, name: str, pipe: IO[bytes]) -> None:
        """Copy a child's output to the console, line by line, until EOF."""
        try:
            for raw in iter(pipe.readline, b""):
                self.line(name, raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                pipe.close()


# --------------------------------------------------------------------------- lock


def _acquire_lock(data_dir: Path) -> tuple[IO[str] | None, str]:
    """Lock ``up.lock`` without blocking. Returns (file, "") or (None, pid of the holder)."""
    path = data_dir / "up.lock"
    handle = open(path, "a+")  # not "w": the holder's pid must survive our failed attempt
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            handle.close()
            raise
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        return None, holder
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle, ""


# --------------------------------------------------------------------------- children


@dataclass
class _Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes]
    reader: threading.Thread | None = field(default=None)


def _spawn(name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> _Child:
    proc = subprocess.Popen(
        list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, process_group=0, preexec_fn=_pdeathsig_preexec(),
    )
    return _Child(name, list(argv), proc)


def _start_reader(child: _Child, console: _Console) -> None:
    assert child.proc.stdout is not None
    child.reader = threading.Thread(target=console.pump, args=(child.name, child.proc.stdout),
                                    name=f"output-{child.name}", daemon=True)
    child.reader.start()


def _killpg(child: _Child, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.proc.pid, sig)


def _group_alive(child: _Child) -> bool:
    try:
        os.killpg(child.proc.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_children(children: Sequence[_Child], timeout: float, console: _Console, hurry: threading.Event) -> None:
    """Stop every child and everything in its process group.

    SIGTERM goes first to the process we started (gunicorn's master, celery's main process): it
    stops its own workers gracefully (celery: warm shutdown, tasks in progress finish; a SIGTERM
    straight to celery's pool processes would abort their tasks). Processes left in a group whose
    leader has exited get SIGTERM too. After ``timeout`` seconds, SIGKILL to every group.
    """
    alive = [c for c in children if c.proc.poll() is None]
    if alive:
        console.say(f"stopping {', '.join(c.name for c in alive)} ...")
    for child in alive:
        with contextlib.suppress(ProcessLookupError):
            child.proc.send_signal(signal.SIGTERM)
    group_termed: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not hurry.is_set():
        pending = False
        for child in children:
            if child.proc.poll() is None:
                pending = True
            elif _group_alive(child):
                pending = True
                if child.proc.pid not in group_termed:  # orphans of an exited leader
                    group_termed.add(child.proc.pid)
                    _killpg(child, signal.SIGTERM)
        if not pending:
            break
        time.sleep(0.05)
    for child in children:
        if child.proc.poll() is None or _group_alive(child):
            console.say(f"{child.name} did not stop within {timeout:.0f}s; killing it")
            _killpg(child, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(5)
        if child.reader is not None:
            child.reader.join(2)


# --------------------------------------------------------------------------- helpers


def _redact(url: str) -> str:
    """Hide the password of a URL before printing it."""
    return re.sub(r"(//[^:/@]*:)[^@/]+@", r"\1***@", url)


def _print_table(console: _Console, rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    console.say("")
    for name, where, note in rows:
        console.say(f"  {name:<{width}}  {where}" + (f"   ({note})" if note else ""))
    console.say("")


# --------------------------------------------------------------------------- main


def run(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    services: Mapping[str, Sequence[str]] | None = None,
    migrate: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stop_timeout: float = 10.0,
    cwd: str | os.PathLike[str] | None = None,
    stream: IO[str] | None = None,
) -> int:
    """Run the local stack until a signal or a child's death; returns the exit code.

    ``services``/``migrate`` default to the real application (``devstack.processes``); pass
    stand-ins to test the supervisor. ``migrate=[]`` skips the migration step.
    ``env`` defaults to ``os.environ``; the children get it plus the embedded servers' URLs.
    """
    from infra.config import get_settings, reset_settings

    console = _Console(stream or sys.stdout)
    base_env = dict(os.environ if env is None else env)
    reset_settings()
    settings = get_settings()
    root = Path(data_dir if data_dir is not None else base_env.get("GOV_DATA_DIR") or settings.data_dir)
    root = root.expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    workdir = Path(cwd).resolve() if cwd is not None else Path.cwd()

    lock, holder = _acquire_lock(root)
    if lock is None:
        print(LOCK_MESSAGE.format(pid=holder) + f" ({root})", file=sys.stderr, flush=True)
        return EXIT_LOCKED

    hurry = threading.Event()
    deferred: dict[str, int | bool | None] = {"active": False, "signum": None}

    def on_signal(signum: int, _frame: object) -> None:
        if deferred["active"]:
            deferred["signum"] = signum  # acted on when the server start finished
            return
        raise _Shutdown(signum)

    @contextlib.contextmanager
    def uninterrupted():
        # An initdb or pg_ctl killed half-way can leave a data folder that never starts again,
        # so a signal during a server start waits until the start finished (about a second).
        deferred["active"] = True
        try:
            yield
        finally:
            deferred["active"] = False
            if deferred["signum"] is not None:
                raise _Shutdown(int(deferred["signum"]))

    def on_signal_during_cleanup(signum: int, _frame: object) -> None:
        hurry.set()  # a second Ctrl-C: do not wait for the grace period

    handled = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    previous = {sig: signal.signal(sig, on_signal) for sig in handled}

    servers: list = []
    children: list[_Child] = []
    code = EXIT_OK
    try:
        default_app = services is None
        if default_app:
            services = processes.service_commands(root, settings.flower_port, settings.flower_basic_auth)
        if migrate is None:
            migrate = processes.migrate_command()
        if default_app:
            for name, port, var in (("api", settings.api_port, "API_PORT"),
                                    ("flower", settings.flower_port, "FLOWER_PORT")):
                if not port_is_free(port, "0.0.0.0"):
                    console.say(f"port {port} for {name} is already in use; set {var} to another port")
                    return EXIT_STARTUP_FAILED

        child_env = dict(base_env)
        child_env["GOV_DATA_DIR"] = str(root)
        child_env.setdefault("PYTHONUNBUFFERED", "1")
        rows: list[tuple[str, str, str]] = []
        for var, label, factory in (
            ("DATABASE_URL", "Postgres", lambda: EmbeddedPostgres(root / "postgres")),
            ("REDIS_URL", "Redis", lambda: EmbeddedRedis(root / "redis", persistent=True)),
            ("NATS_URL", "NATS", lambda: EmbeddedNats(root / "nats")),
        ):
            if base_env.get(var):
                rows.append((label, _redact(base_env[var]), f"from {var}"))
                continue
            server = factory()
            console.say(f"starting embedded {label} in {server.data_dir} ...")
            servers.append(server)
            try:
                with uninterrupted():
                    server.start()
            except ServerError:
                raise
            except Exception as err:
                raise ServerError(f"{label}: {type(err).__name__}: {err}") from err
            child_env[var] = server.url
            rows.append((label, server.url, f"embedded, {server.data_dir}"))

        if migrate:
            console.say("running migrations: " + " ".join(migrate))
            child = _spawn("migrate", migrate, child_env, workdir)
            children.append(child)
            _start_reader(child, console)
            rc = child.proc.wait()
            assert child.reader is not None
            child.reader.join(5)
            children.remove(child)
            if rc != 0:
                console.say(f"migrations failed (exit code {rc}); not starting the application")
                return EXIT_STARTUP_FAILED

        # Spawn everything first, then start the output threads (no fork while threads run).
        for name, argv in services.items():
            children.append(_spawn(name, argv, child_env, workdir))
        for child in children:
            _start_reader(child, console)

        endpoints: list[tuple[str, str, str]] = []
        if "api" in services:
            endpoints.append(("API", f"http://127.0.0.1:{settings.api_port}", "metrics at /metrics"))
        if "flower" in services:
            auth = "basic auth" if settings.flower_basic_auth else ""
            endpoints.append(("Flower", f"http://127.0.0.1:{settings.flower_port}", auth))
        _print_table(console, endpoints + rows + [
            ("Processes", ", ".join(f"{c.name}={c.proc.pid}" for c in children), ""),
            ("Data", str(root), ""),
        ])
        console.say(READY_MESSAGE)

        while True:
            for child in children:
                rc = child.proc.poll()
                if rc is not None:
                    console.say(f"{child.name} exited unexpectedly (exit code {rc}); stopping everything")
                    code = EXIT_CHILD_DIED
                    return code
            time.sleep(0.2)
    except _Shutdown as stop:
        console.say(f"received {signal.Signals(stop.signum).name}, shutting down")
        code = EXIT_OK
        return code
    except ServerError as err:
        console.say(f"could not start an embedded server: {err}")
        code = EXIT_STARTUP_FAILED
        return code
    finally:
        for sig in handled:
            signal.signal(sig, on_signal_during_cleanup)
        try:
            _stop_children(children, stop_timeout, console, hurry)
            for server in reversed(servers):
                try:
                    if server.running:
                        console.say(f"stopping embedded {server.name} ...")
                    server.stop()
                except Exception as err:  # keep stopping the others
                    console.say(f"error stopping {server.name}: {err}")
            console.say("stopped")
        finally:
            with contextlib.suppress(OSError):
                lock.close()  # releases the flock
            for sig, handler in previous.items():
                signal.signal(sig, handler)


