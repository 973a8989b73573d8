"""The supervisor's child processes: started in their own process group, their output copied to
one console with their name in front, and stopped together (SIGTERM, then SIGKILL to the group).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping, Sequence

from devstack.osutil import pdeathsig_preexec

__all__ = ["PREFIX", "Console", "Child", "spawn", "start_reader", "stop_children"]

# The name in front of the supervisor's own lines.
PREFIX = "devstack"


class Console:
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


@dataclass
class Child:
    """A started child: its name, its command, the process and the thread copying its output."""

    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes]
    reader: threading.Thread | None = field(default=None)


def spawn(name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> Child:
    """Start ``argv`` in a new process group, output piped (see ``start_reader``), SIGTERM on our death."""
    proc = subprocess.Popen(
        list(argv), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, process_group=0, preexec_fn=pdeathsig_preexec(),
    )
    return Child(name, list(argv), proc)


def start_reader(child: Child, console: Console) -> None:
    """Copy the child's output to the console from a daemon thread (start it after every fork)."""
    assert child.proc.stdout is not None
    child.reader = threading.Thread(target=console.pump, args=(child.name, child.proc.stdout),
                                    name=f"output-{child.name}", daemon=True)
    child.reader.start()


def _killpg(child: Child, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.proc.pid, sig)


def _group_alive(child: Child) -> bool:
    try:
        os.killpg(child.proc.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_children(children: Sequence[Child], timeout: float, console: Console, hurry: threading.Event) -> None:
    """Stop every child and everything in its process group.

    SIGTERM goes first to the process we started (gunicorn's master, celery's main process): it
    stops its own workers gracefully (celery: warm shutdown, tasks in progress finish; a SIGTERM
    straight to celery's pool processes would abort their tasks). Processes left in a group whose
    leader has exited get SIGTERM too. After ``timeout`` seconds (or once ``hurry`` is set),
    SIGKILL to every group.
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
