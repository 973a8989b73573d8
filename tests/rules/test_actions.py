"""Executable actions (SPEC 5.5): the shape of action_payload."""

import pytest

from governance.actions import ACTION_TYPES, check_roles_defined, validate_actions
from governance.errors import ValidationFailed


def errors_of(payload):
    with pytest.raises(ValidationFailed) as caught:
        validate_actions(payload)
    return caught.value.errors


def test_action_types():
    assert ACTION_TYPES == ("treasury_transfer", "add_member", "remove_member", "set_role", "update_dao")


def test_no_payload_or_no_actions():
    assert validate_actions(None) == []
    assert validate_actions({}) == []
    assert validate_actions({"auto_execute": True, "note": "kept for downstream"}) == []


def test_valid_actions_are_normalized():
    actions = validate_actions({
        "auto_execute": True,
        "actions": [
            {"type": "treasury_transfer", "token_symbol": "TIME", "amount": "2.5", "to_subject_id": "user:bob"},
            {"type": "add_member", "subject_id": "ag_helion"},
            {"type": "add_member", "subject_id": "ag_x", "subject_type": "agent", "role": "admin", "voting_power": 3},
            {"type": "remove_member", "subject_id": "user:eve"},
            {"type": "set_role", "subject_id": "user:bob", "role": "admin"},
            {"type": "update_dao", "quorum_percent": "25", "voting_period_seconds": 3600, "governance_model": "quadratic"},
        ],
    })
    assert actions == [
        {"type": "treasury_transfer", "token_symbol": "TIME", "amount": "2.50000000", "to_subject_id": "user:bob"},
        {"type": "add_member", "subject_id": "ag_helion", "subject_type": "user", "role": "member", "voting_power": "1.00000000"},
        {"type": "add_member", "subject_id": "ag_x", "subject_type": "agent", "role": "admin", "voting_power": "3.00000000"},
        {"type": "remove_member", "subject_id": "user:eve"},
        {"type": "set_role", "subject_id": "user:bob", "role": "admin"},
        {"type": "update_dao", "quorum_percent": "25.00000000", "voting_period_seconds": 3600, "governance_model": "quadratic"},
    ]


def test_unknown_action_type_is_refused():
    assert errors_of({"actions": [{"type": "x"}]}) == {"actions.0.type": ["unknown action type 'x'"]}
    assert "actions.0.type" in errors_of({"actions": [{}]})


@pytest.mark.parametrize(
    "action, field",
    [
        ({"token_symbol": "time", "amount": "1", "to_subject_id": "a"}, "token_symbol"),
        ({"token_symbol": "A" * 17, "amount": "1", "to_subject_id": "a"}, "token_symbol"),
        ({"token_symbol": "TIME", "amount": "0", "to_subject_id": "a"}, "amount"),
        ({"token_symbol": "TIME", "amount": "-1", "to_subject_id": "a"}, "amount"),
        ({"token_symbol": "TIME", "amount": 1.5, "to_subject_id": "a"}, "amount"),
        ({"token_symbol": "TIME", "amount": "1.000000001", "to_subject_id": "a"}, "amount"),
        ({"token_symbol": "TIME", "amount": "abc", "to_subject_id": "a"}, "amount"),
        ({"token_symbol": "TIME", "amount": "1"}, "to_subject_id"),
        ({"token_symbol": "TIME", "amount": "1", "to_subject_id": "a", "memo": "x"}, "memo"),
    ],
)
def test_treasury_transfer_fields(action, field):
    assert f"actions.0.{field}" in errors_of({"actions": [{"type": "treasury_transfer", **action}]})


