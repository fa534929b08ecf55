"""Waiting for a generation, on a virtual clock: the schedule, the deadline, status changes,
failures and statuses nobody documented. Nothing here sleeps for real."""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest
from imagegen._api.models import ErrorCode, GenerationStatus, Resolution
from imagegen._clock import VirtualClock
from imagegen._errors import (
    GenerationFailedError,
    ImagegenError,
    InvalidRequestError,
    NotFoundError,
    UnexpectedResponseError,
    WaitTimeoutError,
)
from imagegen._io import AsyncIO, Plan, SyncIO
from imagegen._polling import (
    DEFAULT_WAIT_TIMEOUT,
    PollSchedule,
    expected_duration,
    wait_plan,
)
from imagegen._types import Generation

from tests.factories import make_generation

GEN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@attrs.define
class FakeGeneration:
    """A generation that moves through its statuses as the virtual clock passes, and counts
    every look at it (each one a getImage request)."""

    clock: VirtualClock
    done_at: float  # seconds after `created`
    outcome: str = "succeeded"
    failure_reason: str | None = None
    starting_for: float = 3.0
    created: float = 0.0
    created_at: datetime.datetime | None = None
    credit_cost: int = 1
    output_number: int = 1
    image_input: tuple[str, ...] = ()
    looks: list[float] = attrs.field(factory=list)

    def fetch(self, generation_id: str, deadline: float | None = None) -> Generation:
        assert generation_id == GEN_ID
        now = self.clock.monotonic()
        self.looks.append(now)
        age = now - self.created
        if age >= self.done_at:
            status = self.outcome
        elif age >= self.starting_for:
            status = "processing"
        else:
            status = "starting"
        finished = status == "succeeded"
        known = {s.value: s for s in GenerationStatus}
        return make_generation(
            id=GEN_ID,
            # As the parser would build it; a status nobody documented stays a plain string.
            status=known.get(status, status),  # type: ignore[arg-type]
            output_images=(f"https://cdn.example.com/{GEN_ID}/0.png",) if finished else (),
            failure_reason=self.failure_reason if status == "failed" else None,
            credit_cost=self.credit_cost,
            output_number=self.output_number,
            image_input=self.image_input,
            # A real generation always says when it was made: by default, `created` on the
            # clock's wall time.
            created_at=self.created_at
            or datetime.datetime.fromtimestamp(
                self.clock.time() - (now - self.created), tz=datetime.UTC
            ),
        )


Fetch = Callable[[str, float | None], Generation]


def _looks(fetch: Fetch) -> Callable[[str, float | None], Plan[Generation]]:
    """`fetch` as the plan of one look (one that asks its runner for nothing)."""

    def look(generation_id: str, deadline: float | None) -> Plan[Generation]:
        if False:
            yield  # a generator: the plan of a look that needs no I/O of its own
        return fetch(generation_id, deadline)

    return look


def wait_until_done(fetch: Fetch, *, clock: VirtualClock, **kwargs: Any) -> Generation:
    """The wait's plan, run with blocking I/O: each of its sleeps on `clock`."""
    with httpx.Client() as http:
        return SyncIO(http, clock).run(wait_plan(_looks(fetch), clock=clock, **kwargs))


async def await_until_done(fetch: Fetch, *, clock: VirtualClock, **kwargs: Any) -> Generation:
    """The same plan, run with awaits."""
    async with httpx.AsyncClient() as http:
        return await AsyncIO(http, clock).run(wait_plan(_looks(fetch), clock=clock, **kwargs))


def run(fake: FakeGeneration, **kwargs: object) -> Generation:
    return wait_until_done(fake.fetch, generation_id=GEN_ID, clock=fake.clock, **kwargs)


# -- expected durations and the schedule -------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "refs", "seconds"),
    [
        (None, 0, 60.0),
        ("1k", 0, 60.0),
        (Resolution.RES_2K, 0, 60.0),
        ("4k", 0, 90.0),
        ("4K", 0, 90.0),
        ("1k", 1, 120.0),
        ("2k", 10, 120.0),
        ("4k", 3, 180.0),
        ("8k", 0, 60.0),
    ],
)
def test_expected_duration_follows_the_documented_timeline(
    resolution: str | None, refs: int, seconds: float
) -> None:
    assert expected_duration(resolution, refs) == seconds


