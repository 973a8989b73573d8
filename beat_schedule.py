"""Celery beat entries: the scheduler sweeps (SPEC 5.1) and the outbox sweep (SPEC 6).

Each entry expires after one interval so that a backlog of ticks is never replayed; every
swept task is idempotent, so two beats running at once change nothing more.
"""


def build(interval_seconds: int, requeue_seconds: int = 30) -> dict:
    def every(task: str, seconds: float) -> dict:
        return {"task": task, "schedule": seconds, "options": {"expires": seconds}}

    return {
        "publish-events": every("governance.publish_events", interval_seconds),
        "requeue-stale-jobs": every("governance.requeue_stale_jobs", requeue_seconds),
        "reconcile-rewards": every("governance.reconcile_rewards", requeue_seconds),
        "activate-due-proposals": every("governance.activate_due", interval_seconds),
        "finalize-due-proposals": every("governance.finalize_due", interval_seconds),
    }
