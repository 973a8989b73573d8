"""How a signal stops the ``make up`` supervisor: ``Shutdown`` unwinds ``run()`` to its cleanup,
and ``Signals`` installs, defers and restores the handlers of SIGINT, SIGTERM and SIGHUP.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any

__all__ = ["Shutdown", "Signals"]


class Shutdown(BaseException):
    """Raised by the signal handler to unwind to the cleanup code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Signals:
    """SIGINT, SIGTERM and SIGHUP while the supervisor runs.

    ``install()``: a signal raises ``Shutdown`` (except inside ``uninterrupted()``, which raises
    it once its block is done). ``cleanup_started()``: a signal now only sets ``hurry`` (a second
    Ctrl-C does not wait for the grace period). ``restore()``: the handlers found at install.
    """

    HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.hurry = threading.Event()
        self._deferring = False
        self._deferred: int | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        """Make SIGINT, SIGTERM and SIGHUP raise ``Shutdown`` in the main thread."""
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in self.HANDLED}

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self._deferring:
            self._deferred = signum  # acted on when the server start finished
            return
        raise Shutdown(signum)

    @contextlib.contextmanager
    def uninterrupted(self):
        """Hold a signal until the block is done, then raise ``Shutdown`` for it."""
        # An initdb or pg_ctl killed half-way can leave a data folder that never starts again,
        # so a signal during a server start waits until the start finished (about a second).
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            if self._deferred is not None:
                raise Shutdown(self._deferred)

    def cleanup_started(self) -> None:
        """From now on a signal only sets ``hurry``: the cleanup runs to its end."""
        for sig in self.HANDLED:
            signal.signal(sig, self._on_signal_during_cleanup)

    def _on_signal_during_cleanup(self, signum: int, _frame: object) -> None:
        self.hurry.set()  # a second Ctrl-C: do not wait for the grace period

    def restore(self) -> None:
        """Put back the handlers found by ``install()``."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
