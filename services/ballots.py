"""The processing of votes (SPEC 5.2, 5.6).

Votes are processed in batches by the drain of their proposal (`drain_votes`, the task
`governance.drain_votes` the API sends after a vote commits, at most one on its way per
proposal: services.jobs.nudge_drain): it takes the proposal's queued vote jobs VOTE_BATCH at a
time (services.jobs.claim_queued: SKIP LOCKED, attempts counted first), records each batch and
finishes its jobs in one transaction (services.jobs.finish_batch), and goes on until none is
left, or until DRAIN_MAX_JOBS (then it nudges the drain of the rest); it returns the number of
votes it recorded and the ids of the jobs it took (Flower shows them as the task's result). A
batch that crashes is retried one job at a time, so that only the vote that crashes fails
(`internal_error`). A job recorded by an older version (one task per job, `governance.cast_vote`)
is still processed by its task, which takes the other queued votes of the proposal with it
(`process_vote_job`, services.jobs.claim_batch). The tally is never computed per vote: it is a SUM over
the votes when asked for, and a batch computes it only where SPEC 5.6 makes it decide something:
- late-quorum protection (services.late_quorum): a batch with a vote submitted within the
  extension before end_at, while the proposal was not extended yet;
- early pass: after every batch of a proposal frozen with early pass; when its tally passes
  early, the finalization is sent (`governance.finalize_early`) once this batch committed.

The running sums of the live tally (services.vote_totals) are kept in the batch's transaction.

Each ballot is checked against the proposal's frozen voting type and options; while the ballots
are secret, neither the `vote_cast` event nor the job's result carries the choice or the weight.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import DateTime, Numeric, Text, Uuid, and_, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert

from governance.ballot_policy import Ballot, admit_ballot, ballot_counts, standing_ballots, still_eligible
from governance.ballots import ballot_of, recorded_choice, validate_ballot
from governance.early_pass import passes_early
from governance.receipts import ballot_leaf_hash
from governance.errors import DomainError, NotFound
from infra.celery import BROKER_ERRORS, TRANSIENT_ERRORS
from infra.db import after_commit, among, transaction
from governance.lifecycle import voting_ends_at
from models import Dao, DaoMember, Job, Proposal, ProposalVoter, Vote
from services.bans import banned_among
from services.disclosure import votes_hidden
from services.jobs import claim_batch, claim_queued, clear_drain_flag, finish_batch, lock_claimed, send_task
from services.jobs import VOTE_JOB_KIND, draining, fail_crashed, nudge_drain
from services.late_quorum import LateQuorumWatch
from services.outbox import event_row, record_events
from services.payloads import vote_cast_payload
from services.tally import current_tally
from services import vote_totals

log = logging.getLogger(__name__)

VOTE_BATCH = 200
# The jobs one drain task finishes at most (its result lists their ids: ~40 KB for 1,000).
DRAIN_MAX_JOBS = 1000


def _eligibility(session, proposal: Proposal, jobs: list[Job]) -> dict[str, tuple]:
    """voter -> (power, weight, still eligible) for the voters of `jobs` found in the snapshot
    (governance.ballots.still_eligible: not banned since, by moderation or in this DAO)."""
    voters = {job.actor for job in jobs}
    rows = session.execute(
        select(ProposalVoter.subject_id, ProposalVoter.power, ProposalVoter.weight, DaoMember.status)
        .outerjoin(
            DaoMember,
            and_(
                DaoMember.dao_id == proposal.dao_id,
                DaoMember.subject_id == ProposalVoter.subject_id,
                DaoMember.subject_type == ProposalVoter.subject_type,
            ),
        )
        .where(ProposalVoter.proposal_id == proposal.id, among(ProposalVoter.subject_id, voters))
    ).all()
    banned = banned_among(session, [row.subject_id for row in rows])
    return {
        row.subject_id: (row.power, row.weight, still_eligible(True, row.status, row.subject_id in banned))
        for row in rows
    }


_BALLOTS = func.jsonb_to_recordset(bindparam("rows", type_=JSONB)).table_valued(
    column("voter_id", Text), column("ballot", JSONB), column("choice", Text), column("raw_power", Numeric),
    column("weight", Numeric), column("submitted_at", DateTime(timezone=True)),
).render_derived(name="ballots", with_types=True)
_VOTES = Vote.__table__  # Core: an ORM-enabled insert from a SELECT would take the ORM's bulk path
_INSERT_VOTES = insert(_VOTES).from_select(
    ["id", "proposal_id", "voter_id", "ballot", "choice", "raw_power", "weight", "submitted_at"],
    select(func.gen_random_uuid(), bindparam("proposal_id", type_=Uuid), *_BALLOTS.c),
)
_KEYS = [_VOTES.c.proposal_id, _VOTES.c.voter_id]
# One JSON parameter for the batch's votes: the same statement text whatever their number.
_UPSERT = {
    True: _INSERT_VOTES.on_conflict_do_update(
        index_elements=_KEYS,
        set_={"ballot": _INSERT_VOTES.excluded.ballot, "choice": _INSERT_VOTES.excluded.choice,
              "submitted_at": _INSERT_VOTES.excluded.submitted_at, "updated_at": func.now()},
        where=_VOTES.c.submitted_at <= _INSERT_VOTES.excluded.submitted_at,
    ).returning(_VOTES.c.voter_id),
    False: _INSERT_VOTES.on_conflict_do_nothing(index_elements=_KEYS).returning(_VOTES.c.voter_id),
}


def _upsert(session, proposal: Proposal, jobs: list[Job], ballots: dict, eligible: dict) -> set[str]:
    """Write the standing vote of each voter of `jobs` in one statement; the voters whose vote
    was written. The database guards the ballot policy against a vote already stored: with vote
    change allowed an existing vote submitted later is kept; without it any existing vote is."""
    rows = [{
        "voter_id": job.actor, "ballot": ballots[job.id],
        "choice": recorded_choice(proposal.effective_voting_type, ballots[job.id]),
        "raw_power": str(eligible[job.actor][0]), "weight": str(eligible[job.actor][1]),
        "submitted_at": job.submitted_at.isoformat(),
    } for job in jobs]
    stmt = _UPSERT[bool(proposal.effective_allow_vote_change)]
    return set(session.scalars(stmt, {"proposal_id": proposal.id, "rows": rows}))


def _write(session, proposal: Proposal, chosen: list[Job], ballots: dict, eligible: dict) -> set[str]:
    """_upsert, with the proposal's running sums (services.vote_totals) kept in step: each
    vote written adds its ballot and subtracts the one it replaced (its weight is the stored
    one: frozen at the snapshot)."""
    if not vote_totals.lock_and_ensure(session, proposal):
        return _upsert(session, proposal, chosen, ballots, eligible)
    old = vote_totals.old_votes(session, proposal, {job.actor for job in chosen})
    written = _upsert(session, proposal, chosen, ballots, eligible)
    voting_type = proposal.effective_voting_type
    new = {
        job.actor: (recorded_choice(voting_type, ballots[job.id]), ballots[job.id],
                    old[job.actor][2] if job.actor in old else eligible[job.actor][1])
        for job in chosen if job.actor in written
    }
    vote_totals.apply(session, proposal, old, new)
    return written


def record_votes(session, proposal: Proposal, dao: Dao, jobs: list[Job]) -> dict:
    """Record the votes of `jobs` (of one proposal, locked) together: job id -> its result, or
    the DomainError that refuses it. Each vote written emits `vote_cast`.

    Which ballot of a voter stands is governance.ballots' policy: with vote change allowed the
    one submitted last is written and the others are `superseded`; without it the one submitted
    first is, the others fail `already_voted`, as does a vote of a voter who had voted before.
    A ballot that does not fit the proposal's voting type and options fails `validation_error`."""
    watch = LateQuorumWatch(session, proposal, dao, jobs)
    eligible = _eligibility(session, proposal, jobs)
    change = bool(proposal.effective_allow_vote_change)
    hidden = votes_hidden(proposal)
    outcomes: dict = {}
    ballots: dict = {}
    for job in jobs:
        try:
            admit_ballot(proposal.status, job.submitted_at, proposal.start_at,
                         voting_ends_at(proposal.end_at, proposal.closed_at),
                         job.actor in eligible and eligible[job.actor][2])
            ballots[job.id] = validate_ballot(
                proposal.effective_voting_type, proposal.options or (), ballot_of(job.request))
        except DomainError as error:
            outcomes[job.id] = error
    admitted = [job for job in jobs if job.id in ballots]
    standing = standing_ballots((Ballot(job.id, job.actor, job.submitted_at) for job in admitted), change)
    chosen = [job for job in admitted if standing[job.actor] == job.id]
    watch.before(chosen)
    written = _write(session, proposal, chosen, ballots, eligible) if chosen else set()
    events = []
    for job in admitted:
        data = vote_cast_payload(proposal, job.actor, ballots[job.id], eligible[job.actor][1], hidden=hidden)
        try:
            counts = ballot_counts(standing[job.actor] == job.id, job.actor in written, change)
        except DomainError as error:
            outcomes[job.id] = error
            continue
        if counts:
            events.append(event_row("vote_cast", actor=job.actor, dao=dao, data=data))
        outcomes[job.id] = {**data, "superseded": not counts}
        if not hidden:
            # The leaf hash goes to the voter's job result only, never into the event; while a
            # ballot is secret it stays out of the job too (a platform admin reads jobs, and a
            # leaf over a few possible ballots is guessed by hashing each).
            outcomes[job.id]["ballot_leaf_hash"] = ballot_leaf_hash(job.actor, ballots[job.id])
    record_events(session, events)  # one statement for the batch's vote_cast events, in job order
    if written:
        _after_batch(session, proposal, watch, [job for job in chosen if job.actor in written])
    return outcomes