@pytest.mark.parametrize(
    ("cost", "outputs", "inputs", "expected"),
    [
        (1, 1, (), 60.0),
        (8, 2, (), 90.0),  # 4 credits an output: 4k
        (4, 2, ("inputs/a.png",), 120.0),  # 2k with a reference image
        (4, 1, ("a", "b"), 180.0),  # 4k with references
        (3, 2, (), 60.0),  # no resolution matches the credit rule: 1k
    ],
)
def test_schedule_for_a_generation_reads_resolution_and_references(
    cost: int, outputs: int, inputs: tuple[str, ...], expected: float
) -> None:
    generation = make_generation(
        id=GEN_ID,
        status=GenerationStatus.STARTING,
        credit_cost=cost,
        output_number=outputs,
        image_input=inputs,
    )
    assert PollSchedule.for_generation(generation).expected == expected


def test_sixty_second_generation_meets_the_benchmark_target() -> None:
    moments = PollSchedule().moments(60.0)
    assert len(moments) <= 12
    assert moments[-1] - 60.0 <= 2.0
    assert moments == pytest.approx(
        [0.0, 5.0, 10.0, 20.0, 40.0, 50.25, 55.375, 57.9375, 59.21875, 60.5]
    )


def test_schedule_is_sparse_early_dense_near_the_end_and_capped() -> None:
    schedule = PollSchedule(expected=60.0)
    moments = schedule.moments(300.0)
    intervals = [b - a for a, b in itertools.pairwise(moments)]
    # Sparse early: the intervals double from the first check (nothing can be ready yet).
    assert moments[:5] == [0.0, 5.0, 10.0, 20.0, 40.0]
    # Dense around the expected end: every interval from 55 s to 65 s is at most 3 s.
    assert all(i <= 3.0 for m, i in zip(moments, intervals, strict=False) if 55.0 <= m <= 65.0)
    # Capped: never more than 10 s apart after the expected end, 30 s before it.
    assert max(intervals) <= 30.0
    assert all(i <= 10.0 for m, i in zip(moments, intervals, strict=False) if m >= 60.0)
    # Not a fixed tick, and never a busy loop: only the (at most two) steps that land on the
    # expected end may be shorter than 2 s, and not by much.
    assert len({round(i, 3) for i in intervals}) > 5
    assert min(intervals) >= 1.0
    assert len([i for i in intervals if i < 2.0]) <= 2
    assert len(moments) <= 45  # a 2 s tick would make 150


@pytest.mark.parametrize("duration", [1.0, 4.0, 30.0, 59.0, 60.0, 61.0, 90.0, 150.0, 299.0])
def test_lag_is_bounded_for_any_duration(duration: float) -> None:
    schedule = PollSchedule()
    moments = schedule.moments(duration)
    lag = moments[-1] - duration
    # The lag is at most the interval in force when the generation finished.
    assert lag <= schedule.next_interval(moments[-2]) + 1e-9
    if 58.0 <= duration <= 62.0:
        assert lag <= 2.0
    # An early result is seen by twice the time it took (or the first check); a late one
    # within the 10 s cap.
    assert lag <= max(schedule.first_check, duration, 10.0)
    if duration >= 60.0:
        assert lag <= 10.0


def test_next_interval_never_negative_or_zero() -> None:
    schedule = PollSchedule(expected=10.0, first_check=1.0)
    for tenth in range(10_000):
        interval = schedule.next_interval(tenth / 10)
        assert interval > 0
        assert math.isfinite(interval)
    assert schedule.next_interval(-5.0) == 1.0


@pytest.mark.parametrize("short_by", [1e-14, 1e-9, 0.0])
def test_a_target_a_rounding_error_away_is_not_a_zero_sleep(short_by: float) -> None:
    """createdAt has whole seconds: elapsed can fall a hair short of the target. A 1e-14 s
    sleep does not move a VirtualClock at 150 s, which made a wait poll without end."""
    schedule = PollSchedule(expected=60.0, grace=0.5)
    assert schedule.next_interval(60.5 - short_by) >= 0.1
    assert 150.0 + schedule.next_interval(150.0 - short_by) > 150.0


@pytest.mark.parametrize(
    "field",
    [
        "expected",
        "first_check",
        "early_growth",
        "near_interval",
        "max_interval",
        "max_early_interval",
    ],
)
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf])
def test_schedule_refuses_non_positive_numbers(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        PollSchedule(**{field: value})  # type: ignore[arg-type]


# -- waiting -----------------------------------------------------------------------------------


def test_waits_for_a_sixty_second_generation_in_at_most_12_requests() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=60.0)
    result = run(fake)
    assert result.status is GenerationStatus.SUCCEEDED
    assert result.output_images
    assert len(fake.looks) <= 12
    assert 0.0 <= clock.monotonic() - 60.0 <= 2.0
    assert fake.looks[0] == 0.0  # first look at once


