"""Early pass (SPEC 5.6): deciding a basic proposal before its end_at once the outcome is certain.

Allowed only where a cast ballot is final and every remaining weight is known: with
`allow_vote_change` false, under the simple, weighted or quadratic model (delegated power moves
as ballots arrive), for the basic voting type.
"""

from decimal import localcontext
from typing import Any, Mapping

from governance.power import EXACT
from governance.result import TallyResult

EARLY_PASS_MODELS = ("simple", "weighted", "quadratic")


def early_pass_refusals(allow_vote_change: bool, governance_model: str, voting_type: str) -> list[str]:
    """Why early pass may not be on with these (effective) settings; empty when it may.

    The caller checks the DAO's settings and each of its type rules when `early_pass` is set
    (a non-empty list is a 422 under `early_pass`), and a proposal's frozen settings at
    activation (early pass then simply does not apply to it).
    """
    reasons = []
    if allow_vote_change:
        reasons.append("needs allow_vote_change false: a changed vote could undo the outcome")
    if governance_model not in EARLY_PASS_MODELS:
        reasons.append(f"needs the governance model to be one of: {', '.join(EARLY_PASS_MODELS)}")
    if voting_type != "basic":
        reasons.append("needs the basic voting type")
    return reasons


def dao_refusals(
    allow_vote_change: bool, governance_model: str, type_rules: Mapping[str, Mapping[str, Any]] | None
) -> list[str]:
    """Why a DAO with these settings and `type_rules` (as settings.validate_type_rules returns
    them) may not turn `early_pass` on; empty when it may.

    The DAO's own settings (basic type) and, for each proposal type with a rule, the settings
    that rule gives it over the DAO's, are checked with early_pass_refusals; a type rule's
    reasons say which rule. A proposal's own overrides are judged at its activation instead.
    """
    reasons = early_pass_refusals(allow_vote_change, governance_model, "basic")
    for proposal_type, rule in (type_rules or {}).items():
        model = rule.get("governance_model") or governance_model
        for reason in early_pass_refusals(False, model, rule.get("voting_type") or "basic"):
            reasons.append(f"type_rules.{proposal_type}: {reason}")
    return reasons


def passes_early(result: TallyResult) -> bool:
    """True when a live basic tally can no longer end other than `passed` (SPEC 5.6).

    With R = W - cast (the weight not yet cast): quorum reached, yes + no > 0, and
    yes * 100 >= t * (yes + no + R), compared exactly: even if all of R voted no the proposal
    would pass. (`yes + no > 0` is implied by the rule except at t = 0, where it keeps an
    all-abstain tally, which would be rejected, from passing early.) The caller then finalizes
    with `dataclasses.replace(result, early=True)`. Raises ValueError for a result that is not
    a basic one under an early-pass model.
    """
    if result.voting_type != "basic" or result.model not in EARLY_PASS_MODELS:
        raise ValueError("early pass is only for basic proposals under simple, weighted or quadratic")
    with localcontext(EXACT):
        decisive = result.yes + result.no
        remaining = result.total_weight - decisive - result.abstain
        return (
            result.quorum_reached
            and decisive > 0
            and result.yes * 100 >= result.pass_threshold_percent * (decisive + remaining)
        )
