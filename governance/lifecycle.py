"""The proposal state machine and its time windows (SPEC 5.1, 5.2).

    draft --activate--> active --finalize--> passed --execute--> executed
      |                   |              +-> rejected
      +--cancel--> canceled <--cancel--+ +-> expired

Every other transition raises InvalidState (409). A repeated request for a transition that has
already happened is a no-op, detected with `already_done` before calling `transition`.
"""

from datetime import datetime, timedelta

from governance.errors import InvalidState, ValidationFailed
from governance.vocabulary import OUTCOMES, PROPOSAL_STATUSES

# 'close' is the API's name for a manual finalize.
ACTIONS = ("activate", "finalize", "close", "execute", "cancel")

_FROM = {
    "activate": ("draft",),
    "finalize": ("active",),
    "close": ("active",),
    "execute": ("passed",),
    "cancel": ("draft", "active"),
}
_DONE = {
    "activate": ("active",),
    "finalize": OUTCOMES,
    "close": OUTCOMES,
    "execute": ("executed",),
    "cancel": ("canceled",),
}
_TO = {"activate": "active", "execute": "executed", "cancel": "canceled"}


def _check(status: str, action: str) -> None:
    if status not in PROPOSAL_STATUSES:
        raise ValueError(f"unknown proposal status {status!r}")
    if action not in ACTIONS:
        raise ValueError(f"unknown proposal action {action!r}")


def transition(status: str, action: str, outcome: str | None = None) -> str:
    """Return the status `action` leads to from `status`, or raise InvalidState.

    finalize/close needs the tally's `outcome` (passed | rejected | expired) and leads to it;
    other actions take no outcome. Unknown statuses, actions or outcomes raise ValueError
    (a programming error, not a user one).
    """
    _check(status, action)
    finalizing = action in ("finalize", "close")
    if finalizing and outcome not in OUTCOMES:
        raise ValueError(f"finalize needs an outcome in {OUTCOMES}, got {outcome!r}")
    if not finalizing and outcome is not None:
        raise ValueError(f"{action} takes no outcome")
    ensure_allowed(status, action)
    return outcome if finalizing else _TO[action]


def ensure_allowed(status: str, action: str) -> None:
    """Raise InvalidState unless `action` may start from `status` (e.g. before computing the
    tally a finalize needs). Check `already_done` first: a repeat is a no-op, not an error."""
    _check(status, action)
    if status not in _FROM[action]:
        raise InvalidState(f"cannot {action} a proposal that is {status}")


def already_done(status: str, action: str) -> bool:
    """True when the proposal already is where `action` leads, so a repeat is a no-op.

    activate & active; finalize/close & passed|rejected|expired; execute & executed;
    cancel & canceled.
    """
    _check(status, action)
    return status in _DONE[action]


def activation_window(
    now: datetime,
    start_at: datetime | None,
    end_at: datetime | None,
    voting_period_seconds: int,
) -> tuple[datetime, datetime]:
    """The voting window fixed at activation.

    start_at becomes `now` when absent or past; end_at becomes start_at + voting period when
    absent. Raises ValidationFailed when the resulting end_at is not after start_at.
    """
    start = now if start_at is None or start_at < now else start_at
    end = end_at if end_at is not None else start + timedelta(seconds=voting_period_seconds)
    require_end_after_start(start, end)
    return start, end


def require_end_after_start(start_at: datetime | None, end_at: datetime | None) -> None:
    """Raise ValidationFailed (on end_at) when both bounds are given and end_at is not after
    start_at."""
    if start_at is not None and end_at is not None and end_at <= start_at:
        raise ValidationFailed(
            "end_at must be after start_at", errors={"end_at": ["must be after start_at"]}
        )


def require_end_in_future(end_at: datetime | None, now: datetime) -> None:
    """Raise ValidationFailed (on end_at) when end_at is given and not after `now`."""
    if end_at is not None and end_at <= now:
        raise ValidationFailed("end_at is past", errors={"end_at": ["must be in the future"]})


def check_draft_window(start_at: datetime | None, end_at: datetime | None, now: datetime) -> None:
    """The window a draft asks for (either bound may be absent): end_at after start_at, then
    end_at in the future; ValidationFailed otherwise."""
    require_end_after_start(start_at, end_at)
    require_end_in_future(end_at, now)


def check_request(
    status: str,
    action: str,
    *,
    now: datetime,
    start_at: datetime | None,
    end_at: datetime | None,
    voting_period_seconds: int,
) -> None:
    """Refuse at once a transition request whose job would surely fail: InvalidState when
    `action` cannot start from `status`; for activate, ValidationFailed when the window cannot
    open at `now` (activation_window). A transition that already happened passes: its job is a
    no-op."""
    if already_done(status, action):
        return
    ensure_allowed(status, action)
    if action == "activate":
        activation_window(now, start_at, end_at, voting_period_seconds)


def voting_ends_at(end_at: datetime | None, closed_at: datetime | None) -> datetime | None:
    """When voting ends: the scheduled `end_at`, or `closed_at` when a manager closed the
    proposal before it (`close` keeps end_at as scheduled and records closed_at)."""
    if closed_at is not None and (end_at is None or closed_at < end_at):
        return closed_at
    return end_at


def vote_window_open(
    submitted_at: datetime, start_at: datetime | None, end_at: datetime | None
) -> bool:
    """True iff a vote submitted (accepted by the API) at `submitted_at` is in time:
    start_at <= submitted_at < end_at (`end_at`: voting_ends_at). A window with a missing bound
    is closed."""
    if start_at is None or end_at is None:
        return False
    return start_at <= submitted_at < end_at
