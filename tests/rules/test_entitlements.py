"""Roles and entitlements (SPEC 4)."""

import pytest

from governance.entitlements import (
    ACTION_ENTITLEMENT,
    DEFAULT_ROLES,
    ENTITLEMENTS,
    check_extra_role,
    effective_entitlements,
    entitlement_for_action,
    granted,
    held_roles,
    roles_grant,
    validate_entitlements,
)
from governance.errors import ValidationFailed


def test_default_roles_as_in_spec():
    assert len(ENTITLEMENTS) == 10
    for role in DEFAULT_ROLES.values():
        assert set(role) == set(ENTITLEMENTS)
    grants = {code: {name for name, value in role.items() if value} for code, role in DEFAULT_ROLES.items()}
    assert grants["owner"] == grants["admin"] == set(ENTITLEMENTS)
    assert grants["member"] == {"can_read", "can_vote", "can_create_proposals"}
    assert grants["observer"] == {"can_read", "can_audit"}
    assert grants["guest"] == {"can_read"}


def test_entitlements_are_the_union_of_held_roles():
    roles = {**DEFAULT_ROLES, "voter": {"can_vote": True}}
    held = effective_entitlements(roles, ["guest", "observer", "voter"], "active", False)
    assert held == {"can_read", "can_audit", "can_vote"}


@pytest.mark.parametrize("status", ["banned", "left", "pending", None])
def test_only_active_members_hold_entitlements(status):
    assert effective_entitlements(DEFAULT_ROLES, ["owner"], status, False) == frozenset()


def test_subject_banned_by_moderation_holds_none():
    assert effective_entitlements(DEFAULT_ROLES, ["owner"], "active", True) == frozenset()


def test_stored_roles_with_unknown_keys_or_truthy_non_bools_grant_nothing_extra():
    roles = {"odd": {"can_fly": True, "can_vote": "yes"}}
    assert effective_entitlements(roles, ["odd"], "active", False) == frozenset()


def test_a_role_the_dao_does_not_define_grants_nothing():
    assert effective_entitlements(DEFAULT_ROLES, ["guest", "gone"], "active", False) == {"can_read"}


def test_what_roles_grant_does_not_depend_on_a_status():
    assert roles_grant(DEFAULT_ROLES, ["member", "observer"]) == {
        "can_read", "can_vote", "can_create_proposals", "can_audit",
    }
    assert roles_grant(DEFAULT_ROLES, []) == frozenset()


def test_granted_names_what_one_role_sets_true():
    assert granted(DEFAULT_ROLES["guest"]) == {"can_read"}
    assert granted({"can_vote": True, "can_read": False, "can_fly": True, "can_audit": 1}) == {"can_vote"}


def test_a_member_holds_its_role_then_its_extra_roles_each_once():
    assert held_roles("member", ["auditor", "member", "treasurer"]) == ["member", "auditor", "treasurer"]
    assert held_roles("guest", []) == ["guest"]


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


def test_an_extra_role_is_another_role_than_the_members_own_and_never_owner():
    check_extra_role("auditor", "member")
    check_extra_role("admin", "member")
    check_extra_role("member", "owner")
    for code, role in (("member", "member"), ("owner", "member"), ("owner", "admin")):
        with pytest.raises(ValidationFailed) as caught:
            check_extra_role(code, role)
        assert list(caught.value.errors) == ["code"]
