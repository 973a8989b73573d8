"""Field checks the pure validators share: a per-field error collector, bounded decimals, and
the DAO settings that actions and type rules may set (with the bounds of the DAO's own fields)."""

from decimal import Decimal

from governance.decimals import parse_decimal
from governance.power import decimal_text
from governance.vocabulary import GOVERNANCE_MODELS, VOTING_TYPES

VOTING_PERIOD_SECONDS = (60, 31_536_000)  # the DAO field's bounds (one minute to a year)


class FieldErrors(dict):
    """field -> list of messages, the `errors` of a ValidationFailed."""

    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def bounded_decimal(errors, key, value, *, minimum, exclusive=False, maximum=None):
    """A decimal (governance.decimals: a string of its grammar or a number, in the columns'
    range) within bounds, normalized to 8 places; None on error."""
    if value is None:
        errors.add(key, "missing required field")
        return None
    try:
        d = parse_decimal(value)
    except ValueError as error:
        errors.add(key, str(error))
        return None
    if d < minimum or (exclusive and d == minimum):
        errors.add(key, f"must be {'>' if exclusive else '>='} {minimum}")
        return None
    if maximum is not None and d > maximum:
        errors.add(key, f"must be <= {maximum}")
        return None
    return decimal_text(d)


def setting_value(errors: FieldErrors, key: str, name: str, value):
    """Check `value` for the DAO setting `name` (reported under `key`) and return it normalized.

    quorum_percent, pass_threshold_percent: decimals 0-100, at most 8 places, returned as
    8-place strings; voting_period_seconds: an integer of 60 to 31,536,000; governance_model:
    one of GOVERNANCE_MODELS; voting_type: one of VOTING_TYPES. Raises ValueError for another `name`.
    """
    if name in ("quorum_percent", "pass_threshold_percent"):
        return bounded_decimal(errors, key, value, minimum=0, maximum=Decimal(100))
    if name == "voting_period_seconds":
        low, high = VOTING_PERIOD_SECONDS
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.add(key, f"must be an integer of {low} to {high}")
        return value
    choices = {"governance_model": GOVERNANCE_MODELS, "voting_type": VOTING_TYPES}.get(name)
    if choices is None:
        raise ValueError(f"not a DAO setting: {name!r}")
    if value not in choices:
        errors.add(key, f"must be one of: {', '.join(choices)}")
    return value
