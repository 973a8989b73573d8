"""Votes (SPEC 5.2) on the `votes` queue. One task records its own vote and, in the same
transaction, the other votes of the proposal still queued (services.ballots)."""

from services.ballots import process_vote_job
from tasks.jobs import job_task


@job_task("cast_vote")
def cast_vote(session, job) -> dict:
    return process_vote_job(session, job)
