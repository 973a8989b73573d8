"""Work of many threads done together: a Batcher runs `run(items)` on one thread of its own for
every item waiting, so that threads each handing one item (request threads) share one round trip
and one commit instead of paying one each.

    batcher = Batcher(record_all, key=lambda item: item.voter)   # record_all(items) -> results
    result = batcher.run(item)   # blocks until the batch holding `item` ran; re-raises its error

There is no timer: the thread takes what is waiting the moment it is free (at most `max_items`),
so a lone item runs at once and items arriving while a batch runs form the next one. Two items
with the same `key` never share a batch: the later waits for the next one, in the order given
(a batch's rows share one transaction and its timestamps). A batch that raises raises in every
thread whose item it held. The thread is started on first use in each process (after a fork the
child starts its own; the parent's items are not the child's).
"""

from __future__ import annotations

import collections
import os
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from typing import Any


class Batcher:
    def __init__(self, run: Callable[[Sequence[Any]], Sequence[Any]], *, key: Callable[[Any], Hashable],
                 max_items: int = 200, name: str = "batcher"):
        self._run, self._key, self._max, self._name = run, key, max_items, name
        self._cond = threading.Condition()
        self._pending: collections.deque[tuple[Any, Future]] = collections.deque()
        self._pid: int | None = None

    def run(self, item: Any) -> Any:
        """The result `run` gave for `item` (its batch's error raised here)."""
        future: Future = Future()
        with self._cond:
            if self._pid != os.getpid():
                self._start()
            self._pending.append((item, future))
            self._cond.notify()
        return future.result()

    def waiting(self) -> bool:
        """Whether items wait for the next batch (a hint for `run`: more may come at any time)."""
        return bool(self._pending)

    def _start(self) -> None:
        self._pid = os.getpid()
        self._pending.clear()  # a forked child's copy of its parent's items: not its own
        threading.Thread(target=self._loop, name=self._name, daemon=True).start()

    def _take(self) -> list[tuple[Any, Future]]:
        """The next batch: the items waiting, oldest first, one per key, at most max_items."""
        batch, keys, later = [], set(), []
        while self._pending and len(batch) < self._max:
            entry = self._pending.popleft()
            key = self._key(entry[0])
            (later if key in keys else batch).append(entry)
            keys.add(key)
        self._pending.extendleft(reversed(later))
        return batch

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                batch = self._take()
            try:
                results = self._run([item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{self._name}: {len(results)} results for {len(batch)} items")
            except BaseException as error:  # noqa: BLE001 - handed to every waiting thread
                for _, future in batch:
                    future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                future.set_result(result)
