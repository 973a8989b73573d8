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
        if status != "under_review":
            raise InvalidState(f"cannot resolve a dispute that is {status}")
        return outcome
    if (status, action) not in _ALLOWED:
        raise InvalidState(f"cannot {action} a dispute that is {status}")
    return _ALLOWED[(status, action)]
