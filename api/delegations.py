"""Delegation routes (SPEC 8.3): list; set or clear the caller's delegate."""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.members import DelegationListQuerySchema, DelegationPageSchema, DelegationSchema, DelegationSetSchema
from models import Delegation
from infra.db import transaction
from services.delegations import clear_delegate, set_delegate

bp = Blueprint("delegations", __name__, url_prefix="/api/v1/daos/<slug>/delegations")
TAGS = ["delegations"]


@bp.get("")
@endpoint(summary="The DAO's delegations (?delegator_id=, ?delegate_id=)", query=DelegationListQuerySchema,
          responses={200: DelegationPageSchema}, tags=TAGS)
def list_delegations(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        stmt = select(Delegation).where(Delegation.dao_id == dao.id)
        for key in ("delegator_id", "delegate_id"):
            if key in query:
                stmt = stmt.where(getattr(Delegation, key) == query[key])
        return listing(session, stmt, [Delegation.delegator_id], query)


@bp.put("/me")
@endpoint(summary="Set the caller's delegate, an active member (the caller needs can_vote)",
          body=DelegationSetSchema, responses={200: DelegationSchema}, tags=TAGS)
def put_mine(slug: str, body: dict):
    me = g.principal.subject_id
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_vote").dao
        require_active(dao)
        return set_delegate(session, dao, me, body["delegate_id"], actor=me)


@bp.delete("/me")
@endpoint(summary="Clear the caller's delegate (none set: nothing changes)", responses={204: None}, tags=TAGS)
def delete_mine(slug: str):
    me = g.principal.subject_id
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        require_active(dao)
        clear_delegate(session, dao, me, actor=me)
    return "", 204
