"""The worker's entry point (worker/app.py): it loads every task of the routing table of
services.jobs and no other, routes each by that table, and every task runs on the one base."""

import importlib

from infra.celery import DEFAULT_QUEUE, QUEUES, GovernanceTask
from services.jobs import JOB_KINDS, ROUTES
from worker.app import TASK_MODULES, celery_app


def registered() -> dict:
    for module in TASK_MODULES:
        importlib.import_module(module)
    return {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}


def test_the_worker_loads_exactly_the_tasks_of_the_table():
    assert set(registered()) == set(ROUTES)
    assert set(celery_app.conf.include) == set(TASK_MODULES)


def test_every_task_runs_on_the_one_base():
    for name, task in celery_app.tasks.items():
        assert isinstance(task, GovernanceTask), name


def test_job_tasks_are_the_job_kinds_of_the_table():
    assert {name for name, task in registered().items() if task.job} == {f"governance.{kind}" for kind in JOB_KINDS}


def test_routing_reads_the_table_and_every_queue_is_declared():
    assert celery_app.conf.task_routes == {name: {"queue": queue} for name, queue in ROUTES.items()}
    assert set(ROUTES.values()) <= set(QUEUES)
    assert {q.name for q in celery_app.conf.task_queues} == set(QUEUES) and DEFAULT_QUEUE in QUEUES
    router = celery_app.amqp.router
    for name, queue in ROUTES.items():
        assert router.route({}, name)["queue"].name == queue, name
