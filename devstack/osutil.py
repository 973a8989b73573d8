"""Operating-system helpers shared by the embedded servers, the ``make up`` supervisor and tests:
free ports on the loopback interface, and child processes that die with their parent.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import sys

__all__ = ["HOST", "port_is_free", "find_free_port", "pdeathsig_preexec"]

HOST = "127.0.0.1"


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


def pdeathsig_preexec():
    """A preexec_fn asking the kernel to SIGTERM the child when its parent dies (Linux only).

    None elsewhere, or when ``prctl`` cannot be found; pass the result as ``Popen(preexec_fn=...)``.
    """
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
