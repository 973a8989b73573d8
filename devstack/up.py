"""``python -m devstack up``: the whole product on one machine, for development.

1. Takes an exclusive lock on ``<data dir>/up.lock`` (data dir = ``GOV_DATA_DIR`` or ``.data``):
   a second ``make up`` in the same folder exits at once instead of fighting over the servers.
2. Starts an embedded Postgres / Redis / NATS (``devstack.postgres``, ``devstack.redis_server``,
   ``devstack.nats_server``) for each of ``DATABASE_URL``, ``REDIS_URL``, ``NATS_URL`` that is not
   set, under ``<data dir>/postgres|redis|nats``, and passes their URLs to the children.
3. Runs the migrations (stops on failure), then starts api, worker, beat, consumer and flower
   (``devstack.processes``), each in its own process group, with their output prefixed by name
   (``devstack.children``).
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
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Callable, ContextManager, Mapping, Sequence

from devstack import processes
from devstack.children import Child, Console, spawn, start_reader, stop_children
from devstack.embedded import EmbeddedServer, ServerError
from devstack.nats_server import EmbeddedNats
from devstack.osutil import port_is_free
from devstack.postgres import EmbeddedPostgres
from devstack.redis_server import EmbeddedRedis
from devstack.shutdown import Shutdown, Signals

READY_MESSAGE = "all processes started; press Ctrl-C to stop"
LOCK_MESSAGE = "make up is already running in this folder (pid {pid})"

EXIT_OK = 0
EXIT_CHILD_DIED = 1
EXIT_STARTUP_FAILED = 1
EXIT_LOCKED = 2

# One row of the table printed once everything runs: name, where, note.
Row = tuple[str, str, str]


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


# --------------------------------------------------------------------------- the steps


def _data_root(data_dir: str | os.PathLike[str] | None, env: Mapping[str, str], default: str) -> Path:
    """The data folder: ``data_dir``, else ``GOV_DATA_DIR`` of ``env``, else ``default``; created."""
    root = Path(data_dir if data_dir is not None else env.get("GOV_DATA_DIR") or default)
    root = root.expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def _app_ports_free(settings: Any, console: Console) -> bool:
    """True when the API and Flower ports are free; otherwise says which one is taken."""
    for name, port, var in (("api", settings.api_port, "API_PORT"),
                            ("flower", settings.flower_port, "FLOWER_PORT")):
        if not port_is_free(port, "0.0.0.0"):
            console.say(f"port {port} for {name} is already in use; set {var} to another port")
            return False
    return True


def _child_env(base_env: Mapping[str, str], root: Path) -> dict[str, str]:
    """The children's environment: ``base_env`` with GOV_DATA_DIR and unbuffered Python output."""
    child_env = dict(base_env)
    child_env["GOV_DATA_DIR"] = str(root)
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    return child_env


def _redact(url: str) -> str:
    """Hide the password of a URL before printing it."""
    return re.sub(r"(//[^:/@]*:)[^@/]+@", r"\1***@", url)


def _start_servers(
    root: Path,
    base_env: Mapping[str, str],
    child_env: dict[str, str],
    servers: list[EmbeddedServer],
    console: Console,
    uninterrupted: Callable[[], ContextManager[None]],
) -> list[Row]:
    """Start an embedded server for each of DATABASE_URL, REDIS_URL, NATS_URL unset in ``base_env``.

    Sets its URL in ``child_env``. Each server is appended to ``servers`` before it starts, so the
    caller stops it even when its start fails. Any failure is raised as ``ServerError``. Returns
    the table rows saying where each of the three is.
    """
    rows: list[Row] = []
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
    return rows


def _migrate(argv: Sequence[str], env: Mapping[str, str], cwd: Path, console: Console,
             children: list[Child]) -> bool:
    """Run the migration command to its end (listed in ``children`` meanwhile); True on exit code 0."""
    console.say("running migrations: " + " ".join(argv))
    child = spawn("migrate", argv, env, cwd)
    children.append(child)
    start_reader(child, console)
    rc = child.proc.wait()
    assert child.reader is not None
    child.reader.join(5)
    children.remove(child)
    if rc != 0:
        console.say(f"migrations failed (exit code {rc}); not starting the application")
        return False
    return True


