"""Lifecycle transitions of proposals (SPEC 5.1), one job task each, on the `lifecycle` queue.

Each locks the proposal row and applies its transition once (services.lifecycle.run_transition):
a repeat or a concurrent duplicate is a no-op success with no event, an impossible transition
fails the job with `invalid_state`, a failing execution action fails it with the action's code
and leaves the proposal `passed`.
"""

from services.lifecycle import run_transition
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
