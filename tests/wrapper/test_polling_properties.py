"""Property tests of PollSchedule: for any sane parameters, every interval is positive and
finite, a wait ends, and a result is never seen later than the schedule's own bound."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from imagegen._polling import PollSchedule

SECONDS = st.floats(min_value=0.05, max_value=600.0, allow_nan=False)
SCHEDULES = st.builds(
    PollSchedule,
    expected=st.floats(min_value=1.0, max_value=600.0),
    first_check=st.floats(min_value=0.1, max_value=30.0),
    early_growth=st.floats(min_value=0.1, max_value=4.0),
    grace=st.floats(min_value=0.0, max_value=5.0),
    near_interval=st.floats(min_value=0.1, max_value=10.0),
    max_early_interval=st.floats(min_value=1.0, max_value=120.0),
    overrun_growth=st.floats(min_value=0.0, max_value=1.0),
    max_interval=st.floats(min_value=0.5, max_value=60.0),
)


@settings(max_examples=200, deadline=None)
@given(SCHEDULES, st.floats(min_value=-10.0, max_value=10_000.0))
def test_every_interval_is_positive_and_finite(schedule: PollSchedule, elapsed: float) -> None:
    interval = schedule.next_interval(elapsed)
    assert interval > 0
    assert math.isfinite(interval)


@settings(max_examples=200, deadline=None)
@given(SCHEDULES, SECONDS)
def test_lag_never_exceeds_the_schedules_bound(schedule: PollSchedule, duration: float) -> None:
    moments = schedule.moments(duration)
    assert moments[0] == 0.0
    assert all(b > a for a, b in itertools.pairwise(moments))
    lag = moments[-1] - duration
    assert lag >= 0
    # Before the expected end an interval is at most the first check, the time elapsed times
    # early_growth, or near_interval; after it, at most max(near_interval, max_interval).
    bound = max(
        schedule.first_check,
        schedule.early_growth * duration,
        schedule.near_interval,
        schedule.max_interval,
    )
    assert lag <= bound + 1e-6


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=1.0, max_value=300.0))
def test_default_schedule_meets_the_target_near_its_expected_duration(expected: float) -> None:
    # For any expected duration, a generation that takes exactly that long is seen within
    # 2 s, at a cost that grows only logarithmically with the duration.
    schedule = PollSchedule(expected=expected)
    moments = schedule.moments(expected)
    assert moments[-1] - expected <= 2.0
    assert len(moments) <= 6 + 2 * math.log2(expected + 1)
