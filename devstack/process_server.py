"""A server binary run as our child process on 127.0.0.1:<port>: the base of Redis and NATS.

The port chosen for a data folder is remembered in ``<data_dir>/ports.json`` and reused on the
next start when it is still free, so URLs stay the same across runs. The server's output goes to
``<data_dir>/<name>.log``; its pid to ``<data_dir>/server.pid``. A server left over from a crashed
run on the same data folder is stopped before a new one starts (two servers must never write the
same files). The child gets SIGTERM if the process that started it dies (Linux
PR_SET_PDEATHSIG), so a killed test run or supervisor does not leave it behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from devstack.embedded import EmbeddedServer, ServerError
from devstack.osutil import HOST, find_free_port, pdeathsig_preexec, port_is_free

__all__ = ["ProcessServer", "find_binary"]


def find_binary(name: str, candidates: list[Path], package: str) -> Path:
    """The first executable among ``candidates``, else ``name`` on PATH.

    Raises ServerError naming the ``package`` (of requirements.txt) that ships the binary.
    """
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise ServerError(f"{name} not found: install the '{package}' package (requirements.txt)")


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


class ProcessServer(EmbeddedServer):
    """A server binary run as our child process, on 127.0.0.1:<port>.

    A subclass sets ``name`` and ``log_name`` and gives ``_command(port)`` (the argv, run with the
    data folder as working directory) and ``_ready()`` (True once the server answers on its port).
    """

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
                preexec_fn=pdeathsig_preexec(), start_new_session=True,
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