@pytest.mark.parametrize(
    "action, field",
    [
        ({"type": "add_member"}, "subject_id"),
        ({"type": "add_member", "subject_id": "a", "subject_type": "robot"}, "subject_type"),
        ({"type": "add_member", "subject_id": "a", "voting_power": "-1"}, "voting_power"),
        ({"type": "remove_member"}, "subject_id"),
        ({"type": "set_role", "subject_id": "a"}, "role"),
        ({"type": "update_dao", "quorum_percent": "101"}, "quorum_percent"),
        ({"type": "update_dao", "pass_threshold_percent": "-1"}, "pass_threshold_percent"),
        ({"type": "update_dao", "voting_period_seconds": 0}, "voting_period_seconds"),
        ({"type": "update_dao", "voting_period_seconds": True}, "voting_period_seconds"),
        # the DAO field's own bounds: one minute to a year
        ({"type": "update_dao", "voting_period_seconds": 59}, "voting_period_seconds"),
        ({"type": "update_dao", "voting_period_seconds": 31_536_001}, "voting_period_seconds"),
        ({"type": "update_dao", "governance_model": "plural"}, "governance_model"),
        ({"type": "update_dao", "name": ""}, "name"),
        ({"type": "update_dao", "slug": "new"}, "slug"),
    ],
)
def test_member_and_dao_action_fields(action, field):
    assert f"actions.0.{field}" in errors_of({"actions": [action]})


def test_update_dao_needs_at_least_one_setting():
    assert "actions.0" in errors_of({"actions": [{"type": "update_dao"}]})


def test_payload_shape():
    assert "actions" in errors_of({"actions": {"type": "add_member"}})
    assert "actions" in errors_of({"actions": [{"type": "remove_member", "subject_id": "a"}] * 51})
    assert "auto_execute" in errors_of({"auto_execute": "yes"})
    assert "actions.1" in errors_of({"actions": [{"type": "remove_member", "subject_id": "a"}, "x"]})
    assert "action_payload" in errors_of(["not", "an", "object"])
    assert len(validate_actions({"actions": [{"type": "remove_member", "subject_id": "a"}] * 50})) == 50


@pytest.mark.parametrize(
    "action, field",
    [
        ({"type": "add_member", "subject_id": "u" * 201}, "actions.0.subject_id"),
        ({"type": "set_role", "subject_id": "user:a", "role": "r" * 201}, "actions.0.role"),
        ({"type": "update_dao", "name": "n" * 201}, "actions.0.name"),
        ({"type": "update_dao", "description": "d" * 5001}, "actions.0.description"),
    ],
)
def test_text_fields_are_bounded_like_the_api(action, field):
    with pytest.raises(ValidationFailed) as refused:
        validate_actions({"actions": [action]})
    assert field in refused.value.errors


DEFINED = {"owner", "admin", "member", "observer", "guest", "auditor"}


def test_roles_the_dao_defines_pass():
    actions = validate_actions({"actions": [
        {"type": "add_member", "subject_id": "user:a"},  # role member by default
        {"type": "set_role", "subject_id": "user:b", "role": "auditor"},
        {"type": "remove_member", "subject_id": "user:c"},
    ]})
    assert check_roles_defined(actions, DEFINED) is None


@pytest.mark.parametrize("actions, fields", [
    ([{"type": "add_member", "subject_id": "user:a", "role": "wizard"}], ["actions.0.role"]),
    ([{"type": "set_role", "subject_id": "user:a", "role": "Admin"}], ["actions.0.role"]),
    ([{"type": "remove_member", "subject_id": "user:a"},
      {"type": "set_role", "subject_id": "user:a", "role": "x"},
      {"type": "add_member", "subject_id": "user:b", "role": "y"}], ["actions.1.role", "actions.2.role"]),
])
def test_a_role_the_dao_does_not_define_is_refused_per_action(actions, fields):
    with pytest.raises(ValidationFailed) as caught:
        check_roles_defined(validate_actions({"actions": actions}), DEFINED)
    assert sorted(caught.value.errors) == fields


def test_roles_only_matter_for_actions_that_give_one():
    actions = validate_actions({"actions": [{"type": "remove_member", "subject_id": "user:a"}]})
    assert check_roles_defined(actions, set()) is None
