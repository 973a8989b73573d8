"""Structured logs in Celery processes (SPEC 9): the worker and beat log JSON lines
(`infra.logging`), and every line a task writes carries its `task_id`, and its `job_id` for a job
task (whose only argument is the job id, which is also the task id)."""

from __future__ import annotations

import logging

from celery import signals

from infra.logging import configure_logging, job_id_var, task_id_var

log = logging.getLogger(__name__)


@signals.setup_logging.connect
def _setup_logging(loglevel=None, **_) -> None:
    # Connecting to this signal stops Celery from installing its own (plain text) handlers.
    configure_logging(loglevel)


@signals.celeryd_init.connect
def _worker_init(instance=None, options=None, **_) -> None:
    """Log JSON from the worker's first line on (its privilege check warns before Celery sets
    up logging), and log the start-up banner's facts as one JSON line (below) instead of
    printing the plain-text banner."""
    configure_logging((options or {}).get("loglevel"))
    instance.quiet = True


@signals.celeryd_after_setup.connect
def _log_start(sender=None, instance=None, **_) -> None:
    queues = sorted(instance.app.amqp.queues.consume_from or instance.app.amqp.queues)
    log.info("worker starting", extra={"hostname": sender, "queues": queues, "concurrency": instance.concurrency})


@signals.task_prerun.connect
def _bind_task_ids(task_id=None, task=None, args=None, **_) -> None:
    task_id_var.set(task_id)
    if getattr(task, "body", None) is not None and args:  # a job task (worker.base.job_task)
        job_id_var.set(str(args[0]))


@signals.task_postrun.connect
def _unbind_task_ids(**_) -> None:
    task_id_var.set(None)
    job_id_var.set(None)
