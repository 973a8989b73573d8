"""Who may do what (SPEC 4, 5.1, 7): transition requests, no escalation, moderators."""

import pytest

from governance.authority import (
    moderates, require_account_reader, require_role_change_within, require_transition_right, require_within,
    require_owner, sees_hidden,
)
from governance.entitlements import DEFAULT_ROLES, ENTITLEMENTS, granted
from governance.errors import Forbidden

MANAGER = frozenset({"can_read", "can_manage_proposals"})
AUTHOR = frozenset({"can_read", "can_create_proposals"})
READER = frozenset({"can_read"})


@pytest.mark.parametrize("action", ["activate", "close", "execute", "cancel"])
def test_a_proposal_manager_may_request_every_transition(action):
    require_transition_right(action, MANAGER, False)


@pytest.mark.parametrize("action", ["activate", "cancel"])
def test_the_author_holding_can_create_proposals_may_activate_and_cancel(action):
    require_transition_right(action, AUTHOR, True)


@pytest.mark.parametrize("action", ["activate", "cancel"])
def test_an_author_without_can_create_proposals_or_another_creator_may_not(action):
    with pytest.raises(Forbidden, match="can_manage_proposals or the author"):
        require_transition_right(action, READER, True)
    with pytest.raises(Forbidden):
        require_transition_right(action, AUTHOR, False)


@pytest.mark.parametrize("action", ["close", "execute"])
def test_close_and_execute_need_can_manage_proposals_even_for_the_author(action):
    with pytest.raises(Forbidden, match=f"^{action} needs can_manage_proposals$"):
        require_transition_right(action, AUTHOR, True)


def test_no_escalation_a_manager_grants_only_what_it_holds():
    require_within({"can_read", "can_vote"}, {"can_vote"})
    require_within(READER, [])
    with pytest.raises(Forbidden, match="can_audit, can_vote"):
        require_within(READER, {"can_vote", "can_audit", "can_read"})


def test_no_escalation_defining_a_role_needs_what_it_grants():
    require_role_change_within(READER | {"can_vote"}, None, {"can_read": True, "can_vote": True})
    with pytest.raises(Forbidden, match="can_manage_treasury"):
        require_role_change_within(READER, None, {"can_manage_treasury": True})


def test_no_escalation_changing_a_role_needs_what_it_adds_and_what_it_takes_away():
    before, after = DEFAULT_ROLES["member"], {**DEFAULT_ROLES["member"], "can_vote": False, "can_audit": True}
    require_role_change_within({"can_vote", "can_audit"}, before, after)  # the unchanged part is not needed
    with pytest.raises(Forbidden, match="can_vote"):
        require_role_change_within({"can_audit"}, before, after)
    with pytest.raises(Forbidden, match="can_audit"):
        require_role_change_within({"can_vote"}, before, after)


def test_no_escalation_deleting_a_role_needs_what_it_granted():
    require_role_change_within(set(ENTITLEMENTS), DEFAULT_ROLES["owner"], None)
    with pytest.raises(Forbidden):
        require_role_change_within(READER, DEFAULT_ROLES["observer"], None)


def test_platform_moderators_moderate_everything():
    assert moderates(True, frozenset())
    assert moderates(True, READER)


def test_a_dao_member_moderates_its_dao_with_can_moderate_only():
    assert moderates(False, {"can_read", "can_moderate"})
    assert not moderates(False, set(ENTITLEMENTS) - {"can_moderate"})
    assert not moderates(False, frozenset())  # a target outside any DAO


def test_who_still_sees_a_hidden_proposal():
    assert sees_hidden(True, frozenset())
    assert sees_hidden(False, {"can_read", "can_moderate"})
    assert sees_hidden(False, granted(DEFAULT_ROLES["observer"]))  # can_audit
    for role in ("member", "guest"):
        assert not sees_hidden(False, granted(DEFAULT_ROLES[role]))
    assert not sees_hidden(False, frozenset())


def test_a_subject_reads_its_own_account_and_a_platform_admin_any():
    require_account_reader("user:a", "user:a", False)
    require_account_reader("user:admin", "user:b", True)
    require_account_reader("user:admin", "user:admin", True)
    with pytest.raises(Forbidden, match="platform_admin"):
        require_account_reader("user:a", "user:b", False)


def test_only_an_active_owner_restores_a_dao():
    require_owner("owner", "active")
    for role, status in (("admin", "active"), ("owner", "left"), ("owner", "pending"), ("owner", "banned"),
                         (None, None), ("member", "active")):
        with pytest.raises(Forbidden, match="owner"):
            require_owner(role, status)