def test_intervals_adapt_to_reference_images_and_4k() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=180.0, credit_cost=4, image_input=("inputs/a.png",))
    run(fake)
    # 4k with a reference: expected 180 s, so after 40 s the looks stay 30 s apart, where a
    # 60 s expectation would close in (50.25 s next).
    assert fake.looks[:8] == [0.0, 5.0, 10.0, 20.0, 40.0, 70.0, 100.0, 130.0]
    assert len(fake.looks) <= 16
    assert clock.monotonic() - 180.0 <= 2.0


def test_an_explicit_schedule_wins() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=10.0)
    run(fake, schedule=PollSchedule(expected=10.0, first_check=1.0, near_interval=0.5))
    assert fake.looks[:3] == [0.0, 1.0, 2.0]
    assert clock.monotonic() - 10.0 <= 0.5 + 1e-9


def test_on_update_is_called_once_per_change_of_status() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=60.0, starting_for=20.0)
    seen: list[tuple[GenerationStatus, float]] = []
    run(fake, on_update=lambda g: seen.append((g.status, clock.monotonic())))
    assert [status for status, _ in seen] == ["starting", "processing", "succeeded"]
    assert len(fake.looks) > len(seen)  # several looks per status, one call per change
    assert seen[-1][1] == clock.monotonic()


def test_already_finished_generation_returns_at_once() -> None:
    clock = VirtualClock(start=500.0)
    fake = FakeGeneration(clock, done_at=60.0, created=0.0)
    result = run(fake)
    assert result.status == "succeeded"
    assert fake.looks == [500.0]
    assert clock.monotonic() == 500.0


def test_resumed_wait_counts_from_the_generations_creation() -> None:
    # The generation was created 55 s before the wait began (createdAt, by the clock's time()).
    clock = VirtualClock(start=55.0)
    created_at = datetime.datetime.fromtimestamp(clock.time() - 55.0, tz=datetime.UTC)
    fake = FakeGeneration(clock, done_at=60.0, created=0.0, created_at=created_at)
    run(fake)
    # Near the expected end already: dense looks at once, not 5, 10, 20 s pauses.
    assert fake.looks[1] - fake.looks[0] <= 3.0
    assert clock.monotonic() - 60.0 <= 2.0


def test_implausible_created_at_is_ignored() -> None:
    clock = VirtualClock()
    # A createdAt a year off (clocks that disagree) must not make the wait dense or sparse.
    created_at = datetime.datetime.fromtimestamp(clock.time() - 365 * 86400, tz=datetime.UTC)
    fake = FakeGeneration(clock, done_at=60.0, created_at=created_at)
    run(fake)
    assert fake.looks[:5] == [0.0, 5.0, 10.0, 20.0, 40.0]


def test_naive_created_at_is_read_as_utc() -> None:
    clock = VirtualClock(start=55.0)
    naive = datetime.datetime.fromtimestamp(clock.time() - 55.0, tz=datetime.UTC).replace(
        tzinfo=None
    )
    fake = FakeGeneration(clock, done_at=60.0, created_at=naive)
    run(fake)
    assert fake.looks[1] - fake.looks[0] <= 3.0


def test_failed_generation_raises_with_its_code() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=4.0, outcome="failed", failure_reason="INVALID_IMAGE")
    updates: list[str] = []
    with pytest.raises(GenerationFailedError) as caught:
        run(fake, on_update=lambda g: updates.append(g.status))
    assert caught.value.code == ErrorCode.INVALID_IMAGE
    assert caught.value.code is ErrorCode.INVALID_IMAGE
    assert caught.value.generation.status == "failed"
    assert caught.value.generation.id == GEN_ID
    assert updates[-1] == "failed"
    # The early look catches fast failures: seen at 5 s, not after the sparse phase.
    assert clock.monotonic() == 5.0


@pytest.mark.parametrize(("reason", "code"), [("MODEL_EXPLODED", "MODEL_EXPLODED"), (None, None)])
def test_failure_reason_that_is_not_a_documented_code(reason: str | None, code: str | None) -> None:
    fake = FakeGeneration(VirtualClock(), done_at=30.0, outcome="failed", failure_reason=reason)
    with pytest.raises(GenerationFailedError) as caught:
        run(fake)
    assert caught.value.code == code
    assert not isinstance(caught.value.code, ErrorCode)


