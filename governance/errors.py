"""Domain errors: values with a stable code and the HTTP status they map to.

The API turns them into problem documents; the task base records them on the job row.
"""


class DomainError(Exception):
    code = "domain_error"
    status = 409
    title = "Conflict"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.title)
        self.message = message or self.title

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class NotFound(DomainError):
    code, status, title = "not_found", 404, "Not found"


class Forbidden(DomainError):
    code, status, title = "forbidden", 403, "Forbidden"


class Banned(Forbidden):
    code, title = "banned", "Subject is banned"


class InvalidState(DomainError):
    code, status, title = "invalid_state", 409, "Invalid state transition"


class VotingClosed(DomainError):
    code, status, title = "voting_closed", 409, "Voting is closed"


class NotEligible(DomainError):
    code, status, title = "not_eligible", 403, "Not eligible to vote"


class AlreadyVoted(DomainError):
    code, status, title = "already_voted", 409, "Already voted"


class BallotsSecret(DomainError):
    """A question about the choices of a proposal whose ballots are secret until it closes."""

    code, status, title = "ballots_secret", 409, "Ballots are secret"


class InsufficientFunds(DomainError):
    code, status, title = "insufficient_funds", 409, "Insufficient funds"


class BalanceOutOfRange(DomainError):
    """A movement whose result the ledger columns cannot hold (governance.decimals: |x| < 10^22)."""

    code, status, title = "balance_out_of_range", 409, "Balance out of range"


class Conflict(DomainError):
    code, status, title = "conflict", 409, "Conflict"


class ValidationFailed(DomainError):
    """A rule-level validation failure; `errors` maps field names to messages."""

    code, status, title = "validation_error", 422, "Validation failed"

    def __init__(self, message: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}
