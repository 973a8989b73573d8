"""SPEC 5.6, rules per proposal type: the precedence of the effective settings and the shape of
a DAO's `type_rules`."""

from dataclasses import FrozenInstanceError, asdict, replace
from decimal import Decimal as D

import pytest

from governance.errors import ValidationFailed
from governance.settings import TYPE_RULE_SETTINGS, EffectiveSettings, effective_settings, validate_type_rules

DAO = {
    "quorum_percent": D(20), "pass_threshold_percent": D(50), "voting_period_seconds": 604800,
    "governance_model": "weighted", "ballot_secrecy": "public", "allow_vote_change": True,
}
TREASURY_RULE = {
    "quorum_percent": "40.00000000", "pass_threshold_percent": "66.66666667",
    "voting_period_seconds": 1_209_600, "governance_model": "quadratic", "voting_type": "approval",
}


def test_without_overrides_or_rules_the_daos_settings_apply_and_the_type_is_basic():
    assert effective_settings(DAO, None, "general") == EffectiveSettings(
        quorum_percent=D(20), pass_threshold_percent=D(50), voting_period_seconds=604800,
        governance_model="weighted", voting_type="basic", ballot_secrecy="public", allow_vote_change=True,
    )


def test_the_type_rule_for_the_proposals_type_wins_over_the_dao():
    effective = effective_settings(DAO, {"treasury": TREASURY_RULE}, "treasury")
    assert effective == EffectiveSettings(
        quorum_percent=D(40), pass_threshold_percent=D("66.66666667"), voting_period_seconds=1_209_600,
        governance_model="quadratic", voting_type="approval", ballot_secrecy="public", allow_vote_change=True,
    )


def test_a_rule_for_another_type_does_not_apply():
    assert effective_settings(DAO, {"treasury": TREASURY_RULE}, "membership") == effective_settings(DAO, {}, "membership")


@pytest.mark.parametrize("name", [n for n in TYPE_RULE_SETTINGS if n != "voting_period_seconds"])
def test_the_proposals_override_wins_over_the_type_rule(name):
    override = {"quorum_percent": D(5), "pass_threshold_percent": D(90), "governance_model": "simple",
                "voting_type": "ranked_choice"}[name]
    effective = effective_settings(DAO, {"treasury": TREASURY_RULE}, "treasury", {name: override})
    assert getattr(effective, name) == override
    others = effective_settings(DAO, {"treasury": TREASURY_RULE}, "treasury")
    assert replace(effective, **{name: getattr(others, name)}) == others


def test_an_unset_override_falls_through():
    rule = {"treasury": {"quorum_percent": "30"}}
    assert effective_settings(DAO, rule, "treasury", {"quorum_percent": None}).quorum_percent == D(30)


def test_a_partial_rule_falls_back_to_the_dao_for_the_rest():
    effective = effective_settings(DAO, {"treasury": {"governance_model": "delegated"}}, "treasury")
    assert (effective.governance_model, effective.quorum_percent) == ("delegated", D(20))


def test_ballot_secrecy_is_the_override_else_the_daos_else_public():
    assert effective_settings({**DAO, "ballot_secrecy": None}, None, "general").ballot_secrecy == "public"
    secret = {**DAO, "ballot_secrecy": "secret_until_close"}
    assert effective_settings(secret, None, "general").ballot_secrecy == "secret_until_close"
    assert effective_settings(secret, None, "general", {"ballot_secrecy": "public"}).ballot_secrecy == "public"


def test_a_zero_override_is_an_override():
    frozen = effective_settings(DAO, {"general": {"quorum_percent": "30"}}, "general",
                                {"quorum_percent": D(0), "pass_threshold_percent": D(0)})
    assert (frozen.quorum_percent, frozen.pass_threshold_percent) == (D(0), D(0))


def test_vote_change_is_the_daos_setting_alone():
    assert effective_settings({**DAO, "allow_vote_change": False}, None, "general").allow_vote_change is False
    assert "allow_vote_change" not in TYPE_RULE_SETTINGS


def test_the_frozen_settings_cannot_be_changed():
    frozen = effective_settings(DAO, None, "general")
    with pytest.raises(FrozenInstanceError):
        frozen.quorum_percent = D(1)
    assert set(asdict(frozen)) == {*TYPE_RULE_SETTINGS, "ballot_secrecy", "allow_vote_change"}


def test_unknown_proposal_type_missing_dao_setting_and_unknown_secrecy_are_programming_errors():
    with pytest.raises(ValueError):
        effective_settings(DAO, None, "budget")
    with pytest.raises(KeyError):
        effective_settings({"quorum_percent": D(20)}, None, "general")
    with pytest.raises(ValueError):
        effective_settings({**DAO, "ballot_secrecy": "sealed"}, None, "general")


# --- type_rules: keys are proposal types, values objects of the five settings -----------------

def test_type_rules_are_normalized():
    assert validate_type_rules(None) == {}
    assert validate_type_rules({}) == {}
    assert validate_type_rules({"treasury": {"quorum_percent": "40", "voting_type": "approval"},
                                "general": {}}) == {
        "treasury": {"quorum_percent": "40.00000000", "voting_type": "approval"}, "general": {},
    }
    assert validate_type_rules({"treasury": TREASURY_RULE}) == {"treasury": TREASURY_RULE}


def refused(value):
    with pytest.raises(ValidationFailed) as caught:
        validate_type_rules(value)
    return caught.value.errors


def test_type_rules_must_be_an_object_of_known_proposal_types_holding_objects():
    assert refused(["treasury"]) == {"type_rules": ["must be an object"]}
    assert list(refused({"budget": {}})) == ["type_rules.budget"]
    assert refused({"treasury": "strict"}) == {"type_rules.treasury": ["must be an object"]}


def test_a_type_rule_holds_only_the_five_settings():
    assert refused({"treasury": {"allow_vote_change": False}}) == {
        "type_rules.treasury.allow_vote_change": ["unknown field"]
    }
    assert list(refused({"treasury": {"ballot_secrecy": "public"}})) == ["type_rules.treasury.ballot_secrecy"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("quorum_percent", "100.00000001"), ("quorum_percent", "-1"), ("quorum_percent", "1.123456789"),
        ("quorum_percent", "NaN"), ("quorum_percent", 0.5), ("pass_threshold_percent", "101"),
        ("voting_period_seconds", 59), ("voting_period_seconds", 31_536_001), ("voting_period_seconds", True),
        ("voting_period_seconds", 3600.0), ("voting_period_seconds", "3600"), ("governance_model", "plurality"),
        ("voting_type", "quadratic"), ("voting_type", None),
    ],
)
def test_type_rule_values_have_the_bounds_of_the_dao_fields(name, value):
    assert list(refused({"rule_change": {name: value}})) == [f"type_rules.rule_change.{name}"]


@pytest.mark.parametrize(
    "name, value",
    [("quorum_percent", "0"), ("quorum_percent", "100"), ("voting_period_seconds", 60),
     ("voting_period_seconds", 31_536_000), ("governance_model", "delegated"), ("voting_type", "basic")],
)
def test_type_rule_values_at_the_bounds_are_accepted(name, value):
    assert name in validate_type_rules({"rule_change": {name: value}})["rule_change"]
