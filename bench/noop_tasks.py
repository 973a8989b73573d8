"""The baseline task of bench/votes.py: a Celery task doing nothing but counting itself, loaded
by the benchmark's worker with `--include bench.noop_tasks`, on the app and settings of every
governance task (worker/app.py)."""

from infra.redis import redis_client
from worker.app import celery_app

COUNTER = "bench:noop:done"


@celery_app.task(name="bench.noop", acks_late=True, ignore_result=True)
def noop() -> None:
    redis_client().incr(COUNTER)
