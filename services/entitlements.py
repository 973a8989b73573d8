"""The database side of the entitlement resolution (SPEC 4): loading a DAO's roles and the roles
its members hold, for governance.entitlements to resolve. The access decision, the eligibility
snapshot and the no-escalation checks all read roles through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence

from sqlalchemy import select

from governance.entitlements import effective_entitlements, held_roles, roles_grant
from models import Dao, DaoRole, DaoRoleAssignment


def role_table(session, dao: Dao, codes: Iterable[str] | None = None) -> dict[str, dict]:
    """The DAO's roles: code -> entitlements object; only the roles `codes` when given."""
    stmt = select(DaoRole.code, DaoRole.entitlements).where(DaoRole.dao_id == dao.id)
    if codes is not None:
        stmt = stmt.where(DaoRole.code.in_(list(codes)))
    return dict(session.execute(stmt).all())


def granted_by(session, dao: Dao, codes: Iterable[str]) -> frozenset[str]:
    """What the DAO's roles `codes` grant together, whatever a member's status."""
    codes = list(codes)
    return roles_grant(role_table(session, dao, codes), codes)


def extra_roles(session, dao: Dao, subject_ids) -> dict[tuple[str, str], list[str]]:
    """(subject_type, subject_id) -> the extra roles it holds in the DAO, by code (a member is
    its type and its id: SPEC 3); `subject_ids` a list or a subquery (subjects without extra
    roles are absent)."""
    extra: dict[tuple[str, str], list[str]] = defaultdict(list)
    for subject_type, subject_id, role in session.execute(
        select(DaoRoleAssignment.subject_type, DaoRoleAssignment.subject_id, DaoRoleAssignment.role)
        .where(DaoRoleAssignment.dao_id == dao.id, DaoRoleAssignment.subject_id.in_(subject_ids))
        .order_by(DaoRoleAssignment.role)
    ):
        extra[(subject_type, subject_id)].append(role)
    return extra


def members_roles(session, dao: Dao, members: Sequence, subject_ids=None) -> list[list[str]]:
    """Every role each of `members` (rows or objects with subject_type, subject_id and role) holds: its role,
    then its extra roles (governance.entitlements.held_roles). `subject_ids`: a subquery
    selecting their ids, for many members (default: the list of their ids)."""
    if not members:
        return []
    extra = extra_roles(session, dao, subject_ids if subject_ids is not None else [m.subject_id for m in members])
    return [held_roles(m.role, extra.get((m.subject_type, m.subject_id), ())) for m in members]


def members_entitlements(
    session, dao: Dao, members: Sequence, banned: Container[str], subject_ids=None
) -> list[frozenset[str]]:
    """The entitlements each of `members` (with subject_id, role and status) holds, in order
    (governance.entitlements.effective_entitlements); `banned`: the subjects banned by
    moderation; `subject_ids` as for members_roles."""
    if not members:
        return []
    roles = role_table(session, dao)
    return [
        effective_entitlements(roles, codes, member.status, member.subject_id in banned)
        for member, codes in zip(members, members_roles(session, dao, members, subject_ids))
    ]
