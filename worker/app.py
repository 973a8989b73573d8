"""The one Celery application: broker, queues, routing, reliability settings."""

from celery import Celery
from kombu import Queue

import beat_schedule
from infra.config import get_settings

QUEUES = ("votes", "lifecycle", "ledger", "events")

# Task name -> queue. Votes are kept apart so that a flood of them cannot delay finalization.
TASK_ROUTES = {
    "governance.cast_vote": {"queue": "votes"},
    "governance.apply_treasury_delta": {"queue": "ledger"},
    "governance.transfer_time_credits": {"queue": "ledger"},
    "governance.deposit_time_credits": {"queue": "ledger"},
    "governance.adjust_time_credits": {"queue": "ledger"},
    "governance.reward_vote": {"queue": "ledger"},
    "governance.publish_events": {"queue": "events"},
    # Lifecycle transitions, scheduler sweeps and recovery sweeps.
    "governance.*": {"queue": "lifecycle"},
}

TASK_MODULES = (
    "tasks.events",
    "tasks.treasury",
    "tasks.maintenance",
    "tasks.lifecycle",
    "tasks.voting",
    "tasks.scheduler",
    "tasks.timebank",
)


def create_celery() -> Celery:
    settings = get_settings()
    app = Celery("governance", broker=settings.redis_url, include=list(TASK_MODULES))
    app.conf.update(
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="lifecycle",
        task_routes=TASK_ROUTES,
        # Job state lives in Postgres; no result backend (PITFALLS: Celery and Redis).
        task_ignore_result=True,
        # A task whose worker dies mid-way is delivered again; tasks are idempotent.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # The visibility timeout outlasts any task; no task uses long ETAs or countdowns.
        broker_transport_options={"visibility_timeout": 3600},
        task_time_limit=300,
        task_soft_time_limit=240,
        broker_connection_retry_on_startup=True,
        worker_send_task_events=True,
        task_send_sent_event=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        beat_schedule=beat_schedule.build(settings.scheduler_interval_seconds, settings.job_requeue_after_seconds),
        worker_hijack_root_logger=False,
    )
    return app


celery_app = create_celery()


import worker.logs  # noqa: E402,F401 - JSON logs with task and job ids in every Celery process
