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
from api.schemas.proposals import VoteCreateSchema, VoteListQuerySchema, VotePageSchema
from governance.ballot_policy import admit_ballot
from governance.lifecycle import voting_ends_at
from models import Vote
from infra.db import transaction
from infra.db import db_now
from services.drafts import load_proposal
from services.snapshot import in_snapshot

bp = Blueprint("votes", __name__, url_prefix="/api/v1/daos/<slug>/proposals/<pslug>/votes")
TAGS = ["votes"]


@bp.get("")
@endpoint(summary="The proposal's votes, by voter (?choice=, ?voter_id=)", query=VoteListQuerySchema,
          responses={200: VotePageSchema}, tags=TAGS)
def list_votes(slug: str, pslug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        proposal = load_proposal(session, dao, pslug)
        stmt = select(Vote).where(Vote.proposal_id == proposal.id)
        for key in ("choice", "voter_id"):
            if key in query:
                stmt = stmt.where(getattr(Vote, key) == query[key])
        return listing(session, stmt, [Vote.voter_id], query)


@bp.post("")
@endpoint(summary="Cast or change the caller's vote {choice} (members of the eligibility snapshot)",
          body=VoteCreateSchema, asynchronous=True, tags=TAGS)
def post_vote(slug: str, pslug: str, body: dict):
    principal = g.principal
    with transaction() as session:
        dao = dao_access(session, slug, principal, None).dao
        require_active(dao)
        proposal = load_proposal(session, dao, pslug, lock="key_share")
        admit_ballot(proposal.status, db_now(session), proposal.start_at,
                     voting_ends_at(proposal.end_at, proposal.closed_at),
                     in_snapshot(session, proposal, principal.subject_id))
        job = enqueue(
            session, "cast_vote", {"choice": body["choice"], "proposal_slug": proposal.slug, "dao_slug": slug},
            target_id=proposal.id,
        )
    return job_response(job)
