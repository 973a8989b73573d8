"""The dispute state machine (SPEC 7, issue 11); the single place it is enforced.

    open --assign_moderator--> under_review --resolve--> resolved | dismissed
      |                          |  ^  |
      |                          +--+  +--escalate--> escalated --resolve--> resolved | dismissed
      |                  (assign_moderator again reassigns)   ^  |
      +--escalate (a party, once no moderator took it in time)-+  +--assign_moderator (stays escalated)

Evidence may be added while open or under review, leaving the status unchanged. An escalated
dispute has gone beyond the moderators of its DAO: only platform moderators (the `moderator` or
`platform_admin` role) take it (assign_moderator) and resolve or dismiss it
(`platform_only()`). A party may escalate an open dispute that no moderator took within the
escalation time (`escalation_due_at()`; the setting DISPUTE_ESCALATION_AFTER_SECONDS). resolved and
dismissed are final. Everything else raises InvalidState.
"""

from datetime import datetime, timedelta

from governance.errors import Forbidden, InvalidState, ValidationFailed
from governance.vocabulary import DISPUTE_STATUSES

ACTIONS = ("add_evidence", "assign_moderator", "resolve", "escalate")
RESOLUTIONS = ("resolved", "dismissed")
# Not yet decided: evidence may be added, and the dispute waits in its moderators' queue.
OPEN_STATUSES = ("open", "under_review")
ESCALATED = "escalated"
# Every status a moderator's queue can show: escalated disputes wait for platform moderators.
PENDING_STATUSES = (*OPEN_STATUSES, ESCALATED)
RESOLVABLE = ("under_review", ESCALATED)  # a moderator took it, or it went beyond its DAO

_ALLOWED = {
    ("open", "add_evidence"): "open",
    ("under_review", "add_evidence"): "under_review",
    ("open", "assign_moderator"): "under_review",
    ("under_review", "assign_moderator"): "under_review",
    ("under_review", "escalate"): ESCALATED,
    ("open", "escalate"): ESCALATED,  # only once escalation is due (dispute_transition)
    (ESCALATED, "assign_moderator"): ESCALATED,
}


def escalation_due_at(opened_at: datetime, escalate_after_seconds: int) -> datetime:
    """When a party may escalate a dispute opened at `opened_at` that no moderator took."""
    return opened_at + timedelta(seconds=escalate_after_seconds)


def dispute_transition(status: str, action: str, outcome: str | None = None, *, now: datetime | None = None,
                       escalation_due: datetime | None = None) -> str:
    """Return the status `action` leads to from `status`, or raise InvalidState.

    `resolve` needs `outcome` in ('resolved', 'dismissed') and leads to it; a missing or other
    outcome raises ValidationFailed (checked before the state, as a request body would be).
    `escalate` from `open` needs `now` at or after `escalation_due` (escalation_due_at): until
    then a moderator may still take the dispute. Unknown statuses or actions raise ValueError.
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
    if (status, action) == ("open", "escalate") and (now is None or escalation_due is None or now < escalation_due):
        when = f" from {escalation_due.isoformat()}" if escalation_due is not None else ""
        raise InvalidState(f"an open dispute can be escalated once no moderator took it in time{when}; "
                           "until then a moderator may take it")
    return _ALLOWED[(status, action)]


def platform_only(status: str) -> bool:
    """Whether only platform moderators may act on a dispute in `status` as its moderator
    (assign, resolve, dismiss): an escalated one has gone beyond its DAO's moderators."""
    return status == ESCALATED


def require_escalator(status: str, is_party: bool) -> None:
    """Who escalates: a party or a moderator of a dispute under review; only a party an open one
    (it asks for moderation nobody gave). Forbidden otherwise."""
    if status == "open" and not is_party:
        raise Forbidden("only a party escalates an open dispute; a moderator takes it instead")


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
