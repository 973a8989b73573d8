"""Moderation (SPEC 7): the append-only action log and who may write and read it.

Platform moderators (the `moderator` or `platform_admin` token role) act on any target. Within
a DAO, members holding `can_moderate` act on that DAO (`target_type = dao`, `target_id` = its
slug) and on its proposals (`target_type = proposal`, `target_id` = the proposal id; a `hide` or
`remove` takes the proposal out of sight, a `restore` brings it back: services.visibility). Users,
listings and declarations are platform-wide targets: a ban holds in every DAO, so only platform
moderators may ban or restore a user.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from services.access import BANNED_MESSAGE, moderates_in
from services.bans import is_subject_banned
from governance.errors import Banned, Forbidden
from services.outbox import record_event
from models import Dao, ModerationAction, Proposal

def target_dao(session, target_type: str, target_id: str) -> Dao | None:
    """The DAO a `dao` or `proposal` target belongs to, if any."""
    if target_type == "dao":
        return session.scalar(select(Dao).where(Dao.slug == target_id))
    if target_type == "proposal":
        try:
            proposal_id = uuid.UUID(target_id)
        except ValueError:
            return None
        return session.scalar(select(Dao).join(Proposal, Proposal.dao_id == Dao.id).where(Proposal.id == proposal_id))
    return None


def _canonical(target_type: str, target_id: str) -> str:
    """A proposal's id in its one spelling (lowercase, hyphenated), the one services.visibility
    looks up; other targets as given."""
    if target_type == "proposal":
        try:
            return str(uuid.UUID(target_id))
        except ValueError:
            return target_id
    return target_id


def may_moderate(session, principal, target_type: str, target_id: str) -> bool:
    return moderates_in(session, principal, target_dao(session, target_type, target_id))


def record_action(session, principal, *, target_type: str, target_id: str, action: str, reason: str,
                  notes: str | None) -> ModerationAction:
    """Append one action and its `moderation.action_taken` event. A `ban` or `restore` of a
    user changes whether it is banned from the moment this transaction commits."""
    if not may_moderate(session, principal, target_type, target_id):
        raise Forbidden("requires a moderator of this target")
    target_id = _canonical(target_type, target_id)
    entry = ModerationAction(
        id=uuid.uuid4(), moderator_id=principal.subject_id, target_type=target_type, target_id=target_id,
        action=action, reason=reason, notes=notes,
    )
    session.add(entry)
    session.flush()
    record_event(
        session, "moderation.action_taken", actor=principal.subject_id,
        dao=target_dao(session, target_type, target_id),
        data={"action_id": str(entry.id), "moderator_id": principal.subject_id, "target_type": target_type,
              "target_id": target_id, "action": action, "reason": reason},
    )
    return entry


def actions_query(session, principal, *, target_type: str | None, target_id: str | None):
    """The statement listing the actions on a target; all actions for platform moderators."""
    if not principal.is_moderator and not (target_type and target_id
                                           and may_moderate(session, principal, target_type, target_id)):
        raise Forbidden("requires a moderator of this target")
    stmt = select(ModerationAction)
    if target_type:
        stmt = stmt.where(ModerationAction.target_type == target_type)
    if target_id:
        stmt = stmt.where(ModerationAction.target_id == target_id)
    return stmt


def refuse_banned(session, subject_id: str) -> None:
    """Raise Banned while the subject is banned (its requests and queued movements fail)."""
    if is_subject_banned(session, subject_id):
        raise Banned(BANNED_MESSAGE)