def _start_children(services: Mapping[str, Sequence[str]], env: Mapping[str, str], cwd: Path,
                    console: Console, children: list[Child]) -> None:
    """Start every service (appended to ``children``), then the threads copying their output."""
    # Spawn everything first, then start the output threads (no fork while threads run).
    for name, argv in services.items():
        children.append(spawn(name, argv, env, cwd))
    for child in children:
        start_reader(child, console)


def _print_table(console: Console, rows: list[Row]) -> None:
    """Print ``rows`` as aligned columns between two empty lines."""
    width = max(len(r[0]) for r in rows)
    console.say("")
    for name, where, note in rows:
        console.say(f"  {name:<{width}}  {where}" + (f"   ({note})" if note else ""))
    console.say("")


def _announce(console: Console, services: Mapping[str, Sequence[str]], settings: Any, server_rows: list[Row],
              children: Sequence[Child], root: Path) -> None:
    """Print where the API, Flower and the servers are, the children's pids, then READY_MESSAGE."""
    endpoints: list[Row] = []
    if "api" in services:
        endpoints.append(("API", f"http://127.0.0.1:{settings.api_port}", "metrics at /metrics"))
    if "flower" in services:
        auth = "basic auth" if settings.flower_basic_auth else ""
        endpoints.append(("Flower", f"http://127.0.0.1:{settings.flower_port}", auth))
    _print_table(console, endpoints + server_rows + [
        ("Processes", ", ".join(f"{c.name}={c.proc.pid}" for c in children), ""),
        ("Data", str(root), ""),
    ])
    console.say(READY_MESSAGE)


def _supervise(children: Sequence[Child], console: Console) -> int:
    """Wait until a child exits, then return EXIT_CHILD_DIED (a signal raises ``Shutdown`` instead)."""
    while True:
        for child in children:
            rc = child.proc.poll()
            if rc is not None:
                console.say(f"{child.name} exited unexpectedly (exit code {rc}); stopping everything")
                return EXIT_CHILD_DIED
        time.sleep(0.2)


def _stop(children: Sequence[Child], servers: Sequence[EmbeddedServer], timeout: float, console: Console,
          hurry: threading.Event) -> None:
    """Stop the children (see ``stop_children``), then the embedded servers, last started first."""
    stop_children(children, timeout, console, hurry)
    for server in reversed(servers):
        try:
            if server.running:
                console.say(f"stopping embedded {server.name} ...")
            server.stop()
        except Exception as err:  # keep stopping the others
            console.say(f"error stopping {server.name}: {err}")
    console.say("stopped")


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

    console = Console(stream or sys.stdout)
    base_env = dict(os.environ if env is None else env)
    reset_settings()
    settings = get_settings()
    root = _data_root(data_dir, base_env, settings.data_dir)
    workdir = Path(cwd).resolve() if cwd is not None else Path.cwd()

    lock, holder = _acquire_lock(root)
    if lock is None:
        print(LOCK_MESSAGE.format(pid=holder) + f" ({root})", file=sys.stderr, flush=True)
        return EXIT_LOCKED

    signals = Signals()
    signals.install()
    servers: list[EmbeddedServer] = []
    children: list[Child] = []
    try:
        default_app = services is None
        if default_app:
            services = processes.service_commands(root, settings.flower_port, settings.flower_basic_auth)
        if migrate is None:
            migrate = processes.migrate_command()
        if default_app and not _app_ports_free(settings, console):
            return EXIT_STARTUP_FAILED
        child_env = _child_env(base_env, root)
        server_rows = _start_servers(root, base_env, child_env, servers, console, signals.uninterrupted)
        if migrate and not _migrate(migrate, child_env, workdir, console, children):
            return EXIT_STARTUP_FAILED
        _start_children(services, child_env, workdir, console, children)
        _announce(console, services, settings, server_rows, children, root)
        return _supervise(children, console)
    except Shutdown as stop:
        console.say(f"received {signal.Signals(stop.signum).name}, shutting down")
        return EXIT_OK
    except ServerError as err:
        console.say(f"could not start an embedded server: {err}")
        return EXIT_STARTUP_FAILED
    finally:
        signals.cleanup_started()
        try:
            _stop(children, servers, stop_timeout, console, signals.hurry)
        finally:
            with contextlib.suppress(OSError):
                lock.close()  # releases the flock
            signals.restore()