def test_deadline_raises_wait_timeout_with_the_id_and_last_status() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=10_000.0)
    with pytest.raises(WaitTimeoutError) as caught:
        run(fake)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, ImagegenError)
    assert error.generation_id == GEN_ID
    assert error.last_status == GenerationStatus.PROCESSING
    assert GEN_ID in str(error)
    # It looked one last time exactly at the deadline, and stopped there.
    assert fake.looks[-1] == DEFAULT_WAIT_TIMEOUT
    assert clock.monotonic() == DEFAULT_WAIT_TIMEOUT
    assert len(fake.looks) <= 45


def test_timed_out_wait_can_be_resumed() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=100.0)
    with pytest.raises(WaitTimeoutError) as caught:
        run(fake, timeout=20.0)
    assert clock.monotonic() == 20.0
    result = wait_until_done(
        fake.fetch, generation_id=caught.value.generation_id, clock=clock, timeout=120.0
    )
    assert result.status == "succeeded"


def test_zero_timeout_looks_once() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=60.0)
    with pytest.raises(WaitTimeoutError) as caught:
        run(fake, timeout=0)
    assert caught.value.last_status == "starting"
    assert fake.looks == [0.0]


def test_no_deadline_waits_past_five_minutes() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=400.0)
    assert run(fake, timeout=None).status == "succeeded"
    assert clock.monotonic() - 400.0 <= 10.0


@pytest.mark.parametrize("timeout", [-1.0, math.nan, True, "300"])
def test_bad_timeout_is_refused_before_any_request(timeout: object) -> None:
    fake = FakeGeneration(VirtualClock(), done_at=1.0)
    with pytest.raises(InvalidRequestError) as caught:
        run(fake, timeout=timeout)
    assert caught.value.field == "timeout"
    assert fake.looks == []


def test_bad_generation_id_is_refused_before_any_request() -> None:
    fake = FakeGeneration(VirtualClock(), done_at=1.0)
    with pytest.raises(InvalidRequestError):
        wait_until_done(fake.fetch, generation_id="../account", clock=fake.clock)
    assert fake.looks == []


@pytest.mark.parametrize("status", ["cancelled", "refunded", "", "SUCCEEDED"])
def test_unknown_status_raises_instead_of_looping(status: str) -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=10.0, outcome=status)
    with pytest.raises(UnexpectedResponseError) as caught:
        run(fake)
    assert repr(status) in str(caught.value)
    assert GEN_ID in str(caught.value)
    assert len(fake.looks) <= 4  # raised at the first answer with that status
    assert fake.looks[-1] >= 10.0


def test_errors_from_fetch_propagate() -> None:
    clock = VirtualClock()
    calls: list[str] = []

    def fetch(generation_id: str, deadline: float | None = None) -> Generation:
        calls.append(generation_id)
        raise NotFoundError("Generation not found", status_code=404, code="GENERATION_NOT_FOUND")

    with pytest.raises(NotFoundError):
        wait_until_done(fetch, generation_id=GEN_ID, clock=clock)
    assert calls == [GEN_ID]


# -- the async twin ----------------------------------------------------------------------------


async def test_async_wait_matches_the_sync_one() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=60.0)
    seen: list[str] = []
    result = await await_until_done(
        fake.fetch, generation_id=GEN_ID, clock=clock, on_update=lambda g: seen.append(g.status)
    )
    assert result.status == "succeeded"
    assert seen == ["starting", "processing", "succeeded"]
    assert fake.looks == pytest.approx(PollSchedule().moments(60.0))


async def test_async_failure_and_timeout() -> None:
    clock = VirtualClock()
    failing = FakeGeneration(
        clock, done_at=4.0, outcome="failed", failure_reason="NSFW_CONTENT_DETECTED"
    )
    with pytest.raises(GenerationFailedError) as caught:
        await await_until_done(failing.fetch, generation_id=GEN_ID, clock=clock)
    assert caught.value.code == ErrorCode.NSFW_CONTENT_DETECTED

    clock = VirtualClock()
    slow = FakeGeneration(clock, done_at=1000.0)
    with pytest.raises(WaitTimeoutError) as timed_out:
        await await_until_done(slow.fetch, generation_id=GEN_ID, clock=clock, timeout=30.0)
    assert timed_out.value.last_status == "processing"
    assert clock.monotonic() == 30.0


async def test_async_unknown_status() -> None:
    clock = VirtualClock()
    fake = FakeGeneration(clock, done_at=0.0, outcome="cancelled")
    with pytest.raises(UnexpectedResponseError):
        await await_until_done(fake.fetch, generation_id=GEN_ID, clock=clock)
    assert fake.looks == [0.0]
