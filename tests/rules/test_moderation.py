"""Moderation: only ban and restore change whether a user is banned (SPEC 7)."""

import pytest

from governance.moderation import banned_after, hidden_after, is_banned, is_hidden
from governance.vocabulary import MODERATION_ACTIONS, MODERATION_TARGET_TYPES


def test_vocabulary():
    assert MODERATION_ACTIONS == ("warn", "hide", "remove", "ban", "restore")
    assert MODERATION_TARGET_TYPES == ("user", "proposal", "listing", "declaration", "dao")


def test_banned_iff_latest_ban_state_action_is_ban():
    assert is_banned("ban")
    assert not is_banned("restore")
    assert not is_banned(None)
    with pytest.raises(ValueError):
        is_banned("kick")


def test_ban_then_restore_then_ban():
    assert banned_after(["warn", "ban"])
    assert not banned_after(["ban", "restore"])
    assert banned_after(["ban", "restore", "ban"])
    assert not banned_after([])


def test_warning_a_banned_user_does_not_lift_the_ban():
    assert banned_after(["ban", "warn", "hide"])


def test_a_proposal_is_hidden_iff_its_latest_visibility_action_hides_it():
    assert is_hidden("hide") and is_hidden("remove")
    assert not is_hidden("restore") and not is_hidden(None)
    with pytest.raises(ValueError):
        is_hidden("bury")


@pytest.mark.parametrize("actions, hidden", [
    ([], False), (["warn"], False), (["hide"], True), (["remove"], True), (["hide", "restore"], False),
    (["hide", "restore", "remove"], True), (["remove", "warn"], True), (["hide", "ban"], True),
    (["restore", "hide", "restore"], False), (["remove", "hide"], True),
])
def test_the_latest_of_hide_remove_and_restore_decides(actions, hidden):
    assert hidden_after(actions) is hidden


def test_visibility_and_ban_state_are_separate():
    assert not banned_after(["hide", "remove"])
    assert not hidden_after(["ban"])
    with pytest.raises(ValueError):
        hidden_after(["hide", "kick"])
