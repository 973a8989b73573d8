"""Vote routes (SPEC 8.3, 5.2, 5.6): list a proposal's votes; cast one (asynchronous, `votes` queue).

Casting answers at once what it can tell: 409 `voting_closed` outside the window (its end_at as
extended by late-quorum protection) or when the proposal is not active, 403 `not_eligible` for a
subject outside the eligibility snapshot (which is what `can_vote` means for a proposal: the
members holding it at activation), 422 for a ballot that does not fit the proposal's frozen
voting type and options. The job's `submitted_at` is the submission time the window is judged
by. The proposal row is held with a KEY SHARE lock while the job is recorded, so that a
finalization (which locks it FOR UPDATE) sees every vote accepted before it.

While the ballots are secret (services.disclosure) the list gives voter and time only and
refuses `?choice=` with 409 `ballots_secret`.
"""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.jobs import enqueue, job_response
from api.pagination import listing
from api.schemas.proposals import VoteCreateSchema, VoteListQuerySchema, VotePageSchema
from governance.ballot_policy import admit_ballot
from governance.ballots import validate_ballot
from governance.errors import BallotsSecret
from governance.secrecy import redact_vote
from governance.lifecycle import voting_ends_at
from models import Vote
from infra.db import transaction
from infra.db import db_now
from services.disclosure import votes_hidden
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
    principal = g.principal
    with transaction() as session:
        access = dao_access(session, slug, principal, None)
        require_active(access.dao)
        proposal = visible_proposal(session, principal, access, pslug, lock="key_share")
        admit_ballot(proposal.status, db_now(session), proposal.start_at,
                     voting_ends_at(proposal.end_at, proposal.closed_at),
                     in_snapshot(session, proposal, principal.subject_id))
        ballot = validate_ballot(proposal.effective_voting_type, proposal.options or (), body)
        job = enqueue(
            session, "cast_vote", {**ballot, "proposal_slug": proposal.slug, "dao_slug": slug}, target_id=proposal.id,
        )
    return job_response(job)
