"""`celery -A worker.app:celery_app`: what only the worker, beat and Flower need on top of the one
Celery app (infra/celery.py): the task modules to load, `task_routes` read from the table of
services.jobs (for the tasks beat sends; every other send names its queue itself), the beat
schedule, and JSON logs of the processes (worker.logs)."""

import beat_schedule
from infra.celery import celery_app
from infra.config import get_settings
from services.jobs import task_routes

TASK_MODULES = (
    "tasks.events",
    "tasks.treasury",
    "tasks.maintenance",
    "tasks.lifecycle",
    "tasks.voting",
    "tasks.scheduler",
    "tasks.timebank",
)

_settings = get_settings()
celery_app.conf.update(
    include=list(TASK_MODULES),
    task_routes=task_routes(),
    beat_schedule=beat_schedule.build(_settings.scheduler_interval_seconds, _settings.job_requeue_after_seconds),
)

import worker.logs  # noqa: E402,F401 - JSON logs in every Celery process
