"""Authorization reads (SPEC 4): who may do what in a DAO. Used by routes and tasks alike.

A subject banned by moderation holds no entitlement in any DAO (SPEC 4, 7), so every route under
a DAO answers it 403 `banned`, reads as well as writes (`dao_access`), as GET /daos does: one
code wherever it asks for a DAO's data, public DAOs included."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from governance.authority import moderates
from governance.errors import Banned, Forbidden, InvalidState, NotFound
from models import Dao, DaoMember
from services.bans import is_subject_banned

BANNED_MESSAGE = "this subject is banned: it holds no entitlement in any DAO"
from services.entitlements import members_entitlements
from services.members import find_member


@dataclass(frozen=True)
class Access:
    """What one subject holds in one DAO."""

    dao: Dao
    member: DaoMember | None
    entitlements: frozenset[str]
    banned: bool = False  # by moderation: no entitlement anywhere

    @property
    def can_see(self) -> bool:
        return self.dao.is_public or self.member is not None

    def has(self, entitlement: str) -> bool:
        return entitlement in self.entitlements


def load_dao(session, slug: str, *, for_update: bool = False) -> Dao:
    stmt = select(Dao).where(Dao.slug == slug)
    if for_update:
        stmt = stmt.with_for_update()
    dao = session.scalar(stmt)
    if dao is None:
        raise NotFound(f"no DAO '{slug}'")
    return dao


def entitlements_of(session, dao: Dao, member: DaoMember | None, banned: bool) -> frozenset[str]:
    if member is None:
        return frozenset()
    return members_entitlements(session, dao, [member], {member.subject_id} if banned else ())[0]


def access_for(session, dao: Dao, subject_id: str, subject_type: str | None = None) -> Access:
    """What the subject holds in the DAO. Without `subject_type`, the id must name one member
    (services.members.find_member: AmbiguousSubject when it is both a user's and an agent's)."""
    member = find_member(session, dao, subject_id, subject_type)
    banned = is_subject_banned(session, subject_id)  # once: it bears on both kinds of access
    entitlements = entitlements_of(session, dao, member, banned)
    if dao.is_public and not banned:
        entitlements = entitlements | {"can_read"}
    return Access(dao=dao, member=member, entitlements=entitlements, banned=banned)


def moderates_in(session, principal, dao: Dao | None) -> bool:
    """Whether `principal` moderates a target of `dao` (None: a target outside any DAO), by
    governance.authority.moderates. A platform moderator's DAO entitlements are not read: they
    cannot change the answer."""
    held = frozenset()
    if dao is not None and not principal.is_moderator:
        held = access_for(session, dao, principal.subject_id, principal.subject_type).entitlements
    return moderates(principal.is_moderator, held)


def dao_access(session, slug: str, principal, entitlement: str | None = "can_read", *, for_update=False) -> Access:
    """Load the DAO and the caller's access; 404 if absent, 403 `banned` if the caller is banned
    by moderation, 403 if the DAO is private to the caller or if the caller lacks `entitlement`."""
    dao = load_dao(session, slug, for_update=for_update)
    access = access_for(session, dao, principal.subject_id, principal.subject_type)
    if access.banned:
        raise Banned(BANNED_MESSAGE)
    if not access.can_see:
        raise Forbidden("this DAO is private to its members")
    if entitlement and not access.has(entitlement):
        raise Forbidden(f"requires {entitlement}")
    return access


def require_active(dao: Dao) -> None:
    """A deactivated (soft-deleted) DAO stays readable but refuses every change: 409 invalid_state."""
    if not dao.is_active:
        raise InvalidState(f"the DAO '{dao.slug}' is deactivated")
