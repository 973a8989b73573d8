"""Vote routes (SPEC 8.3, 5.2): list a proposal's votes; cast one (asynchronous, `votes` queue).

Casting answers at once what it can tell: 409 `voting_closed` outside the window or when the
proposal is not active, 403 `not_eligible` for a subject outside the eligibility snapshot (which
is what `can_vote` means for a proposal: the members holding it at activation). The job's
`submitted_at` is the submission time the window is judged by. The proposal row is held with a
KEY SHARE lock while the job is recorded, so that a finalization (which locks it FOR UPDATE)
sees every vote accepted before it.
"""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.jobs import enqueue, job_response
from api.pagination import listing
from api.schemas.jobs import JobSchema
from api.schemas.proposals import VoteCreateSchema, VoteListQuerySchema, VotePageSchema, VoteSchema
from governance.errors import NotEligible, VotingClosed
from governance.lifecycle import vote_window_open
from models import Vote
from infra.db import transaction
from infra.db import db_now
from services.drafts import load_proposal
from services.snapshot import in_snapshot

bp = Blueprint("votes", __name__, url_prefix="/api/v1/daos/<slug>/proposals/<pslug>/votes")
TAGS = ["votes"]


@bp.get("")
@endpoint(summary="The proposal's votes, by voter (?choice=)", query=VoteListQuerySchema,
          responses={200: VotePageSchema}, tags=TAGS)
def list_votes(slug: str, pslug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        proposal = load_proposal(session, dao, pslug)
        stmt = select(Vote).where(Vote.proposal_id == proposal.id)
        if "choice" in query:
            stmt = stmt.where(Vote.choice == query["choice"])
        return listing(session, stmt, [Vote.voter_id], query, VoteSchema(many=True).dump)


@bp.post("")
@endpoint(summary="Cast or change the caller's vote {choice} (members of the eligibility snapshot)",
          body=VoteCreateSchema, responses={202: JobSchema, 200: JobSchema}, asynchronous=True, tags=TAGS)
def post_vote(slug: str, pslug: str, body: dict):
    principal = g.principal
    with transaction() as session:
        dao = dao_access(session, slug, principal, None).dao
        require_active(dao)
        proposal = load_proposal(session, dao, pslug, lock="key_share")
        if proposal.status != "active" or not vote_window_open(db_now(session), proposal.start_at, proposal.end_at):
            raise VotingClosed(f"voting is not open (the proposal is {proposal.status})")
        if not in_snapshot(session, proposal, principal.subject_id):
            raise NotEligible("not in this proposal's eligibility snapshot")
        job = enqueue(
            session, "cast_vote", {"choice": body["choice"], "proposal_slug": proposal.slug, "dao_slug": slug},
            target_id=proposal.id,
        )
    return job_response(job)
