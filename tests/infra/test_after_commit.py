"""infra.db.after_commit: callbacks run after the commit, never after a rollback, and with
`once=True` one call per commit however often the same callback is registered."""

import pytest

from infra.db import after_commit, transaction


def test_a_callback_registered_once_runs_once_per_commit(stack):
    calls = []

    def callback():
        calls.append(1)

    with transaction() as session:
        for _ in range(3):
            after_commit(session, callback, once=True)
        after_commit(session, lambda: calls.append(2))
    assert calls == [1, 2]


def test_without_once_every_registration_runs(stack):
    calls = []

    def callback():
        calls.append(1)

    with transaction() as session:
        after_commit(session, callback)
        after_commit(session, callback)
    assert calls == [1, 1]


def test_a_once_callback_dropped_with_its_savepoint_can_be_registered_again(stack):
    calls = []

    def callback():
        calls.append(1)

    with transaction() as session:
        with pytest.raises(RuntimeError):
            with session.begin_nested():
                after_commit(session, callback, once=True)
                raise RuntimeError("roll the savepoint back")
        after_commit(session, callback, once=True)
    assert calls == [1]


def test_nothing_runs_after_a_rollback(stack):
    calls = []
    with pytest.raises(RuntimeError):
        with transaction() as session:
            after_commit(session, lambda: calls.append(1), once=True)
            raise RuntimeError("roll back")
    assert calls == []
