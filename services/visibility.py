"""What moderation hid (SPEC 7, issue 11): a proposal whose latest `hide`, `remove` or `restore`
is a hide or a remove (governance.moderation.is_hidden) is out of sight of everyone but those
governance.authority.sees_hidden names (platform moderators, and in its DAO the holders of
can_moderate or can_audit): it is left out of the proposal list and the DAO's activity, and
every route under it answers 404 as if it did not exist.

The latest action is looked up per proposal by the moderation log's index (target type, target
id, time); lists filter in SQL, so that pages keep their size.
"""

from __future__ import annotations

from sqlalchemy import Text, cast, or_, select

from governance.authority import sees_hidden
from governance.errors import NotFound
from governance.moderation import HIDING_ACTIONS, VISIBILITY_ACTIONS, is_hidden
from infra.db import among
from models import Event, ModerationAction, Proposal
from services.drafts import load_proposal


def latest_visibility_action(target_id):
    """A scalar subquery: the latest hide, remove or restore on the proposal whose id (as text)
    is the SQL expression `target_id`, or NULL."""
    return (
        select(ModerationAction.action)
        .where(ModerationAction.target_type == "proposal", ModerationAction.target_id == target_id,
               among(ModerationAction.action, VISIBILITY_ACTIONS))
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def not_hidden(target_id):
    """SQL: the proposal whose id (as text) is `target_id` is not hidden by moderation."""
    latest = latest_visibility_action(target_id)
    return or_(latest.is_(None), ~among(latest, HIDING_ACTIONS))



def sees_hidden_in(principal, access) -> bool:
    """Whether the caller (its `access` to the DAO) still sees what moderation hid there."""
    return sees_hidden(principal.is_moderator, access.entitlements)


def visible_proposals(stmt, principal, access):
    """`stmt` (selecting proposals) without the hidden ones, unless the caller sees them."""
    return stmt if sees_hidden_in(principal, access) else stmt.where(not_hidden(cast(Proposal.id, Text)))


def visible_events(stmt, principal, access):
    """`stmt` (selecting events) without those about a hidden proposal, unless the caller sees them."""
    if sees_hidden_in(principal, access):
        return stmt
    about = Event.payload["data"]["proposal_id"].astext
    return stmt.where(or_(about.is_(None), not_hidden(about)))


def visible_proposal(session, principal, access, slug: str, *, lock: str | None = None) -> Proposal:
    """The DAO's proposal `slug` (services.drafts.load_proposal, with `lock`); NotFound, as for no
    such proposal, when it is hidden from the caller."""
    proposal = load_proposal(session, access.dao, slug, lock=lock)
    if not sees_hidden_in(principal, access) and is_hidden(
        session.scalar(select(latest_visibility_action(str(proposal.id))))
    ):
        raise NotFound(f"no proposal '{slug}' in this DAO")
    return proposal
