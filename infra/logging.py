"""Structured logs (SPEC 9): one JSON object per line from every process.

Every line carries `ts` (ISO 8601 UTC), `level`, `logger` and `message`, plus whichever of
`request_id` (API), `job_id` and `task_id` (Celery tasks) apply to the code that logged it, and
any `extra=` fields. The ids live in context variables, so they follow the thread or task that
set them without being passed around:

- the API sets `request_id` per request (`install_request_id`), honouring `X-Request-ID`;
- the task base sets `task_id`, and `job_id` for job tasks, around each task (`infra.celery`);
- the consumer calls `configure_logging()` once at start.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import logging.config
import queue
import re
import threading
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timezone

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from infra.config import get_settings

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("job_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)

CONTEXT_VARS = {"request_id": request_id_var, "job_id": job_id_var, "task_id": task_id_var}
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is echoed into logs and headers: keep it short and printable.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


class ContextFilter(logging.Filter):
    """Copies the context ids that are set onto the record (explicit `extra=` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in CONTEXT_VARS.items():
            value = var.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """`{"ts", "level", "logger", "message", ...ids, ...extra, "exc_info"?}` on one line."""

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["ts"] = (
            datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        super().add_fields(log_data, record, message_dict)


def dict_config(level: str | int | None = None) -> dict:
    """The logging configuration of every process (also gunicorn's `logconfig_dict`)."""
    level = level or get_settings().log_level
    level = logging.getLevelName(level) if isinstance(level, int) else level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["context"],
                "formatter": "json",
            }
        },
        "root": {"level": level, "handlers": ["json"]},
        "loggers": {
            # Their records go to the root's JSON handler, nowhere else.
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            "celery": {"level": level, "handlers": [], "propagate": True},
            "celery.task": {"level": level, "handlers": [], "propagate": True},
            "celery.redirected": {"level": level, "handlers": [], "propagate": True},
        },
    }


def configure_logging(level: str | int | None = None) -> None:
    """Send every log record of this process to stderr as one JSON object per line.

    Idempotent: calling it again replaces the handlers instead of adding more."""
    logging.config.dictConfig(dict_config(level))
    logging.captureWarnings(True)


class _Handover(logging.Handler):
    """The root's handler once `write_from_queue` ran: the calling thread only adds its context
    ids (ContextFilter) and puts the record in the queue."""

    def __init__(self, records: queue.SimpleQueue):
        super().__init__()
        self.records = records
        self.addFilter(ContextFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.put(record)


def write_from_queue() -> Callable[[], None]:
    """Hand this process's log records to one writer thread, which formats them and writes all
    those waiting in one write per stream (the API's request threads then never wait for the
    stream's lock or its write, nor each other, to log a line). Returns `stop`: it writes what
    is left, ends the thread and gives the root its handlers back (also registered with atexit;
    a process killed outright loses the lines still queued)."""
    root = logging.getLogger()
    targets, records = root.handlers[:], queue.SimpleQueue()
    handover = _Handover(records)
    for handler in targets:
        root.removeHandler(handler)
    root.addHandler(handover)
    writer = threading.Thread(target=_write, args=(records, targets), name="log-writer", daemon=True)
    writer.start()

    def stop() -> None:
        if handover in root.handlers:
            root.removeHandler(handover)
            records.put(None)
            writer.join(5)
            for handler in targets:
                root.addHandler(handler)

    atexit.register(stop)
    return stop


def _write(records: queue.SimpleQueue, targets: list[logging.Handler]) -> None:
    while True:
        batch = [records.get()]
        with contextlib.suppress(queue.Empty):
            while len(batch) < 1000:
                batch.append(records.get_nowait())
        stopping = None in batch
        batch = [record for record in batch if record is not None]
        for handler in targets:
            _write_batch(handler, batch)
        if stopping:
            return


def _write_batch(handler: logging.Handler, batch: list[logging.LogRecord]) -> None:
    """A plain stream handler gets the batch's lines in one write; any other handler each record
    (whatever it raises, the writer goes on: a dead writer would lose every later line)."""
    if type(handler) is not logging.StreamHandler:
        for record in batch:
            with contextlib.suppress(Exception):
                handler.handle(record)
        return
    lines = []
    for record in batch:
        if record.levelno >= handler.level and handler.filter(record):
            try:
                lines.append(handler.format(record) + handler.terminator)
            except Exception:  # noqa: BLE001 - logging's own rule: report, never raise
                handler.handleError(record)
    if lines:
        handler.acquire()
        try:
            handler.stream.write("".join(lines))
            handler.flush()
        except Exception:  # noqa: BLE001
            handler.handleError(batch[-1])
        finally:
            handler.release()


def new_request_id(incoming: str | None) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    if incoming and _VALID_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex
