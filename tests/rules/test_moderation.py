"""Moderation: only ban and restore change whether a user is banned (SPEC 7)."""

import pytest

from governance.moderation import banned_after, is_banned
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
