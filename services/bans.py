"""Who is banned by moderation (SPEC 7), decided in SQL for many subjects at once: a subject is
banned while its most recent user-targeted ban-state action (governance.moderation) is a ban."""

from __future__ import annotations

from sqlalchemy import select

from governance.moderation import BAN_STATE_ACTIONS, is_banned
from models import ModerationAction


def banned_among(session, subject_ids) -> set[str]:
    """Which of `subject_ids` (a list or a subquery) are banned now."""
    latest = session.execute(
        select(ModerationAction.target_id, ModerationAction.action)
        .where(
            ModerationAction.target_type == "user",
            ModerationAction.action.in_(BAN_STATE_ACTIONS),
            ModerationAction.target_id.in_(subject_ids),
        )
        .distinct(ModerationAction.target_id)
        .order_by(
            ModerationAction.target_id,
            ModerationAction.created_at.desc(),
            ModerationAction.id.desc(),
        )
    )
    return {subject for subject, action in latest if is_banned(action)}


def is_subject_banned(session, subject_id: str) -> bool:
    return subject_id in banned_among(session, [subject_id])
