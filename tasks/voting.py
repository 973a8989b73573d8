"""Votes (SPEC 5.2) on the `votes` queue. `governance.drain_votes(proposal_id)` records every
queued vote of the proposal, in batches (services.ballots.drain_votes), and returns how many it
recorded (Flower shows it as the task's result). `governance.cast_vote(job_id)`, one task per
vote, is what older versions sent: still run, it records its own vote and the other queued votes
of the proposal in one transaction."""

from infra.celery import celery_app
from services.ballots import drain_votes as drain, process_vote_job
from tasks.jobs import job_task


@job_task("cast_vote")
def cast_vote(session, job) -> dict:
    return process_vote_job(session, job)


@celery_app.task(name="governance.drain_votes")
def drain_votes(proposal_id: str) -> int:
    return drain(proposal_id)
