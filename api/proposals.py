"""Proposal routes (SPEC 8.3): drafts, detail with the live tally, the tally, and the lifecycle
transitions (asynchronous jobs on the `lifecycle` queue).

Who may do what: any reader lists and reads; `can_create_proposals` creates; the author edits
its draft. Activate and cancel: the author (while it holds `can_create_proposals`) or
`can_manage_proposals`; close and execute: `can_manage_proposals`. A transition that can
obviously not happen (e.g. activating a canceled proposal) is refused at once with 409; one that
already happened is accepted and its job succeeds without changing anything.
"""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.jobs import enqueue, job_response
from api.pagination import listing
from api.schemas.jobs import JobSchema
from api.schemas.proposals import (
    ProposalCreateSchema, ProposalDetailSchema, ProposalEditSchema, ProposalListQuerySchema,
    ProposalPageSchema, ProposalSchema, TallyQuerySchema, TallySchema,
)
from governance.errors import Forbidden, InvalidState
from governance.lifecycle import activation_window, already_done, ensure_allowed
from models import Proposal
from infra.db import transaction
from infra.db import db_now
from services.drafts import create_proposal, load_proposal, update_draft
from services.tally import current_tally

bp = Blueprint("proposals", __name__, url_prefix="/api/v1/daos/<slug>/proposals")
TAGS = ["proposals"]


def _tally(session, proposal: Proposal) -> dict | None:
    """The stored result once finalized, the live tally once activated, else None."""
    if proposal.result is not None:
        return proposal.result
    if proposal.activated_at is None:
        return None
    return current_tally(session, proposal).to_json()


@bp.get("")
@endpoint(summary="The DAO's proposals, newest first (?status=)", query=ProposalListQuerySchema,
          responses={200: ProposalPageSchema}, tags=TAGS)
def list_proposals(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        stmt = select(Proposal).where(Proposal.dao_id == dao.id)
        if "status" in query:
            stmt = stmt.where(Proposal.status == query["status"])
        return listing(
            session,
            stmt,
            [Proposal.created_at, Proposal.id],
            query,
            ProposalSchema(many=True).dump,
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
        shown = ProposalSchema().dump(proposal)
    return shown, 201, {"Location": f"/api/v1/daos/{slug}/proposals/{proposal.slug}"}


@bp.get("/<pslug>")
@endpoint(summary="A proposal with its tally (live while active)", responses={200: ProposalDetailSchema},
          tags=TAGS)
def get_proposal(slug: str, pslug: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        proposal = load_proposal(session, dao, pslug)
        return {**ProposalSchema().dump(proposal), "tally": _tally(session, proposal)}


@bp.patch("/<pslug>")
@endpoint(summary="Edit a draft (its author only)", body=ProposalEditSchema,
          responses={200: ProposalSchema}, tags=TAGS)
def patch_proposal(slug: str, pslug: str, body: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_read").dao
        require_active(dao)
        proposal = load_proposal(session, dao, pslug, lock="update")
        if proposal.created_by != g.principal.subject_id:
            raise Forbidden("only the author may edit a proposal")
        return ProposalSchema().dump(update_draft(session, proposal, body))


@bp.get("/<pslug>/tally")
@endpoint(summary="The tally (SPEC 5.3); ?model= computes it under another model for comparison",
          query=TallyQuerySchema, responses={200: TallySchema}, tags=TAGS)
def get_tally(slug: str, pslug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        proposal = load_proposal(session, dao, pslug)
        if proposal.activated_at is None:
            raise InvalidState("the proposal has not been activated: it has no voters yet")
        model = query.get("model")
        if proposal.result is not None and model in (None, proposal.effective_model):
            return proposal.result
        return current_tally(session, proposal, model).to_json()


def _authorize(access, proposal: Proposal, action: str) -> None:
    if access.has("can_manage_proposals"):
        return
    author = proposal.created_by == g.principal.subject_id and access.has("can_create_proposals")
    if action in ("activate", "cancel") and author:
        return
    raise Forbidden(f"{action} needs can_manage_proposals" + (" or the author" if action in ("activate", "cancel") else ""))


def _transition(slug: str, pslug: str, action: str):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, None)
        require_active(access.dao)
        proposal = load_proposal(session, access.dao, pslug)
        _authorize(access, proposal, action)
        if not already_done(proposal.status, action):
            ensure_allowed(proposal.status, action)
            if action == "activate":  # a window that cannot open is a 422 now, not a failed job
                activation_window(db_now(session), proposal.start_at, proposal.end_at,
                                  access.dao.voting_period_seconds)
        job = enqueue(
            session, f"{action}_proposal",
            {"dao_slug": slug, "proposal_id": str(proposal.id), "proposal_slug": proposal.slug},
            target_id=proposal.id,
        )
    return job_response(job)


def _transition_route(action: str, summary: str):
    @endpoint(summary=summary, responses={202: JobSchema, 200: JobSchema}, asynchronous=True, tags=TAGS)
    def view(slug: str, pslug: str):
        return _transition(slug, pslug, action)

    view.__name__ = f"{action}_proposal"
    bp.post(f"/<pslug>/{action}")(view)


_transition_route("activate", "Open voting: take the eligibility snapshot (author or can_manage_proposals)")
_transition_route("close", "Finalize now: tally and decide (can_manage_proposals)")
_transition_route("execute", "Carry out a passed proposal's actions (can_manage_proposals)")
_transition_route("cancel", "Cancel a draft or active proposal (author or can_manage_proposals)")
