"""SPEC 5.6, late-quorum protection: a quorum first reached close to end_at extends it once."""

from datetime import datetime, timedelta, timezone

import pytest

from governance.late_quorum import extended_end_at

END = datetime(2030, 1, 8, 12, 0, tzinfo=timezone.utc)
HOUR = 3600


def test_quorum_reached_within_the_extension_before_end_at_moves_end_at_to_s_plus_extension():
    s = END - timedelta(minutes=10)
    assert extended_end_at(END, s, HOUR, False) == s + timedelta(hours=1)
    assert extended_end_at(END, s, HOUR, False) > END


def test_quorum_reached_earlier_than_the_extension_before_end_at_changes_nothing():
    assert extended_end_at(END, END - timedelta(hours=2), HOUR, False) is None
    assert extended_end_at(END, END - timedelta(hours=1), HOUR, False) is None  # exactly E before


def test_just_inside_the_extension_extends():
    s = END - timedelta(hours=1) + timedelta(microseconds=1)
    assert extended_end_at(END, s, HOUR, False) == s + timedelta(hours=1)


def test_at_most_once():
    assert extended_end_at(END, END - timedelta(minutes=1), HOUR, True) is None


def test_zero_is_off():
    assert extended_end_at(END, END - timedelta(seconds=1), 0, False) is None


def test_refuses_a_vote_at_or_after_end_at_and_a_negative_extension():
    with pytest.raises(ValueError):
        extended_end_at(END, END, HOUR, False)
    with pytest.raises(ValueError):
        extended_end_at(END, END - timedelta(minutes=1), -1, False)
    with pytest.raises(ValueError):
        extended_end_at(END, END - timedelta(minutes=1), True, False)
