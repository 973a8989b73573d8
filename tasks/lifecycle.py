"""Lifecycle transitions of proposals (SPEC 5.1), one job task each, on the `lifecycle` queue.

Each locks the proposal row and applies its transition once (services.lifecycle.run_transition):
a repeat or a concurrent duplicate is a no-op success with no event, an impossible transition
fails the job with `invalid_state`, a failing execution action fails it with the action's code
and leaves the proposal `passed`.
"""

from infra.celery import celery_app
from services.lifecycle import SCHEDULER, finalize_if_early, run_transition
from tasks.jobs import job_task


@job_task("activate_proposal")
def activate_proposal(session, job) -> dict:
    return run_transition(session, job.target_id, "activate", actor=job.actor, job_id=job.id)


@job_task("close_proposal")
def close_proposal(session, job) -> dict:
    return run_transition(session, job.target_id, "close", actor=job.actor, job_id=job.id)


@job_task("cancel_proposal")
def cancel_proposal(session, job) -> dict:
    return run_transition(session, job.target_id, "cancel", actor=job.actor, job_id=job.id)


@job_task("execute_proposal")
def execute_proposal(session, job) -> dict:
    return run_transition(session, job.target_id, "execute", actor=job.actor, job_id=job.id)


@celery_app.task(name="governance.finalize_early", transaction=True)
def finalize_early(session, proposal_id: str) -> bool:
    """Early pass (SPEC 5.6): sent by a vote batch whose tally passed early; idempotent."""
    return finalize_if_early(session, proposal_id, actor=SCHEDULER)
