"""The one place that builds the database engine and sessions.

    with transaction() as session:       # one unit of work: commit, or roll back on error
        session.add(row)
        after_commit(session, lambda: log.info("committed"))   # runs once the commit succeeded
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

# The driver is imported with this module, so a process forked after it (a Celery prefork child,
# a gunicorn worker) inherits it instead of importing it in its first task (0.1-0.5 s here,
# bench/README.md); the engine itself is still built in each process on first use.
import psycopg  # noqa: F401
from sqlalchemy import Engine, any_, bindparam, create_engine, event, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from infra.config import get_settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_engine: Engine | None = None
_engine_pid: int | None = None
_sessionmaker: sessionmaker[Session] | None = None


def get_engine() -> Engine:
    """The process's engine, built on first use from `get_settings().sqlalchemy_url`.

    A process forked after the engine was built (gunicorn, Celery prefork) gets its own:
    the parent's pooled connections are dropped without being closed, since closing them
    would end the parent's sessions on the shared sockets.
    """
    global _engine, _engine_pid, _sessionmaker
    with _lock:
        if _engine is not None and _engine_pid != os.getpid():
            _engine.dispose(close=False)
            _engine = None
            _sessionmaker = None
        if _engine is None:
            _engine = create_engine(get_settings().sqlalchemy_url, pool_pre_ping=True)
            _engine_pid = os.getpid()
        return _engine


def reset_engine(*, close: bool = True) -> None:
    """Forget the engine so that the next use builds a new one from the current settings.

    `close=True` closes the pooled connections (tests, shutdown); pass `close=False` in a
    child process right after fork, where the connections belong to the parent.
    """
    global _engine, _engine_pid, _sessionmaker
    with _lock:
        if _engine is not None:
            _engine.dispose(close=close)
        _engine = None
        _engine_pid = None
        _sessionmaker = None


def session_factory() -> sessionmaker[Session]:
    """The sessionmaker bound to the process's engine; objects stay readable after commit."""
    global _sessionmaker
    engine = get_engine()
    with _lock:
        if _sessionmaker is None or _sessionmaker.kw.get("bind") is not engine:
            _sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
        return _sessionmaker


@contextmanager
def session_advisory_lock(key, *, wait: bool = True) -> Iterator[bool]:
    """Hold a session-level advisory lock on `key` (an int, or a SQL expression of one) across
    the caller's transactions, on a connection of its own; yield whether it was taken (always,
    when `wait`). No transaction stays open meanwhile. Postgres releases the lock when the
    process dies; a connection that could not release it is dropped, not pooled."""
    with get_engine().connect() as conn:
        if wait:
            conn.execute(select(func.pg_advisory_lock(key)))
            locked = True
        else:
            locked = bool(conn.scalar(select(func.pg_try_advisory_lock(key))))
        conn.commit()
        try:
            yield locked
        finally:
            if locked:
                try:
                    conn.execute(select(func.pg_advisory_unlock(key)))
                    conn.commit()
                except BaseException:
                    conn.invalidate()  # closing the connection releases the lock
                    raise


@contextmanager
def transaction() -> Iterator[Session]:
    """Yield a session inside one transaction: committed when the block ends normally,
    rolled back when it raises. The session is closed afterwards."""
    with session_factory()() as session, session.begin():
        yield session


_CALLBACKS = "after_commit_callbacks"


def after_commit(session: Session, fn: Callable[[], object], *, once: bool = False) -> None:
    """Run `fn()` once, after the session's current transaction commits.

    Nothing runs if the transaction rolls back; a callback registered inside a savepoint
    that rolls back is dropped too. Callbacks run in registration order; if one raises,
    the others still run, each failure is logged, and the first error is re-raised from
    the commit, after the data has been committed. With `once=True` nothing is added when
    the same `fn` is already pending (one call per commit however often it is registered).
    """
    if _CALLBACKS not in session.info:
        session.info[_CALLBACKS] = []
        event.listen(session, "after_commit", _run_callbacks)
        event.listen(session, "after_soft_rollback", _drop_callbacks)
    if once and any(pending is fn for _, pending in session.info[_CALLBACKS]):
        return
    # None: the session has not begun yet; the callback then follows its next transaction.
    txn = session.get_nested_transaction() or session.get_transaction()
    session.info[_CALLBACKS].append((txn, fn))


def _run_callbacks(session: Session) -> None:
    pending = session.info.get(_CALLBACKS, [])
    session.info[_CALLBACKS] = []
    first_error: BaseException | None = None
    for _, fn in pending:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - every callback must get its turn
            log.exception("after_commit callback %r failed", fn)
            first_error = first_error or exc
    if first_error is not None:
        raise first_error


def _drop_callbacks(session: Session, previous_transaction: SessionTransaction) -> None:
    """Forget the callbacks registered in the rolled-back transaction or its savepoints."""
    if previous_transaction.parent is None:
        session.info[_CALLBACKS] = []
        return
    pending = session.info.get(_CALLBACKS, [])
    session.info[_CALLBACKS] = [
        (txn, fn) for txn, fn in pending if not _within(txn, previous_transaction)
    ]


def _within(txn: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while txn is not None:
        if txn is ancestor:
            return True
        txn = txn.parent
    return False


def db_now(session: Session):
    """The database clock: the one time every deadline and job timestamp is judged by."""
    return session.scalar(select(func.now()))


def among(column, values: Iterable):
    """SQL `column = ANY(:values)`: one array parameter however many values, so that a batch's
    statement has the same text whatever its size (psycopg caches its parsing and prepares it;
    an IN list is a new statement, parsed in Python, for each length; and SQLAlchemy expands an
    IN list's parameters at every execution, even of a constant list). One value is `column =
    :value`: a sequential scan filters a million rows faster by `=` than by `= ANY` (the final
    tally of one big proposal, bench/tally.py)."""
    values = list(values)
    if len(values) == 1:
        return column == values[0]
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
