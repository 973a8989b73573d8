"""The dispute state machine (SPEC 7); the single place it is enforced.

    open --assign_moderator--> under_review --resolve--> resolved | dismissed
                                 |  ^  |
                                 +--+  +--escalate--> escalated
                       (assign_moderator again reassigns)

Evidence may be added while open or under review, leaving the status unchanged. resolved,
dismissed and escalated are final. Everything else raises InvalidState.
"""

from governance.errors import InvalidState, ValidationFailed
from governance.vocabulary import DISPUTE_STATUSES

ACTIONS = ("add_evidence", "assign_moderator", "resolve", "escalate")
RESOLUTIONS = ("resolved", "dismissed")
# Not yet decided: evidence may be added, and the dispute waits in its moderators' queue.
OPEN_STATUSES = ("open", "under_review")
RESOLVABLE = ("under_review",)  # a moderator took it

_ALLOWED = {
    ("open", "add_evidence"): "open",
    ("under_review", "add_evidence"): "under_review",
    ("open", "assign_moderator"): "under_review",
    ("under_review", "assign_moderator"): "under_review",
    ("under_review", "escalate"): "escalated",
}


def dispute_transition(status: str, action: str, outcome: str | None = None) -> str:
    """Return the status `action` leads to from `status`, or raise InvalidState.

    `resolve` needs `outcome` in ('resolved', 'dismissed') and leads to it; a missing or other
    outcome raises ValidationFailed (checked before the state, as a request body would be).
    Unknown statuses or actions raise ValueError.
    """
    if status not in DISPUTE_STATUSES:
        raise ValueError(f"unknown dispute status {status!r}")
    if action not in ACTIONS:
        raise ValueError(f"unknown dispute action {action!r}")
    if action == "resolve":
        if outcome not in RESOLUTIONS:
            raise ValidationFailed(
                "outcome must be resolved or dismissed",
                errors={"outcome": ["must be one of: resolved, dismissed"]},
            )
        if status not in RESOLVABLE:
            raise InvalidState(_refusal(action, RESOLVABLE, status))
        return outcome
    if (status, action) not in _ALLOWED:
        raise InvalidState(_refusal(action, [s for s, a in _ALLOWED if a == action], status))
    return _ALLOWED[(status, action)]


# What each action does, in words, for the message that refuses it.
_IN_WORDS = {
    "add_evidence": "evidence can be added to a dispute",
    "assign_moderator": "a moderator can be assigned to a dispute",
    "resolve": "a dispute can be resolved or dismissed",
    "escalate": "a dispute can be escalated",
}


def _refusal(action: str, allowed, status: str) -> str:
    """e.g. "evidence can be added to a dispute only while it is open or under review; this one
    is resolved"."""
    words = " or ".join(dict.fromkeys(state.replace("_", " ") for state in allowed))
    return f"{_IN_WORDS[action]} only while it is {words}; this one is {status.replace('_', ' ')}"
