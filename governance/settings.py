"""The settings a proposal is decided by, frozen at activation (SPEC 5.1, 5.6): later changes to
its DAO do not affect it.

A DAO may hold `type_rules`: for any proposal type, any of the five settings below. The
effective value of each is the proposal's override, else the DAO's type rule for the proposal's
type, else the DAO's setting. Whether a vote may be changed is the DAO's setting alone.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from governance.errors import ValidationFailed
from governance.power import as_decimal
from governance.validation import FieldErrors, setting_value
from governance.vocabulary import BALLOT_SECRECY, PROPOSAL_TYPES

TYPE_RULE_SETTINGS = (
    "quorum_percent", "pass_threshold_percent", "voting_period_seconds", "governance_model",
    "voting_type",
)
_DECIMALS = ("quorum_percent", "pass_threshold_percent")
# A DAO has no voting_type column of its own (SPEC 8.4): its default is the basic type.
_DAO_DEFAULTS = {"voting_type": "basic", "ballot_secrecy": "public"}


def validate_type_rules(type_rules) -> dict[str, dict[str, Any]]:
    """Check a DAO's `type_rules` and return it normalized; None means no rules ({}).

    An object whose keys are proposal types and whose values are objects holding only the
    settings of TYPE_RULE_SETTINGS, each within the bounds of the DAO's own field
    (validation.setting_value); percentages come back as 8-place strings. Raises
    ValidationFailed with errors under `type_rules`, `type_rules.<type>` or
    `type_rules.<type>.<setting>`.
    """
    if type_rules is None:
        return {}
    if not isinstance(type_rules, Mapping):
        raise ValidationFailed("invalid type_rules", errors={"type_rules": ["must be an object"]})
    errors = FieldErrors()
    normalized: dict[str, dict[str, Any]] = {}
    for proposal_type, rule in type_rules.items():
        key = f"type_rules.{proposal_type}"
        if proposal_type not in PROPOSAL_TYPES:
            errors.add(key, f"unknown proposal type; one of: {', '.join(PROPOSAL_TYPES)}")
            continue
        if not isinstance(rule, Mapping):
            errors.add(key, "must be an object")
            continue
        normalized[proposal_type] = {}
        for name, value in rule.items():
            if name not in TYPE_RULE_SETTINGS:
                errors.add(f"{key}.{name}", "unknown field")
                continue
            normalized[proposal_type][name] = setting_value(errors, f"{key}.{name}", name, value)
    if errors:
        raise ValidationFailed("invalid type_rules", errors=dict(errors))
    return normalized


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings stored on the proposal at activation (its `effective_*` columns)."""

    governance_model: str
    quorum_percent: Decimal
    pass_threshold_percent: Decimal
    voting_period_seconds: int
    voting_type: str
    ballot_secrecy: str
    allow_vote_change: bool


def effective_settings(
    dao: Mapping[str, Any],
    type_rules: Mapping[str, Mapping[str, Any]] | None,
    proposal_type: str,
    overrides: Mapping[str, Any] | None = None,
) -> EffectiveSettings:
    """The settings a proposal of `proposal_type` is decided under, to freeze at activation.

    `dao`: the DAO's settings by name (quorum_percent, pass_threshold_percent,
    voting_period_seconds, governance_model, allow_vote_change; voting_type defaults to basic,
    ballot_secrecy to public); `type_rules`: as `validate_type_rules` returns it; `overrides`: the proposal's own
    values by setting name (the caller maps `governance_model_override` to governance_model,
    `quorum_percent_override` to quorum_percent, `pass_threshold_override` to
    pass_threshold_percent, its `voting_type` and `ballot_secrecy`); None or an absent key means
    not set. Returns the five TYPE_RULE_SETTINGS, ballot_secrecy (which has no type rule) and
    allow_vote_change (the DAO's: a proposal cannot override it), percentages as Decimal. Raises ValueError for an unknown proposal type or ballot secrecy
    and KeyError for a DAO setting missing from `dao`.
    """
    if proposal_type not in PROPOSAL_TYPES:
        raise ValueError(f"unknown proposal type {proposal_type!r}")
    overrides = overrides or {}
    rule = (type_rules or {}).get(proposal_type) or {}
    effective: dict[str, Any] = {}
    for name in (*TYPE_RULE_SETTINGS, "ballot_secrecy"):
        for source in (overrides, rule):
            if source.get(name) is not None:
                value = source[name]
                break
        else:
            value = dao.get(name)
            if value is None:
                value = _DAO_DEFAULTS.get(name)
            if value is None:
                raise KeyError(f"the DAO setting {name!r} is missing")
        effective[name] = as_decimal(value) if name in _DECIMALS else value
    if effective["ballot_secrecy"] not in BALLOT_SECRECY:
        raise ValueError(f"unknown ballot secrecy {effective['ballot_secrecy']!r}")
    return EffectiveSettings(**effective, allow_vote_change=bool(dao["allow_vote_change"]))

