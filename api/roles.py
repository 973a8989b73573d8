"""Role routes and the permission decision point (SPEC 4, 8.3).

Custom roles need can_manage_roles and, against escalation, the entitlements they grant or take
away. Default roles cannot be deleted and the owner role always holds every entitlement; a role
some member holds cannot be deleted.
"""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import access_for, dao_access, require_active
from api.endpoint import endpoint
from api.pagination import PageQuerySchema, listing
from api.schemas.roles import (
    PermissionQuerySchema, PermissionSchema, RoleCreateSchema, RolePageSchema, RoleSchema, RoleUpdateSchema,
)
from governance.authority import require_role_change_within
from governance.entitlements import entitlement_for_action, validate_entitlements
from models import DaoRole
from infra.db import transaction
from services.roles import create_role, delete_role, get_role, update_role

bp = Blueprint("roles", __name__, url_prefix="/api/v1/daos/<slug>")
TAGS = ["roles"]


def _manage(session, slug: str):
    access = dao_access(session, slug, g.principal, "can_manage_roles")
    require_active(access.dao)
    return access


@bp.get("/roles")
@endpoint(summary="The DAO's roles, by code", query=PageQuerySchema, responses={200: RolePageSchema}, tags=TAGS)
def list_roles(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return listing(
            session,
            select(DaoRole).where(DaoRole.dao_id == dao.id),
            [DaoRole.code],
            query,
        )


@bp.post("/roles")
@endpoint(summary="Define a custom role (can_manage_roles)", body=RoleCreateSchema,
          responses={201: RoleSchema}, tags=TAGS)
def post_role(slug: str, body: dict):
    with transaction() as session:
        access = _manage(session, slug)
        require_role_change_within(access.entitlements, None, validate_entitlements(body["entitlements"]))
        role = create_role(session, access.dao, **body)
    return role, 201, {"Location": f"/api/v1/daos/{slug}/roles/{role.code}"}


@bp.get("/roles/<code>")
@endpoint(summary="One role", responses={200: RoleSchema}, tags=TAGS)
def get_one(slug: str, code: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return get_role(session, dao, code)


@bp.put("/roles/<code>")
@endpoint(summary="Replace a role's entitlements and name (can_manage_roles)", body=RoleUpdateSchema,
          responses={200: RoleSchema}, tags=TAGS)
def put_role(slug: str, code: str, body: dict):
    with transaction() as session:
        access = _manage(session, slug)
        role = get_role(session, access.dao, code, lock="update")
        require_role_change_within(access.entitlements, role.entitlements, validate_entitlements(body["entitlements"]))
        return update_role(session, access.dao, role, **body)


@bp.delete("/roles/<code>")
@endpoint(summary="Delete a custom role no member holds (can_manage_roles)", responses={204: None}, tags=TAGS)
def delete_one(slug: str, code: str):
    with transaction() as session:
        access = _manage(session, slug)
        role = get_role(session, access.dao, code, lock="update")
        require_role_change_within(access.entitlements, role.entitlements, None)
        delete_role(session, access.dao, role)
    return "", 204


@bp.get("/permissions")
@endpoint(summary="The PDP answer: may subject_id (default: the caller) do action in this DAO",
          query=PermissionQuerySchema, responses={200: PermissionSchema}, tags=TAGS)
def get_permissions(slug: str, query: dict):
    action = query.get("action")
    needed = entitlement_for_action(action) if action is not None else None
    subject_id = query.get("subject_id", g.principal.subject_id)
    subject_type = query.get("subject_type", g.principal.subject_type if subject_id == g.principal.subject_id else None)
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        entitlements = access_for(session, dao, subject_id, subject_type).entitlements
    return {
        "subject_id": subject_id,
        "action": action,
        "allowed": None if needed is None else needed in entitlements,
        "entitlements": sorted(entitlements),
    }
