"""DAO routes (SPEC 8.3): list, create, overview, update settings, soft delete, restore.

A deactivated DAO stays readable by those who could read it, drops out of every list but its
owners', and refuses every change under it with 409 `invalid_state` (services.access.require_active);
DELETE of a deactivated DAO is a no-op 204. Deactivation cancels its active proposals and keeps its
drafts; its owners restore it with POST .../restore (services/dao_state.py).
"""

from flask import Blueprint, g
from sqlalchemy import func, or_, select

from governance.authority import require_owner
from governance.entitlements import OWNER_ROLE
from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.base import Extended
from api.schemas.daos import (
    DaoCreateSchema, DaoListQuerySchema, DaoOverviewSchema, DaoPageSchema, DaoRestoreSchema, DaoSchema,
    DaoSettingsSchema,
)
from api.treasury import treasury_items
from models import Dao, DaoMember, Proposal
from infra.db import transaction
from services.dao_state import deactivate_dao, restore_dao
from services.daos import create_dao, update_dao
from services.projects import daos_linking, project_ids_of
from services.moderation import refuse_banned

bp = Blueprint("daos", __name__, url_prefix="/api/v1/daos")
TAGS = ["daos"]


def dao_answers(session, daos) -> list[Extended]:
    """DAOs as DaoSchema shows them, each with `project_ids` (the projects it links)."""
    linked = project_ids_of(session, [dao.id for dao in daos])
    return [Extended(dao, project_ids=linked.get(dao.id, [])) for dao in daos]


def dao_answer(session, dao) -> Extended:
    return dao_answers(session, [dao])[0]


@bp.get("")
@endpoint(summary="Active DAOs the caller is an active member of, and the deactivated ones it owns; "
                  "?public=true adds the public ones; ?microdao_id= and ?project_id= filter",
          query=DaoListQuerySchema, responses={200: DaoPageSchema}, tags=TAGS)
def list_daos(query: dict):
    """A subject banned by moderation is answered 403 `banned`, as by every route under a DAO."""
    principal = g.principal
    member_of = select(DaoMember.dao_id).where(
        DaoMember.subject_id == principal.subject_id, DaoMember.subject_type == principal.subject_type,
        DaoMember.status == "active",
    )
    visible = or_(Dao.id.in_(member_of), Dao.is_public) if query["public"] else Dao.id.in_(member_of)
    owned = member_of.where(DaoMember.role == OWNER_ROLE)  # an owner still finds it, to restore it
    stmt = select(Dao).where(or_(Dao.is_active, Dao.id.in_(owned)), visible)
    if "microdao_id" in query:
        stmt = stmt.where(Dao.microdao_id == query["microdao_id"])
    if "project_id" in query:
        stmt = stmt.where(Dao.id.in_(daos_linking(query["project_id"])))
    with transaction() as session:
        refuse_banned(session, principal.subject_id)
        return listing(session, stmt, [Dao.slug], query, present=lambda rows: dao_answers(session, rows))


@bp.post("")
@endpoint(summary="Create a DAO; the caller becomes its owner", body=DaoCreateSchema,
          responses={201: DaoSchema}, tags=TAGS)
def post_dao(body: dict):
    principal = g.principal
    with transaction() as session:
        dao = create_dao(session, owner_id=principal.subject_id, owner_type=principal.subject_type, fields=body)
        shown = dao_answer(session, dao)
    return shown, 201, {"Location": f"/api/v1/daos/{dao.slug}"}


@bp.get("/<slug>")
@endpoint(summary="The DAO with its member, active proposal and treasury figures",
          responses={200: DaoOverviewSchema}, tags=TAGS)
def get_dao(slug: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return {
            "dao": dao_answer(session, dao),
            "members_count": session.scalar(
                select(func.count()).where(DaoMember.dao_id == dao.id, DaoMember.status == "active")
            ),
            "active_proposals_count": session.scalar(
                select(func.count()).where(Proposal.dao_id == dao.id, Proposal.status == "active")
            ),
            "treasury_items": treasury_items(session, dao),
        }


@bp.patch("/<slug>")
@endpoint(summary="Change the DAO's settings (can_manage_dao); the slug is immutable",
          body=DaoSettingsSchema, responses={200: DaoSchema}, tags=TAGS)
def patch_dao(slug: str, body: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_manage_dao", for_update=True).dao
        require_active(dao)
        return dao_answer(session, update_dao(session, dao, body, actor=g.principal.subject_id))


@bp.delete("/<slug>")
@endpoint(summary="Soft-delete the DAO: is_active = false, its active proposals canceled (can_manage_dao)",
          responses={204: None}, tags=TAGS)
def delete_dao(slug: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal, "can_manage_dao", for_update=True).dao
        deactivate_dao(session, dao, actor=g.principal.subject_id)
    return "", 204


@bp.post("/<slug>/restore")
@endpoint(summary="Restore a deactivated DAO (its owners); an active DAO stays as it is", body=DaoRestoreSchema,
          responses={200: DaoSchema}, tags=TAGS)
def post_restore(slug: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, None, for_update=True)
        require_owner(getattr(access.member, "role", None), getattr(access.member, "status", None))
        return dao_answer(session, restore_dao(session, access.dao, actor=g.principal.subject_id))
