"""infra.batcher: items handed in by many threads while a batch runs form the next batch; two
items of one key never share a batch; a batch's error reaches every thread of it."""

from __future__ import annotations

import threading

import pytest

from infra.batcher import Batcher


class Gate:
    """A run function that holds its first batch until released, recording every batch."""

    def __init__(self):
        self.batches: list[list] = []
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, items):
        self.batches.append(list(items))
        self.entered.set()
        self.release.wait(10)
        return [item * 10 for item in items]


def _hand_in(batcher, items, results: dict, errors: dict | None = None) -> list[threading.Thread]:
    def one(item):
        try:
            results[item] = batcher.run(item)
        except Exception as error:  # noqa: BLE001 - recorded for the test
            errors[item] = error

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads


def _wait_pending(batcher, count: int) -> None:
    for _ in range(1000):
        with batcher._cond:
            if len(batcher._pending) >= count:
                return
        threading.Event().wait(0.005)
    raise AssertionError(f"{count} items never waited")


def test_a_lone_item_runs_at_once_and_items_waiting_meanwhile_share_the_next_batch():
    gate = Gate()
    batcher = Batcher(gate, key=lambda item: item)
    results: dict = {}
    first = _hand_in(batcher, [1], results)
    assert gate.entered.wait(5)
    rest = _hand_in(batcher, [2, 3, 4, 5], results)
    _wait_pending(batcher, 4)
    gate.release.set()
    for thread in first + rest:
        thread.join(5)
    assert results == {1: 10, 2: 20, 3: 30, 4: 40, 5: 50}
    assert gate.batches[0] == [1] and sorted(gate.batches[1]) == [2, 3, 4, 5] and len(gate.batches) == 2


def test_two_items_of_one_key_never_share_a_batch_and_keep_their_order():
    gate = Gate()
    batcher = Batcher(gate, key=lambda item: item % 2, max_items=10)
    results: dict = {}
    first = _hand_in(batcher, [100], results)
    assert gate.entered.wait(5)
    waiting = []
    for item in (1, 3, 2, 5):  # one at a time, so that they wait in this order
        waiting += _hand_in(batcher, [item], results)
        _wait_pending(batcher, len(waiting))
    gate.release.set()
    for thread in first + waiting:
        thread.join(5)
    assert gate.batches[1:] == [[1, 2], [3], [5]]
    assert results == {100: 1000, 1: 10, 3: 30, 2: 20, 5: 50}


def test_a_batch_holds_at_most_max_items():
    gate = Gate()
    batcher = Batcher(gate, key=lambda item: item, max_items=2)
    results: dict = {}
    first = _hand_in(batcher, [0], results)
    assert gate.entered.wait(5)
    rest = _hand_in(batcher, [1, 2, 3], results)
    _wait_pending(batcher, 3)
    gate.release.set()
    for thread in first + rest:
        thread.join(5)
    assert [len(batch) for batch in gate.batches] == [1, 2, 1] and len(results) == 4


def test_an_error_of_a_batch_is_raised_in_each_of_its_threads_and_the_next_batch_runs():
    calls = []

    def run(items):
        calls.append(list(items))
        if len(calls) == 1:
            raise ValueError("statement failed")
        return list(items)

    batcher = Batcher(run, key=lambda item: item)
    with pytest.raises(ValueError, match="statement failed"):
        batcher.run("a")
    assert batcher.run("b") == "b"


def test_a_run_returning_the_wrong_number_of_results_is_an_error_not_a_silent_mismatch():
    batcher = Batcher(lambda items: [], key=lambda item: item)
    with pytest.raises(RuntimeError, match="0 results for 1 items"):
        batcher.run("a")
