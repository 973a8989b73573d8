"""The recovery sweep (beat, every JOB_REQUEUE_AFTER_SECONDS): jobs whose broker message was lost
are sent again (services.jobs.requeue_stale). A message is lost when Redis restarts with nothing
on disk (its queued jobs stay `queued`), or when a whole worker is killed (its jobs stay `queued`
or `running` until Redis's visibility timeout, an hour, hands the messages out again)."""

from infra.celery import celery_app
from services.jobs import requeue_stale


# Beat sends it again at the next interval: no retry of its own.
@celery_app.task(name="governance.requeue_stale_jobs", autoretry_for=())
def requeue_stale_jobs() -> int:
    return requeue_stale()
