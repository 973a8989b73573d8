"""Vote routes (SPEC 8.3, 5.2, 5.6): list a proposal's votes; cast one (asynchronous, `votes` queue).

Casting answers at once what it can tell: 409 `voting_closed` outside the window (its end_at as
extended by late-quorum protection) or when the proposal is not active, 403 `not_eligible` for a
subject outside the eligibility snapshot (which is what `can_vote` means for a proposal: the
members holding it at activation), 422 for a ballot that does not fit the proposal's frozen
voting type and options. The job's `submitted_at` is the submission time the window is judged
by. The proposal row is held with a KEY SHARE lock while the job is recorded, so that a
finalization (which locks it FOR UPDATE) sees every vote accepted before it.

The accepted vote takes one statement (services.vote_accept: the checks, the lock and the job
insert together, shared with the votes the process's other request threads hand in at that
moment) and no Celery message (its proposal's drain is nudged once it committed,
services.jobs.nudge_drain); only when that statement inserts nothing, or for a request with an
`Idempotency-Key` (services.jobs.record's repeat and fingerprint rules), does the route take the
slow path below, which finds the refusal. A plain vote is answered before it reaches this route,
by api/vote_fast_path (the same `vote_request` and statement, the same answer, without Flask's
per-request work); what that middleware does not take comes here, and a vote whose statement it
already ran arrives marked SLOW_PATH, for the slow path without a second count. The route checks
the ban itself (the statement, or
dao_access on the slow path), so the write hook's own ban check (api/moderation) skips it, and so
does the rate limiter's hook: the accept batch counts the vote in its Redis round trip, the slow
path counts it before its checks (a body its schema refuses with 422 is not counted: it costs no
database work).

While the ballots are secret (services.disclosure) the list gives voter and time only and
refuses `?choice=` with 409 `ballots_secret`.
"""

from flask import Blueprint, g, request
from sqlalchemy import select

from services.access import dao_access, require_active
from api import ratelimit
from api.endpoint import endpoint
from api.jobs import enqueue, job_response
from api.pagination import listing
from api.schemas.proposals import VoteCreateSchema, VoteListQuerySchema, VotePageSchema
from governance.ballot_policy import admit_ballot
from governance.ballots import validate_ballot
from governance.errors import BallotsSecret, DomainError
from governance.secrecy import redact_vote
from governance.lifecycle import voting_ends_at
from models import Vote
from infra.db import transaction
from infra.db import db_now
from services.disclosure import votes_hidden
from services import vote_accept
from services.snapshot import in_snapshot
from services.visibility import visible_proposal

bp = Blueprint("votes", __name__, url_prefix="/api/v1/daos/<slug>/proposals/<pslug>/votes")
TAGS = ["votes"]


@bp.get("")
@endpoint(summary="The proposal's votes, by voter (?choice=, ?voter_id=); voter and time only while the "
                  "ballots are secret", query=VoteListQuerySchema, responses={200: VotePageSchema},
          problems=(409,), tags=TAGS)
def list_votes(slug: str, pslug: str, query: dict):
    with transaction() as session:
        proposal = visible_proposal(session, g.principal, dao_access(session, slug, g.principal), pslug)
        hidden = votes_hidden(proposal)
        if hidden and "choice" in query:
            raise BallotsSecret("the ballots of this proposal are secret until it is finalized")
        stmt = select(Vote).where(Vote.proposal_id == proposal.id)
        for key in ("choice", "voter_id"):
            if key in query:
                stmt = stmt.where(getattr(Vote, key) == query[key])
        return listing(session, stmt, [Vote.voter_id], query, present=_secret_votes if hidden else list)


def _secret_votes(rows: list[Vote]) -> list[dict]:
    return [redact_vote({column.key: getattr(row, column.key) for column in Vote.__table__.columns}) for row in rows]


@bp.post("")
@endpoint(summary="Cast or change the caller's vote: {choice}, {choices} or {ranking} as the proposal's voting "
                  "type asks (members of the eligibility snapshot)",
          body=VoteCreateSchema, asynchronous=True, tags=TAGS)
def post_vote(slug: str, pslug: str, body: dict):
    if request.environ.get(SLOW_PATH_KEY) is SLOW_PATH:
        # api/vote_fast_path ran (and counted) the vote's statement, which inserted nothing
        return job_response(_accept_or_refuse(slug, pslug, body))
    vote = None if "Idempotency-Key" in request.headers else vote_request(
        slug, pslug, body, g.principal, ratelimit.limit())
    if vote is None:
        ratelimit.count_write(g.principal.subject_id)
        return job_response(_accept_or_refuse(slug, pslug, body))
    job = vote_accept.accept(vote)
    if isinstance(job, vote_accept.OverLimit):
        raise ratelimit.RateLimited(vote.rate_limit, job.at)
    return job_response(job or _accept_or_refuse(slug, pslug, body))


post_vote.checks_ban = True  # api/moderation.refuse_banned_writes leaves it to the route
post_vote.counts_own_rate = True  # api/ratelimit.limit_writes too: the accept batch counts it


# The key of the request's WSGI environ under which api/vote_fast_path hands a vote over to this
# route, and the value saying "its statement inserted nothing: take the slow path, uncounted".
SLOW_PATH_KEY = "governance.vote.slow_path"
SLOW_PATH = object()


def vote_request(slug: str, pslug: str, body: dict, principal, rate_limit: int) -> vote_accept.VoteRequest | None:
    """The vote for the one-statement path (services.vote_accept, batched, which also counts it
    against the rate limit), or None for the slow path (counted by its caller)."""
    rules = vote_accept.frozen_rules(slug, pslug)
    if rules is None:
        return None
    proposal_id, voting_type, options = rules
    try:
        ballot = validate_ballot(voting_type, options, body)
    except DomainError:
        return None  # the slow path answers the refusal in its order
    return vote_accept.VoteRequest(
        dao_slug=slug, proposal_id=proposal_id, proposal_slug=pslug, subject_id=principal.subject_id,
        subject_type=principal.subject_type, request={**ballot, "proposal_slug": pslug, "dao_slug": slug},
        rate_limit=rate_limit,
    )


def _accept_or_refuse(slug: str, pslug: str, body: dict):
    """The slow path: each check in turn, so that a refused vote gets its refusal."""
    principal = g.principal
    with transaction() as session:
        access = dao_access(session, slug, principal, None)
        require_active(access.dao)
        proposal = visible_proposal(session, principal, access, pslug, lock="key_share")
        admit_ballot(proposal.status, db_now(session), proposal.start_at,
                     voting_ends_at(proposal.end_at, proposal.closed_at),
                     in_snapshot(session, proposal, principal.subject_id))
        vote_accept.remember(slug, proposal)
        ballot = validate_ballot(proposal.effective_voting_type, proposal.options or (), body)
        return enqueue(
            session, "cast_vote", {**ballot, "proposal_slug": proposal.slug, "dao_slug": slug}, target_id=proposal.id,
        )
