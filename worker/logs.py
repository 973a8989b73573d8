"""Structured logs of the worker and beat processes (SPEC 9): they log JSON lines
(`infra.logging`) from their first line on. The task ids of each line are bound by the task base
(infra.celery)."""

from __future__ import annotations

import logging

from celery import signals

from infra.logging import configure_logging

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
