"""The one Celery application and the one task base of every task.

`celery_app` is built here from `infra.config`: the broker, the queues, the reliability settings
(PITFALLS: Celery and Redis), JSON only, no result backend. Its task class is `GovernanceTask`,
so every task registered with `@celery_app.task` runs on it (as pypi/warehouse's tasks do):

- logging: every line a task writes carries its `task_id`, and a job task's lines their `job_id`
  (the context variables of `infra.logging`); Celery's own lines about the task carry them too;
- a session: a task registered with `transaction=True` receives a session as its first argument,
  inside one transaction committed when it returns (the commit is inside the retried call, so a
  commit that fails on a transient error is retried too);
- retries: transient database and broker errors (`TRANSIENT_ERRORS`) are retried by Celery's own
  `autoretry_for` with exponential backoff 1, 2, 4 ... 60 s (well below the broker's visibility
  timeout), at most `max_retries` times; a task may widen (`autoretry_for=(Exception,)`) or turn
  off (`autoretry_for=()`) that list. Each retry is logged, and so is giving up.

Routing is not set here: the table of task names and queues belongs to the jobs module
(services/jobs.py), which passes the queue of each task it sends, and the `celery -A worker.app`
entry point sets `task_routes` from that table for the tasks beat sends.
"""

from __future__ import annotations

import functools
import logging

import kombu.exceptions
import redis.exceptions
import sqlalchemy.exc
from celery import Celery, Task, signals
from kombu import Queue

from infra import db
from infra.config import get_settings
from infra.logging import job_id_var, task_id_var

log = logging.getLogger(__name__)

# Votes are kept apart so that a flood of them cannot delay finalization.
QUEUES = ("votes", "lifecycle", "ledger", "events")
DEFAULT_QUEUE = "lifecycle"

# Errors that go away by themselves: the database or the broker unreachable for a while.
TRANSIENT_ERRORS = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)
# What sending a message raises when the broker is down.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)

# Below the visibility timeout (3600 s): a retry waiting as an ETA longer than it is delivered twice.
RETRY_BACKOFF_MAX_SECONDS = 60


class GovernanceTask(Task):
    """The base of every task (see the module docstring). Options a task may set:
    `transaction=True` (a session as first argument, one transaction), `job=True` (a job task:
    its only argument is the job id), and Celery's own retry options."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 1
    retry_backoff_max = RETRY_BACKOFF_MAX_SECONDS
    retry_jitter = False
    max_retries = 10
    transaction = False
    job = False

    def __new__(cls, *args, **kwargs):
        task = super().__new__(cls)
        if cls.transaction:
            # Wrapped here rather than in __call__ so that Celery's autoretry wrapper, which
            # Celery puts around `run` after this, also catches errors raised by the commit.
            body = task.run

            @functools.wraps(body)
            def run(*args, **kwargs):
                with db.transaction() as session:
                    return body(session, *args, **kwargs)

            task.run = run
            task.__header__ = functools.partial(task.__header__, None)  # the argument check
        return task

    def before_start(self, task_id, args, kwargs):
        task_id_var.set(task_id)
        job_id_var.set(str(args[0]) if self.job and args else None)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        log.warning("%s failed, retrying (%d of %d): %s", _call(self.name, args, kwargs),
                    self.request.retries + 1, self.max_retries, exc)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.max_retries is not None and self.request.retries >= self.max_retries:
            log.error("%s failed for good after %d retries: %s", _call(self.name, args, kwargs),
                      self.request.retries, exc)


def _call(name: str, args, kwargs) -> str:
    shown = [repr(a) for a in args or ()] + [f"{k}={v!r}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(shown)})"


@signals.task_postrun.connect
def _forget_task_ids(**_) -> None:
    """After the task and Celery's own lines about it (success, retry, failure)."""
    task_id_var.set(None)
    job_id_var.set(None)


def _configuration() -> dict:
    redis_timeout = get_settings().redis_timeout_seconds
    return dict(
        broker_url=get_settings().redis_url,
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue=DEFAULT_QUEUE,
        # Job state lives in Postgres; no result backend (PITFALLS: Celery and Redis).
        task_ignore_result=True,
        # A task whose worker dies mid-way is delivered again; tasks are idempotent.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # The visibility timeout outlasts any task; no task uses long ETAs or countdowns. Every
        # command to Redis gives up after the Redis timeout (without it a send to a Redis that
        # accepts connections but never answers blocks forever, and with it the request that
        # sends), and establishing a connection to send is tried once (`max_retries`: kombu's
        # default retries without end).
        broker_transport_options={
            "visibility_timeout": 3600, "socket_timeout": redis_timeout, "socket_connect_timeout": redis_timeout,
            "max_retries": 0,
        },
        broker_connection_timeout=redis_timeout,
        # A send is retried once, at once (a pooled connection that Redis dropped reconnects);
        # a broker that still cannot take it fails the send: the job row stays queued and the
        # requeue sweep sends it (services.jobs).
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0},
        task_time_limit=300,
        task_soft_time_limit=240,
        broker_connection_retry_on_startup=True,
        worker_send_task_events=True,
        task_send_sent_event=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
    )


def create_celery() -> Celery:
    """The app; its configuration is read from the settings when first used, not at import (a
    module that only sends tasks may be imported before the environment is complete)."""
    app = Celery("governance", task_cls=GovernanceTask)
    app.add_defaults(_configuration)
    return app


celery_app = create_celery()
