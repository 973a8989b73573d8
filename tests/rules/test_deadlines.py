"""Issue 14: the finalize sweep wakes at the earliest upcoming deadline, only when it is near."""

from governance.deadlines import wake_countdown

HORIZON = 30


def test_no_deadline_schedules_nothing():
    assert wake_countdown(None, HORIZON) is None


def test_a_deadline_beyond_the_horizon_is_left_to_a_later_sweep():
    assert wake_countdown(30.001, HORIZON) is None
    assert wake_countdown(86400, HORIZON) is None


def test_a_deadline_within_the_horizon_is_waited_for():
    assert wake_countdown(30, HORIZON) == 30
    assert wake_countdown(2.5, HORIZON) == 2.5


def test_the_countdown_is_rounded_up_to_the_millisecond_never_before_the_deadline():
    assert wake_countdown(1.0001, HORIZON) == 1.001
    assert wake_countdown(0.0000001, HORIZON) == 0.001
    assert wake_countdown(1.234, HORIZON) == 1.234


def test_a_deadline_that_has_passed_is_swept_at_once():
    assert wake_countdown(0, HORIZON) == 0
    assert wake_countdown(-3.2, HORIZON) == 0
