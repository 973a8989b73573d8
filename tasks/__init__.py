"""Celery tasks: thin adapters on the one task base (infra.celery) that load rows, call a service
or a rule, and write; job tasks are registered with `tasks.jobs.job_task`. Nothing below imports
this package: tasks are sent by name through services.jobs."""
