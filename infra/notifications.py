"""Postgres notifications (LISTEN/NOTIFY) in a process: one thread holding one connection that
listens on a channel and wakes the threads waiting for a given payload.

    listener = Listener("governance_job_finished")
    with listener.subscription(job_id) as woken:   # a threading.Event
        woken.wait(timeout)                         # set when NOTIFY names job_id

A NOTIFY sent inside a transaction is delivered when that transaction commits, and never if it
rolls back, so a woken waiter always reads the committed state. Delivery is not guaranteed: while
the connection is down (Postgres restarted, a network cut) notifications are lost. After every
(re)connection the listener therefore wakes every waiter, and waiters must also look again on a
timeout of their own; the listener retries its connection with backoff while anyone waits, and
stops when its connection fails with nobody waiting. The thread starts on the first subscription,
again after it stopped, and again after a fork (the child has no thread of its parent).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from infra.db import get_engine

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often the thread returns from its wait on the socket (to notice a fork)
RETRY_SECONDS = (0.5, 1, 2, 5)


def _dsn() -> str:
    """The database URL of the process's engine, in the libpq form psycopg connects with."""
    return get_engine().url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """Wake subscribers when a NOTIFY on `channel` carries their key as its payload."""

    def __init__(self, channel: str):
        self.channel = channel
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[threading.Event]] = defaultdict(set)
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.connected = threading.Event()

    @contextmanager
    def subscription(self, key: str) -> Iterator[threading.Event]:
        """An Event set when a notification carries `key` (and after a reconnection)."""
        woken = threading.Event()
        with self._lock:
            self._subscribers[key].add(woken)
            self._ensure_thread()
        try:
            yield woken
        finally:
            with self._lock:
                waiting = self._subscribers.get(key)
                if waiting is not None:
                    waiting.discard(woken)
                    if not waiting:
                        del self._subscribers[key]

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self.connected.clear()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name=f"listen-{self.channel}", daemon=True)
        self._thread.start()

    def _wake(self, key: str | None) -> None:
        """Wake the subscribers of `key`, or every subscriber (None)."""
        with self._lock:
            events = [e for k, waiting in self._subscribers.items() if key is None or k == key for e in waiting]
        for event in events:
            event.set()

    def _run(self) -> None:
        failures = 0
        while self._pid == os.getpid():
            try:
                with psycopg.connect(_dsn(), autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    failures = 0
                    self.connected.set()
                    self._wake(None)  # what was sent while this connection was down is lost: look again
                    while self._pid == os.getpid():
                        for note in conn.notifies(timeout=POLL_SECONDS):
                            self._wake(note.payload)
            except Exception as error:  # noqa: BLE001 - logged, retried; waiters look again on their own
                self.connected.clear()
                with self._lock:
                    if not self._subscribers:  # nobody waits: stop; the next subscription starts again
                        self._thread = None
                        log.debug("listening on %s stopped while idle (%s)", self.channel, error)
                        return
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("listening on %s failed (%s); retrying in %ss", self.channel, error, delay)
                time.sleep(delay)
