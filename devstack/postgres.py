"""Embedded Postgres from the ``pgserver`` package (Postgres 16 binaries in a wheel).

It listens on a unix socket in its data folder only (no TCP port), so it never collides with a
server on 5432. When run as root, pgserver runs postgres as the system user ``pgserver`` (created
if missing). Postgres is daemonised by pg_ctl, so it outlives the process that started it; a
server left running on the same data folder is reused on the next start. Interface: see
``devstack.embedded``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

import psutil

from devstack.embedded import EmbeddedServer, ServerError

__all__ = ["EmbeddedPostgres"]


class EmbeddedPostgres(EmbeddedServer):
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