def _after_batch(session, proposal: Proposal, watch: LateQuorumWatch, written: list[Job]) -> None:
    """What a written batch may decide (SPEC 5.6): the late-quorum extension, and early pass,
    from one tally computed only when either needs it."""
    if not (watch.watching or proposal.effective_early_pass):
        return
    result = current_tally(session, proposal)
    watch.after(result.quorum_reached, max(job.submitted_at for job in written))
    if proposal.effective_early_pass and passes_early(result):
        proposal_id = str(proposal.id)
        after_commit(session, lambda: _send_early_finalization(proposal_id))


def _send_early_finalization(proposal_id: str) -> None:
    try:
        send_task("governance.finalize_early", args=[proposal_id])
    except BROKER_ERRORS as error:  # the next batch sends it again; end_at finalizes it anyway
        log.warning("early pass of proposal %s not sent (broker unavailable: %s)", proposal_id, error)


def process_vote_job(session, job: Job) -> dict:
    """Record the vote of `job` together with every other vote job of the same proposal still
    queued; raise the job's own DomainError if its vote is refused (the batch then rolls back
    and its jobs are processed by their own messages); mark the others succeeded or failed."""
    proposal = session.scalar(
        select(Proposal).where(Proposal.id == uuid.UUID(job.target_id)).with_for_update(read=True, key_share=True)
    )
    if proposal is None:
        raise NotFound("the proposal no longer exists")
    dao = session.get(Dao, proposal.dao_id)
    batch = claim_batch(session, job, VOTE_BATCH - 1)
    outcomes = record_votes(session, proposal, dao, [job, *batch])
    if isinstance(outcomes[job.id], DomainError):
        raise outcomes[job.id]
    if batch:
        finish_batch(session, batch, outcomes)
    return outcomes[job.id]


