"""Per-DAO roles (SPEC 4): the five defaults and the custom roles a DAO defines."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from governance.entitlements import DEFAULT_ROLES, validate_entitlements
from governance.errors import Conflict, NotFound, ValidationFailed
from models import Dao, DaoMember, DaoRole, DaoRoleAssignment


class RoleExists(Conflict):
    code, title = "role_exists", "Role exists"


class RoleInUse(Conflict):
    code, title = "role_in_use", "Role in use"


class DefaultRole(Conflict):
    code, title = "default_role", "Default role"


def find_role(session, dao: Dao, code: str, *, lock: str | None = None) -> DaoRole | None:
    """The role `code` of the DAO; `lock` 'share' (it is being assigned) or 'update' (changed)."""
    stmt = select(DaoRole).where(DaoRole.dao_id == dao.id, DaoRole.code == code)
    if lock:
        stmt = stmt.with_for_update(read=lock == "share")
    return session.scalar(stmt)


def get_role(session, dao: Dao, code: str, *, lock: str | None = None) -> DaoRole:
    role = find_role(session, dao, code, lock=lock)
    if role is None:
        raise NotFound(f"no role '{code}' in this DAO")
    return role


def require_role(session, dao: Dao, code: str, *, field: str = "role") -> DaoRole:
    """The role a member is being given; an unknown code is a validation error on `field`.
    The row is share-locked so that it cannot be deleted before the assignment commits."""
    role = find_role(session, dao, code, lock="share")
    if role is None:
        raise ValidationFailed(f"no role '{code}' in this DAO", errors={field: [f"unknown role '{code}'"]})
    return role


def create_role(session, dao: Dao, *, code: str, entitlements: Mapping, name: str | None = None) -> DaoRole:
    complete = validate_entitlements(entitlements)
    role = DaoRole(dao_id=dao.id, code=code, name=name or code, entitlements=complete, is_default=False)
    try:
        with session.begin_nested():
            session.add(role)
            session.flush()
    except IntegrityError:
        raise RoleExists(f"the role '{code}' exists") from None
    return role


def update_role(session, dao: Dao, role: DaoRole, *, entitlements: Mapping, name: str | None = None) -> DaoRole:
    """Replace the role's entitlements (missing ones false) and, if given, its name. The owner
    role always holds every entitlement, so that a DAO can never lock itself out."""
    complete = validate_entitlements(entitlements)
    if role.code == "owner" and complete != DEFAULT_ROLES["owner"]:
        raise DefaultRole("the owner role always holds every entitlement")
    role.entitlements = complete
    if name:
        role.name = name
    session.flush()
    return role


def delete_role(session, dao: Dao, role: DaoRole) -> None:
    """Delete a custom role that no member holds (whatever its status) as role or extra role."""
    if role.is_default:
        raise DefaultRole(f"the default role '{role.code}' cannot be deleted")
    in_use = session.scalar(
        select(
            or_(
                exists().where(DaoMember.dao_id == dao.id, DaoMember.role == role.code),
                exists().where(DaoRoleAssignment.dao_id == dao.id, DaoRoleAssignment.role == role.code),
            )
        )
    )
    if in_use:
        raise RoleInUse(f"the role '{role.code}' is held by members; reassign them first")
    session.delete(role)
    session.flush()
