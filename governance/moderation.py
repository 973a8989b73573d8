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


def _known(action: str | None) -> str | None:
    if action is not None and action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    return action


def _latest_of(actions: Iterable[str], kinds: tuple[str, ...]) -> str | None:
    """The last of `actions` (in time order) that is one of `kinds`, or None."""
    latest = None
    for action in actions:
        if _known(action) in kinds:
            latest = action
    return latest


def is_banned(latest_user_action: str | None) -> bool:
    """True iff the most recent ban-state action (ban | restore) against the user is `ban`.

    None (no such action) means not banned.
    """
    return _known(latest_user_action) == "ban"


def banned_after(actions: Iterable[str]) -> bool:
    """Whether a user is banned after `actions`, its user-targeted actions in time order."""
    return is_banned(_latest_of(actions, BAN_STATE_ACTIONS))


# Visibility of a proposal (issue 11): `hide` and `remove` take it out of sight, `restore` brings
# it back; the latest of the three on that proposal decides, as ban and restore do for a user
# (a `warn` changes nothing). Who still sees a hidden proposal: governance.authority.sees_hidden.
VISIBILITY_ACTIONS = ("hide", "remove", "restore")
HIDING_ACTIONS = ("hide", "remove")


def is_hidden(latest_visibility_action: str | None) -> bool:
    """True iff the most recent visibility action (hide | remove | restore) on the target hides
    it. None (no such action) means visible."""
    return _known(latest_visibility_action) in HIDING_ACTIONS


def hidden_after(actions: Iterable[str]) -> bool:
    """Whether a target is hidden after `actions`, the actions on it in time order."""
    return is_hidden(_latest_of(actions, VISIBILITY_ACTIONS))