def drain_votes(proposal_id: str) -> dict:
    """Record the queued vote jobs of the proposal, a batch per transaction, until none is left or
    DRAIN_MAX_JOBS were finished (then the drain of the rest is nudged, as a vote does: a drain
    task's work and its result stay bounded, and other proposals' drains get their turn).
    Idempotent: a job already finished is skipped; a second drain of the proposal waits for the
    first (services.jobs.draining), then finds what is left.

    The result, which Flower shows as the task's result (so that an operator finds a vote's drain
    by searching its job id): `votes`, the number written (a vote superseded in its batch by a
    later one of its voter, or refused, is finished but not counted), and `jobs`, the ids of the
    jobs it claimed and finished."""
    with draining(proposal_id):  # one drain of a proposal at a time (services.jobs.draining)
        clear_drain_flag(proposal_id)  # first: a vote committed from now on sends a drain of its own
        recorded, finished = 0, []
        while len(finished) < DRAIN_MAX_JOBS and (ids := claim_queued(VOTE_JOB_KIND, proposal_id, VOTE_BATCH)):
            if len(ids) == 1:
                recorded += _drain_alone(proposal_id, ids[0])
            else:
                try:
                    recorded += _drain_batch(proposal_id, ids)
                except TRANSIENT_ERRORS:
                    raise  # the task is retried; the jobs stay queued
                except Exception:  # noqa: BLE001 - a crashing batch is retried one job at a time
                    log.exception("a batch of %s votes of proposal %s crashed; retried one by one", len(ids),
                                  proposal_id)
                    recorded += sum(_drain_alone(proposal_id, job_id) for job_id in ids)
            finished += [str(job_id) for job_id in ids]
    if len(finished) >= DRAIN_MAX_JOBS:
        nudge_drain(VOTE_JOB_KIND, proposal_id)
    return {"votes": recorded, "jobs": finished}


def _drain_alone(proposal_id: str, job_id) -> int:
    """_drain_batch of one job; a crash fails that job (`internal_error`) and the drain goes on."""
    try:
        return _drain_batch(proposal_id, [job_id])
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # noqa: BLE001 - recorded on the job, with its log line
        log.exception("vote job %s crashed", job_id)
        fail_crashed(job_id, error)
        return 0


def _drain_batch(proposal_id: str, ids: list) -> int:
    """Record the claimed jobs `ids` still queued and finish them, in one transaction."""
    with transaction() as session:
        proposal = session.scalar(
            select(Proposal).where(Proposal.id == uuid.UUID(proposal_id)).with_for_update(read=True, key_share=True)
        )
        jobs = lock_claimed(session, ids)
        if not jobs:
            return 0
        if proposal is None:
            outcomes = {job.id: NotFound("the proposal no longer exists") for job in jobs}
        else:
            outcomes = record_votes(session, proposal, session.get(Dao, proposal.dao_id), jobs)
        finish_batch(session, jobs, outcomes, count_attempt=False)
        return sum(1 for outcome in outcomes.values()
                   if not isinstance(outcome, DomainError) and not outcome["superseded"])
