"""The worker and beat entry point (`celery -A worker.app`): the Celery app of infra.celery with
the task modules, the routing table of services.jobs, the beat schedule, and JSON logging."""
