"""Membership (SPEC 4): adding, changing and removing members. A DAO always keeps at least one
active owner. A member is identified in its DAO by its subject type and its subject id (SPEC 3:
unique per (dao, subject_type, subject_id)): `user:x` and `agent:x` may both be members. Where
a caller names a member by its id alone, the id must name one member: when it names two (a user
and an agent), AmbiguousSubject (409 `ambiguous_subject`) asks for the type."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from governance.errors import Conflict, NotFound, ValidationFailed
from services.outbox import record_event
from services.payloads import member_payload
from models import Dao, DaoMember
from services.entitlements import members_roles
from services.roles import require_role

MEMBER_FIELDS = ("role", "voting_power", "status")


class AlreadyMember(Conflict):
    code, title = "already_member", "Already a member"


class LastOwner(Conflict):
    code, title = "last_owner", "Last owner"


class AmbiguousSubject(Conflict):
    code, title = "ambiguous_subject", "Ambiguous subject"


def members_with_id(session, dao: Dao, subject_id: str, subject_type: str | None = None, *,
                    lock: bool = False) -> list[DaoMember]:
    """The members of the DAO with this id (and this type, when given): at most one per type."""
    stmt = select(DaoMember).where(DaoMember.dao_id == dao.id, DaoMember.subject_id == subject_id)
    if subject_type is not None:
        stmt = stmt.where(DaoMember.subject_type == subject_type)
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt.order_by(DaoMember.subject_type)))


def find_member(session, dao: Dao, subject_id: str, subject_type: str | None = None, *,
                lock: bool = False) -> DaoMember | None:
    """The member `subject_type`:`subject_id`, or None. Without a type, the one member with that
    id; AmbiguousSubject when the id is both a user's and an agent's."""
    found = members_with_id(session, dao, subject_id, subject_type, lock=lock)
    if len(found) > 1:
        raise AmbiguousSubject(
            f"'{subject_id}' is a member both as {' and as '.join(m.subject_type for m in found)}: "
            "name one with subject_type")
    return found[0] if found else None


def get_member(session, dao: Dao, subject_id: str, subject_type: str | None = None, *,
               lock: bool = False) -> DaoMember:
    member = find_member(session, dao, subject_id, subject_type, lock=lock)
    if member is None:
        named = f"{subject_type} '{subject_id}'" if subject_type else f"'{subject_id}'"
        raise NotFound(f"{named} is not a member of this DAO")
    return member


def is_active_member(session, dao: Dao, subject_id: str) -> bool:
    """Whether an active member of the DAO has this id, of either type (for what is keyed by the
    id alone: a delegate, a time-credit account)."""
    return any(m.status == "active" for m in members_with_id(session, dao, subject_id))


def member_data(session, dao: Dao, member: DaoMember) -> dict:
    """The member as events carry it, with every role it holds."""
    return member_payload(member, members_roles(session, dao, [member])[0])


def _power(value) -> Decimal:
    try:
        power = Decimal(str(value))
    except InvalidOperation:
        power = Decimal(-1)
    if not power.is_finite() or power < 0:
        raise ValidationFailed("invalid voting power", errors={"voting_power": ["must be a decimal >= 0"]})
    return power


def _keep_an_owner(session, dao: Dao, member: DaoMember, *, role: str, status: str) -> None:
    """Refuse to leave the DAO without an active owner. The DAO row lock orders concurrent
    changes, so two owners demoting each other at once cannot both succeed."""
    if member.role != "owner" or member.status != "active" or (role == "owner" and status == "active"):
        return
    session.execute(select(Dao.id).where(Dao.id == dao.id).with_for_update())
    other = session.scalar(
        select(DaoMember.id).where(
            DaoMember.dao_id == dao.id, DaoMember.role == "owner", DaoMember.status == "active",
            DaoMember.id != member.id,
        ).limit(1)
    )
    if other is None:
        raise LastOwner("a DAO keeps at least one active owner: make another member owner first")


def add_member(session, dao: Dao, *, subject_id: str, subject_type: str = "user", role: str = "member",
               voting_power=Decimal(1), actor: str, reactivate_ok: bool = False) -> DaoMember:
    """Add a member, or re-activate one that left or is pending (with the given role and power).
    An active or banned member is AlreadyMember unless `reactivate_ok` (proposal execution: "add
    or re-activate"), which then sets its role, power and status active. Event `member_added`."""
    require_role(session, dao, role)
    power = _power(voting_power)
    member = find_member(session, dao, subject_id, subject_type, lock=True)
    if member is None:
        member = DaoMember(dao_id=dao.id, subject_id=subject_id, subject_type=subject_type, role=role,
                           status="active", voting_power=power)
        try:
            with session.begin_nested():
                session.add(member)
                session.flush()
        except IntegrityError:
            raise AlreadyMember(f"'{subject_id}' is already a member") from None
    else:
        if member.status in ("active", "banned") and not reactivate_ok:
            raise AlreadyMember(f"'{subject_id}' is already a member (status {member.status})")
        if (member.role, member.status, member.voting_power) == (role, "active", power):
            return member
        _keep_an_owner(session, dao, member, role=role, status="active")
        member.role, member.status, member.voting_power = role, "active", power
        session.flush()
    record_event(session, "member_added", actor=actor, dao=dao, data=member_data(session, dao, member))
    return member


def _change_role(session, dao: Dao, member: DaoMember, role: str, *, actor: str) -> bool:
    if role == member.role:
        return False
    require_role(session, dao, role)
    _keep_an_owner(session, dao, member, role=role, status=member.status)
    previous, member.role = member.role, role
    session.flush()
    record_event(
        session, "role_changed", actor=actor, dao=dao,
        data={"subject_id": member.subject_id, "role": role, "previous_role": previous},
    )
    return True


def set_role(session, dao: Dao, subject_id: str, role: str, *, actor: str, subject_type: str | None = None) -> DaoMember:
    """Give a member another role (event `role_changed`; the same role changes nothing)."""
    member = get_member(session, dao, subject_id, subject_type, lock=True)
    _change_role(session, dao, member, role, actor=actor)
    return member


def update_member(session, dao: Dao, member: DaoMember, changes: dict, *, actor: str) -> DaoMember:
    """Change any of role, voting_power, status. Event `member_updated` with the fields that
    changed (none: no event); a role change also emits `role_changed`."""
    unknown = sorted(set(changes) - set(MEMBER_FIELDS))
    if unknown:
        raise ValidationFailed("unknown member fields", errors={key: ["unknown field"] for key in unknown})
    status = changes.get("status", member.status)
    power = _power(changes["voting_power"]) if "voting_power" in changes else member.voting_power
    changed = ["role"] if _change_role(session, dao, member, changes.get("role", member.role), actor=actor) else []
    _keep_an_owner(session, dao, member, role=member.role, status=status)
    for key, value in (("voting_power", power), ("status", status)):
        if getattr(member, key) != value:
            setattr(member, key, value)
            changed.append(key)
    if not changed:
        return member
    session.flush()
    shown = member_data(session, dao, member)
    record_event(
        session, "member_updated", actor=actor, dao=dao,
        data={"changes": {key: shown[key] for key in changed}, "member": shown},
    )
    return member


def remove_member(session, dao: Dao, subject_id: str, *, actor: str, subject_type: str | None = None) -> DaoMember:
    """Set the member's status to `left` (event `member_removed`); one that left already is left
    as it is. NotFound if the subject never was a member."""
    member = get_member(session, dao, subject_id, subject_type, lock=True)
    if member.status == "left":
        return member
    _keep_an_owner(session, dao, member, role=member.role, status="left")
    member.status = "left"
    session.flush()
    record_event(session, "member_removed", actor=actor, dao=dao, data=member_data(session, dao, member))
    return member
