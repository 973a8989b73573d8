"""Proposal routes (SPEC 8.3): drafts, detail with the live tally, the tally, and the lifecycle
transitions (asynchronous jobs on the `lifecycle` queue).

Who may do what: any reader lists and reads; `can_create_proposals` creates; the author edits
its draft. Activate and cancel: the author (while it holds `can_create_proposals`) or
`can_manage_proposals`; close and execute: `can_manage_proposals`. A transition that can
obviously not happen (e.g. activating a canceled proposal) is refused at once with 409; one that
already happened is accepted and its job succeeds without changing anything. A proposal that
moderation hid or removed is out of every route to those who do not see it (services.visibility).
"""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.jobs import enqueue, job_response
from api.pagination import listing
from api.schemas.base import Extended
from api.schemas.proposals import (
    ProposalCreateSchema, ProposalDetailSchema, ProposalEditSchema, ProposalListQuerySchema,
    ProposalPageSchema, ProposalSchema, TallyQuerySchema, TallySchema,
)
from governance.errors import Forbidden, InvalidState
from governance.authority import require_transition_right
from governance.lifecycle import check_request
from models import Proposal
from infra.db import transaction
from infra.db import db_now
from services.disclosure import shown_tally
from services.drafts import create_proposal, update_draft
from services.lifecycle import frozen_settings
from services.visibility import visible_proposal, visible_proposals

bp = Blueprint("proposals", __name__, url_prefix="/api/v1/daos/<slug>/proposals")
TAGS = ["proposals"]


def _tally(session, proposal: Proposal) -> dict | None:
    """The stored result once finalized, the live tally once activated (as secrecy allows),
    else None."""
    if proposal.activated_at is None:
        return None
    return shown_tally(session, proposal)


@bp.get("")
@endpoint(summary="The DAO's proposals, newest first (?status=)", query=ProposalListQuerySchema,
          responses={200: ProposalPageSchema}, tags=TAGS)
def list_proposals(slug: str, query: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal)
        stmt = visible_proposals(select(Proposal).where(Proposal.dao_id == access.dao.id), g.principal, access)
        if "status" in query:
            stmt = stmt.where(Proposal.status == query["status"])
        return listing(
            session,
            stmt,
            [Proposal.created_at, Proposal.id],
            query,
            descending=True,
        )


@bp.post("")
@endpoint(summary="Create a draft (can_create_proposals); the slug is made from the title when absent",
          body=ProposalCreateSchema, responses={201: ProposalSchema}, tags=TAGS)
def post_proposal(slug: str, body: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_create_proposals").dao
        require_active(dao)
        proposal = create_proposal(session, dao, author=g.principal.subject_id, fields=body)
    return proposal, 201, {"Location": f"/api/v1/daos/{slug}/proposals/{proposal.slug}"}


@bp.get("/<pslug>")
@endpoint(summary="A proposal with its tally (live while active)", responses={200: ProposalDetailSchema},
          tags=TAGS)
def get_proposal(slug: str, pslug: str):
    with transaction() as session:
        proposal = visible_proposal(session, g.principal, dao_access(session, slug, g.principal), pslug)
        return Extended(proposal, tally=_tally(session, proposal))


@bp.patch("/<pslug>")
@endpoint(summary="Edit a draft (its author only)", body=ProposalEditSchema,
          responses={200: ProposalSchema}, tags=TAGS)
def patch_proposal(slug: str, pslug: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, "can_read")
        require_active(access.dao)
        proposal = visible_proposal(session, g.principal, access, pslug, lock="update")
        if proposal.created_by != g.principal.subject_id:
            raise Forbidden("only the author may edit a proposal")
        return update_draft(session, proposal, body)


@bp.get("/<pslug>/tally")
@endpoint(summary="The tally (SPEC 5.3, 5.6); ?model= computes it under another model for comparison",
          query=TallyQuerySchema, responses={200: TallySchema}, problems=(409,), tags=TAGS)
def get_tally(slug: str, pslug: str, query: dict):
    with transaction() as session:
        proposal = visible_proposal(session, g.principal, dao_access(session, slug, g.principal), pslug)
        if proposal.activated_at is None:
            raise InvalidState("the proposal has not been activated: it has no voters yet")
        return shown_tally(session, proposal, query.get("model"))


def _transition(slug: str, pslug: str, action: str):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, None)
        require_active(access.dao)
        proposal = visible_proposal(session, g.principal, access, pslug)
        require_transition_right(action, access.entitlements, proposal.created_by == g.principal.subject_id)
        # A transition that cannot happen is a 409 or 422 now, not a failed job; a draft that
        # cannot be activated (a multi-option type without options) is a 422.
        period = access.dao.voting_period_seconds
        if action == "activate" and proposal.status == "draft":
            period = frozen_settings(access.dao, proposal).voting_period_seconds
        check_request(proposal.status, action, now=db_now(session), start_at=proposal.start_at,
                      end_at=proposal.end_at, voting_period_seconds=period)
        job = enqueue(
            session, f"{action}_proposal",
            {"dao_slug": slug, "proposal_id": str(proposal.id), "proposal_slug": proposal.slug},
            target_id=proposal.id,
        )
    return job_response(job)


def _transition_route(action: str, summary: str):
    @endpoint(summary=summary, asynchronous=True, tags=TAGS)
    def view(slug: str, pslug: str):
        return _transition(slug, pslug, action)

    view.__name__ = f"{action}_proposal"
    bp.post(f"/<pslug>/{action}")(view)


_transition_route("activate", "Open voting: take the eligibility snapshot (author or can_manage_proposals)")
_transition_route("close", "Finalize now: tally and decide (can_manage_proposals)")
_transition_route("execute", "Carry out a passed proposal's actions (can_manage_proposals)")
_transition_route("cancel", "Cancel a draft or active proposal (author or can_manage_proposals)")
