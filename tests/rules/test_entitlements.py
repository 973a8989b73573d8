"""Roles and entitlements (SPEC 4)."""

import pytest

from governance.entitlements import (
    ACTION_ENTITLEMENT,
    DEFAULT_ROLES,
    ENTITLEMENTS,
    effective_entitlements,
    entitlement_for_action,
    validate_entitlements,
)
from governance.errors import ValidationFailed


def granted(role):
    return {name for name, value in DEFAULT_ROLES[role].items() if value}


def test_default_roles_as_in_spec():
    assert len(ENTITLEMENTS) == 10
    for role in DEFAULT_ROLES.values():
        assert set(role) == set(ENTITLEMENTS)
    assert granted("owner") == granted("admin") == set(ENTITLEMENTS)
    assert granted("member") == {"can_read", "can_vote", "can_create_proposals"}
    assert granted("observer") == {"can_read", "can_audit"}
    assert granted("guest") == {"can_read"}


def test_entitlements_are_the_union_of_held_roles():
    held = effective_entitlements([DEFAULT_ROLES["guest"], DEFAULT_ROLES["observer"], {"can_vote": True}], "active", False)
    assert held == {"can_read", "can_audit", "can_vote"}


@pytest.mark.parametrize("status", ["banned", "left", "pending", None])
def test_only_active_members_hold_entitlements(status):
    assert effective_entitlements([DEFAULT_ROLES["owner"]], status, False) == frozenset()


def test_subject_banned_by_moderation_holds_none():
    assert effective_entitlements([DEFAULT_ROLES["owner"]], "active", True) == frozenset()


def test_stored_roles_with_unknown_keys_or_truthy_non_bools_grant_nothing_extra():
    assert effective_entitlements([{"can_fly": True, "can_vote": "yes"}], "active", False) == frozenset()


def test_validate_entitlements_fills_missing_keys():
    assert validate_entitlements({"can_read": True}) == {name: name == "can_read" for name in ENTITLEMENTS}


def test_validate_entitlements_refuses_unknown_keys_and_non_bools():
    with pytest.raises(ValidationFailed) as caught:
        validate_entitlements({"can_fly": True, "can_vote": 1})
    assert set(caught.value.errors) == {"entitlements.can_fly", "entitlements.can_vote"}
    with pytest.raises(ValidationFailed):
        validate_entitlements(["can_read"])


def test_pdp_actions_map_to_entitlements():
    assert ACTION_ENTITLEMENT["read"] == "can_read"
    assert ACTION_ENTITLEMENT["vote"] == "can_vote"
    assert ACTION_ENTITLEMENT["create_proposal"] == "can_create_proposals"
    for name in ("manage_proposals", "manage_members", "manage_roles", "manage_treasury", "manage_dao"):
        assert ACTION_ENTITLEMENT[name] == f"can_{name}"
    assert ACTION_ENTITLEMENT["moderate"] == "can_moderate"
    assert ACTION_ENTITLEMENT["audit"] == "can_audit"
    for name in ENTITLEMENTS:
        assert entitlement_for_action(name) == name
    with pytest.raises(ValidationFailed):
        entitlement_for_action("fly")
