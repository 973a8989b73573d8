"""infra.db.after_commit: callbacks run after the commit, never after a rollback, and with
`once=True` one call per commit however often the same callback is registered."""

import pytest

from infra.db import after_commit, transaction


@pytest.fixture
def calls() -> list:
    return []


@pytest.fixture
def callback(calls):
    def record():
        calls.append("callback")

    return record


def test_a_callback_registered_once_runs_once_per_commit(stack, calls, callback):
    with transaction() as session:
        for _ in range(3):
            after_commit(session, callback, once=True)
        after_commit(session, lambda: calls.append("other"))
    assert calls == ["callback", "other"]


def test_without_once_every_registration_runs(stack, calls, callback):
    with transaction() as session:
        after_commit(session, callback)
        after_commit(session, callback, once=False)
    assert calls == ["callback", "callback"]


def test_a_once_callback_dropped_with_its_savepoint_can_be_registered_again(stack, calls, callback):
    with transaction() as session:
        with pytest.raises(RuntimeError):
            with session.begin_nested():
                after_commit(session, callback, once=True)
                raise RuntimeError("roll the savepoint back")
        after_commit(session, callback, once=True)
    assert calls == ["callback"]


def test_nothing_runs_after_a_rollback(stack, calls, callback):
    with pytest.raises(RuntimeError):
        with transaction() as session:
            after_commit(session, callback, once=True)
            raise RuntimeError("roll back")
    assert calls == []
