"""Votes (SPEC 5.2) on the `votes` queue. `governance.drain_votes(proposal_id)` records the
queued votes of the proposal, in batches (services.ballots.drain_votes), and returns how many it
recorded and the ids of their jobs, `{"votes": N, "jobs": [...]}`: Flower shows it as the task's
result, so that searching a vote's job id in Flower finds the drain that recorded it (the repr is
allowed DRAIN_RESULT_CHARS, enough for the DRAIN_MAX_JOBS ids of one drain). `governance.cast_vote(job_id)`, one task per
vote, is what older versions sent: still run, it records its own vote and the other queued votes
of the proposal in one transaction."""

from infra.celery import celery_app
from services.ballots import DRAIN_MAX_JOBS, drain_votes as drain, process_vote_job
from tasks.jobs import job_task


@job_task("cast_vote")
def cast_vote(session, job) -> dict:
    return process_vote_job(session, job)


DRAIN_RESULT_CHARS = 64 + 40 * DRAIN_MAX_JOBS  # a job id's repr is 38 characters and a comma


@celery_app.task(name="governance.drain_votes", resultrepr_maxsize=DRAIN_RESULT_CHARS)
def drain_votes(proposal_id: str) -> dict:
    return drain(proposal_id)
