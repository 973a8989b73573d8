"""The ban rule and the visibility rule (SPEC 7); the moderation vocabulary is in
governance.vocabulary.

Decision: only `ban` and `restore` change whether a subject is banned. A `warn`, `hide` or
`remove` recorded against a banned user does not lift the ban (SPEC 7 says "banned while its
most recent user-targeted action is ban"; we read it over the actions that speak to the ban, so
warning a banned user cannot unban them by accident). Callers therefore look up the most recent
user-targeted action among BAN_STATE_ACTIONS and pass it to `is_banned`.
"""

from typing import Iterable

from governance.vocabulary import MODERATION_ACTIONS

BAN_STATE_ACTIONS = ("ban", "restore")


def is_banned(latest_user_action: str | None) -> bool:
    """True iff the most recent ban-state action (ban | restore) against the user is `ban`.

    None (no such action) means not banned.
    """
    if latest_user_action is not None and latest_user_action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown moderation action {latest_user_action!r}")
    return latest_user_action == "ban"


def banned_after(actions: Iterable[str]) -> bool:
    """Whether a user is banned after `actions`, its user-targeted actions in time order."""
    latest = None
    for action in actions:
        if action not in MODERATION_ACTIONS:
            raise ValueError(f"unknown moderation action {action!r}")
        if action in BAN_STATE_ACTIONS:
            latest = action
    return is_banned(latest)


# Visibility of a proposal (issue 11): `hide` and `remove` take it out of sight, `restore` brings
# it back; the latest of the three on that proposal decides, as ban and restore do for a user
# (a `warn` changes nothing). Who still sees a hidden proposal: governance.authority.sees_hidden.
VISIBILITY_ACTIONS = ("hide", "remove", "restore")
HIDING_ACTIONS = ("hide", "remove")


def is_hidden(latest_visibility_action: str | None) -> bool:
    """True iff the most recent visibility action (hide | remove | restore) on the target hides
    it. None (no such action) means visible."""
    if latest_visibility_action is not None and latest_visibility_action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown moderation action {latest_visibility_action!r}")
    return latest_visibility_action in HIDING_ACTIONS


def hidden_after(actions: Iterable[str]) -> bool:
    """Whether a target is hidden after `actions`, the actions on it in time order."""
    latest = None
    for action in actions:
        if action not in MODERATION_ACTIONS:
            raise ValueError(f"unknown moderation action {action!r}")
        if action in VISIBILITY_ACTIONS:
            latest = action
    return is_hidden(latest)
