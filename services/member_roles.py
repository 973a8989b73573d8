"""Extra roles of a member (SPEC 3 `dao_role_assignments`, SPEC 4): a member holds its role and
any number of extra roles, and the union of what they grant.

Who may change a member's roles: a holder of can_manage_members that, against escalation
(governance.authority.require_within), holds every entitlement the member's roles and the role
given or taken grant. A grant or a revocation that changes something emits `member_updated` with
`changes.roles` (every role held afterwards) and the member, in the caller's transaction.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from governance.authority import require_within
from governance.entitlements import check_extra_role
from models import Dao, DaoMember, DaoRoleAssignment
from services.entitlements import granted_by, members_roles
from services.members import member_data
from services.outbox import record_event
from services.roles import require_role


def require_may_manage(session, access, member: DaoMember | None, role: str | None = None, *,
                       field: str = "role") -> None:
    """No escalation: the caller (`access`) must hold every entitlement the roles `member` holds
    and the role `role` (when given; an unknown one is a validation error on `field`) grant."""
    codes = members_roles(session, access.dao, [member])[0] if member is not None else []
    if role is not None:
        codes.append(require_role(session, access.dao, role, field=field).code)
    require_within(access.entitlements, granted_by(session, access.dao, codes))


def _updated(session, dao: Dao, member: DaoMember, actor: str) -> None:
    shown = member_data(session, dao, member)
    record_event(session, "member_updated", actor=actor, dao=dao,
                 data={"changes": {"roles": shown["roles"]}, "member": shown})


def grant_extra_role(session, dao: Dao, member: DaoMember, code: str, *, actor: str) -> bool:
    """Give the (locked) member the extra role `code`, a role of the DAO other than its own role
    and `owner` (ValidationFailed on `code`); True when it did not hold it yet."""
    require_role(session, dao, code, field="code")
    check_extra_role(code, member.role)
    granted = session.execute(
        insert(DaoRoleAssignment)
        .values(id=uuid.uuid4(), dao_id=dao.id, subject_id=member.subject_id, subject_type=member.subject_type,
                role=code)
        .on_conflict_do_nothing()
        .returning(DaoRoleAssignment.id)
    ).scalar_one_or_none()
    if granted is not None:
        _updated(session, dao, member, actor)
    return granted is not None


def revoke_extra_role(session, dao: Dao, member: DaoMember, code: str, *, actor: str) -> bool:
    """Take the extra role `code` from the (locked) member; True when it held it (otherwise
    nothing changes)."""
    revoked = session.execute(
        delete(DaoRoleAssignment)
        .where(DaoRoleAssignment.dao_id == dao.id, DaoRoleAssignment.subject_id == member.subject_id,
               DaoRoleAssignment.subject_type == member.subject_type, DaoRoleAssignment.role == code)
        .returning(DaoRoleAssignment.id)
    ).first()
    if revoked is not None:
        _updated(session, dao, member, actor)
    return revoked is not None
