"""The interface every embedded server has, and the error they raise.

Used by ``python -m devstack up`` (the local run, data under ``.data/``) and by the test suite
(private instances in a temporary folder). Every server has the same small interface:

    server = EmbeddedRedis(tmp_path / "redis").start()
    server.url          # connection URL for the application / clients
    server.restart()    # stop and start again on the same data folder and port
    server.kill()       # crash it (SIGKILL / immediate shutdown), for resilience tests
    server.stop()       # clean shutdown

They are also context managers (``with EmbeddedNats(d) as nats: ...``). The servers:
``devstack.postgres.EmbeddedPostgres``, ``devstack.redis_server.EmbeddedRedis`` and
``devstack.nats_server.EmbeddedNats`` (the last two on ``devstack.process_server.ProcessServer``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EmbeddedServer", "ServerError"]


class ServerError(RuntimeError):
    """An embedded server failed to start or stop."""


class EmbeddedServer:
    """Base of the embedded servers: one data folder, start/stop/kill/restart, ``url``."""

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
