"""Who is banned by moderation (SPEC 7), decided in SQL for many subjects at once: a subject is
banned while its most recent user-targeted ban-state action (governance.moderation) is a ban.

`latest_ban_states` is the one query; `banned_where` and `banned_among` run it, and `not_banned`
embeds it in a larger statement (the vote accept path, services.vote_accept)."""

from __future__ import annotations

from sqlalchemy import exists, select

from governance.moderation import BAN_STATE_ACTIONS, is_banned
from infra.db import among
from models import ModerationAction

# The ban-state actions that leave a subject banned when they are its latest.
BANNING_ACTIONS = tuple(action for action in BAN_STATE_ACTIONS if is_banned(action))


def latest_ban_states(of_target):
    """SELECT (target_id, action): the latest ban-state action of each subject that has one among
    those `of_target` (an SQL condition on ModerationAction.target_id) names."""
    return (
        select(ModerationAction.target_id, ModerationAction.action)
        .where(
            ModerationAction.target_type == "user",
            among(ModerationAction.action, BAN_STATE_ACTIONS),
            of_target,
        )
        .distinct(ModerationAction.target_id)
        .order_by(
            ModerationAction.target_id,
            ModerationAction.created_at.desc(),
            ModerationAction.id.desc(),
        )
    )


def banned_where(session, of_target) -> set[str]:
    """Which of the subjects `of_target` names (a condition on ModerationAction.target_id, e.g.
    `.in_(<a subquery>)`) are banned now."""
    return {subject for subject, action in session.execute(latest_ban_states(of_target)) if is_banned(action)}


def banned_among(session, subject_ids) -> set[str]:
    """Which of `subject_ids` are banned now (one array parameter, however many)."""
    return banned_where(session, among(ModerationAction.target_id, subject_ids))


def not_banned(subject_id):
    """SQL: the subject `subject_id` (a value or an SQL expression) is not banned now."""
    # correlated: `subject_id` may be a column of the enclosing statement (each vote of a batch)
    latest = latest_ban_states(ModerationAction.target_id == subject_id).correlate_except(ModerationAction).subquery()
    return ~exists().where(among(latest.c.action, BANNING_ACTIONS)).select_from(latest)


def is_subject_banned(session, subject_id: str) -> bool:
    return subject_id in banned_among(session, [subject_id])
