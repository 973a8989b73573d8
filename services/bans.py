"""Who is banned by moderation (SPEC 7), decided in SQL for many subjects at once: a subject is
banned while its most recent user-targeted ban-state action (governance.moderation) is a ban.

`latest_ban_states` is the one query; `banned_among` runs it, and `not_banned` embeds it in a
larger statement (the vote accept path, services.vote_accept)."""

from __future__ import annotations

from sqlalchemy import exists, select

from governance.moderation import BAN_STATE_ACTIONS, is_banned
from infra.db import among
from models import ModerationAction

# The ban-state actions that leave a subject banned when they are its latest.
BANNING_ACTIONS = tuple(action for action in BAN_STATE_ACTIONS if is_banned(action))


def latest_ban_states(subject_ids):
    """SELECT (target_id, action): the latest ban-state action of each of `subject_ids` (a list
    of ids, a subquery or an SQL expression list) that has one."""
    ids = list(subject_ids) if isinstance(subject_ids, (list, tuple, set, frozenset)) else None
    if ids is not None and all(isinstance(subject, str) for subject in ids):
        of = among(ModerationAction.target_id, ids)  # one array parameter: one text for any size
    else:
        of = ModerationAction.target_id.in_(subject_ids)
    return (
        select(ModerationAction.target_id, ModerationAction.action)
        .where(
            ModerationAction.target_type == "user",
            among(ModerationAction.action, BAN_STATE_ACTIONS),
            of,
        )
        .distinct(ModerationAction.target_id)
        .order_by(
            ModerationAction.target_id,
            ModerationAction.created_at.desc(),
            ModerationAction.id.desc(),
        )
    )


def banned_among(session, subject_ids) -> set[str]:
    """Which of `subject_ids` (a list or a subquery) are banned now."""
    return {subject for subject, action in session.execute(latest_ban_states(subject_ids)) if is_banned(action)}


def not_banned(subject_id):
    """SQL: the subject `subject_id` (a value or an SQL expression) is not banned now."""
    # correlated: `subject_id` may be a column of the enclosing statement (each vote of a batch)
    latest = latest_ban_states([subject_id]).correlate_except(ModerationAction).subquery()
    return ~exists().where(among(latest.c.action, BANNING_ACTIONS)).select_from(latest)


def is_subject_banned(session, subject_id: str) -> bool:
    return subject_id in banned_among(session, [subject_id])
