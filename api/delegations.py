"""Delegation routes (SPEC 8.3, 5.6): list; set or clear the caller's delegate, general or for one
proposal type."""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.members import (
    DelegationClearQuerySchema, DelegationListQuerySchema, DelegationPageSchema, DelegationSchema, DelegationSetSchema,
)
from models import Delegation
from infra.db import transaction
from services.delegations import clear_delegate, set_delegate

bp = Blueprint("delegations", __name__, url_prefix="/api/v1/daos/<slug>/delegations")
TAGS = ["delegations"]


@bp.get("")
@endpoint(summary="The DAO's delegations (?delegator_id=, ?delegate_id=, ?proposal_type=)", query=DelegationListQuerySchema,
          responses={200: DelegationPageSchema}, tags=TAGS)
def list_delegations(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        stmt = select(Delegation).where(Delegation.dao_id == dao.id)
        for key in ("delegator_id", "delegate_id", "proposal_type"):
            if key in query:
                stmt = stmt.where(getattr(Delegation, key) == query[key])
        return listing(session, stmt, [Delegation.delegator_id, Delegation.id], query)


@bp.put("/me")
@endpoint(summary="Set the caller's delegate, an active member, in general or for one proposal type "
                  "(the caller needs can_vote)",
          body=DelegationSetSchema, responses={200: DelegationSchema}, tags=TAGS)
def put_mine(slug: str, body: dict):
    me = g.principal.subject_id
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_vote").dao
        require_active(dao)
        return set_delegate(session, dao, me, body["delegate_id"], actor=me, proposal_type=body["proposal_type"])


@bp.delete("/me")
@endpoint(summary="Clear the caller's general delegate, or with ?proposal_type= the one for that type "
                  "(none set: nothing changes)",
          query=DelegationClearQuerySchema, responses={204: None}, tags=TAGS)
def delete_mine(slug: str, query: dict):
    me = g.principal.subject_id
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        require_active(dao)
        clear_delegate(session, dao, me, actor=me, proposal_type=query["proposal_type"])
    return "", 204
