"""Waiting for a generation to finish: the one place a poll interval is chosen.

A fixed tick is either wasteful (a request every second for two minutes) or slow (a result that
sits unseen for most of a long tick). The docs give a timeline instead: text-to-image takes 1-2
minutes, with reference images 2-3 minutes, 4K longer; past 5 minutes something is wrong. So the
schedule looks at how far the wait is into that timeline:

- at once, to learn the current status (a resumed wait may find the generation already done);
- at `first_check` (5 s, or halfway to the expected end if sooner): failures such as a bad
  reference image come within seconds;
- then sparse, each interval at most the time elapsed so far (`early_growth`), so an early
  result is seen by twice the time it took, and at most half the time left until the target
  (the expected duration plus a `grace` of 0.5 s), so the looks close in on it and one lands
  on it; never closer than `near_interval` (2 s) until the last step, never more than
  `max_early_interval` (30 s) apart;
- after the target, every `near_interval` growing by `overrun_growth` (10 %) of the overrun,
  capped at `max_interval` (10 s).

Time is counted from the generation's creation where its `createdAt` and the client's clock
agree (within an hour), so a wait resumed late is dense at once; otherwise from the wait's start.

For a 1k text-to-image generation that finishes after 60 s (the expected duration) this is 10
status requests (at 0, 5, 10, 20, 40, 50.3, 55.4, 57.9, 59.2, 60.5 s), and the result is seen
0.5 s after it is ready; the benchmark target is at most 12 requests and 2 s. A result at 15 s
is seen 5 s late (4 requests); one at 90 s takes 20 requests and is seen 2.4 s late; a wait that
runs into the 300 s deadline makes 43 (a fixed 2 s tick would make 150). With reference images
(120 s expected) a result at 120 s takes 12 requests, seen 0.5 s late. The schedule runs on
the wait's `Clock`, so tests check all of this on a virtual clock.
"""

from __future__ import annotations

import collections
import datetime
import math
from collections.abc import Callable

import attrs

from imagegen._api.models import GenerationStatus, Resolution

from ._clock import Clock
from ._defaults import DEFAULT_WAIT_TIMEOUT
from ._errors import (
    APIConnectionError,
    APIError,
    GenerationFailedError,
    InvalidRequestError,
    WaitTimeoutError,
)
from ._io import Plan, Sleep
from ._observe import Observer
from ._parsing import unknown_status_error
from ._types import Generation
from ._validation import check_generation_id

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "LearnedDurations",
    "PollSchedule",
    "expected_duration",
    "wait_plan",
]

# The lower ends of the docs' "normal timeline": before them a result is unlikely, so polling
# stays sparse until then and dense from then on.
_TEXT_TO_IMAGE_SECONDS = 60.0
_WITH_REFERENCES_SECONDS = 120.0
# "4K resolution: may take longer" (no figure given); 2k is taken to take as long as 1k.
_RESOLUTION_FACTOR = {Resolution.RES_1K: 1.0, Resolution.RES_2K: 1.0, Resolution.RES_4K: 1.5}
# Credits per output, by resolution (the spec's credit rule), to infer a generation's resolution.
_RESOLUTION_BY_CREDITS = {1: Resolution.RES_1K, 2: Resolution.RES_2K, 4: Resolution.RES_4K}

# A generation's age (from its createdAt) is trusted for scheduling only within this range:
# beyond it, the two clocks disagree more than a generation lives.
_PLAUSIBLE_AGE = 3600.0

_KNOWN_STATUSES = frozenset(GenerationStatus)


def expected_duration(
    resolution: Resolution | str | None = None, reference_images: int = 0
) -> float:
    """Seconds from creation after which a generation is likely to be done.

    The lower end of the docs' timeline: 60 s for text-to-image, 120 s with reference images,
    half as long again for 4k. An unknown resolution counts as 1k.
    """
    base = _WITH_REFERENCES_SECONDS if reference_images > 0 else _TEXT_TO_IMAGE_SECONDS
    try:
        factor = (
            _RESOLUTION_FACTOR.get(Resolution(str(resolution).lower()), 1.0) if resolution else 1.0
        )
    except ValueError:
        factor = 1.0
    return base * factor


# The shortest sleep between two looks.
_MIN_INTERVAL = 0.1


def _positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"PollSchedule.{attribute.name} must be a positive number, not {value!r}")


@attrs.frozen(kw_only=True)
class PollSchedule:
    """When to look next, given how long the generation has been running.

    `expected` is the generation's expected duration (see `expected_duration`); the other
    numbers shape the curve described in this module's docstring.
    """

    expected: float = attrs.field(default=_TEXT_TO_IMAGE_SECONDS, validator=_positive)
    first_check: float = attrs.field(default=5.0, validator=_positive)
    early_growth: float = attrs.field(default=1.0, validator=_positive)
    grace: float = attrs.field(default=0.5, validator=attrs.validators.ge(0.0))
    near_interval: float = attrs.field(default=2.0, validator=_positive)
    max_early_interval: float = attrs.field(default=30.0, validator=_positive)
    overrun_growth: float = attrs.field(default=0.1, validator=attrs.validators.ge(0.0))
    max_interval: float = attrs.field(default=10.0, validator=_positive)

    @classmethod
    def for_request(
        cls, resolution: Resolution | str | None = None, reference_images: int = 0
    ) -> PollSchedule:
        """The schedule for a generation created with these parameters."""
        return cls(expected=expected_duration(resolution, reference_images))

    @classmethod
    def for_generation(cls, generation: Generation) -> PollSchedule:
        """The schedule for a generation known only by what getImage reports.

        Its reference images are in `imageInput`; its resolution follows from the credit rule
        (credits per output: 1, 2 or 4 for 1k, 2k, 4k). What cannot be read counts as 1k text.
        """
        resolution: Resolution | None = None
        cost, outputs = generation.credit_cost, generation.output_number
        if cost and outputs and cost % outputs == 0:
            resolution = _RESOLUTION_BY_CREDITS.get(cost // outputs)
        return cls.for_request(resolution, len(generation.image_input))

    def next_interval(self, elapsed: float) -> float:
        """Seconds to wait before the next look, `elapsed` seconds into the generation."""
        # A target a rounding error away (createdAt has whole seconds) would make a sleep of
        # 1e-14 s: a burst of requests on a real clock, and no progress at all on a virtual one.
        return max(self._interval(max(elapsed, 0.0)), _MIN_INTERVAL)

    def _interval(self, elapsed: float) -> float:
        # A schedule for a generation expected in under 10 s looks first halfway there.
        first_check = min(self.first_check, self.expected / 2)
        if elapsed < first_check:
            return first_check - elapsed
        remaining = self.expected + self.grace - elapsed
        if remaining >= 2 * self.near_interval:
            sparse = min(remaining / 2, self.early_growth * elapsed, self.max_early_interval)
            return max(sparse, self.near_interval)
        if remaining > self.near_interval:
            return remaining / 2  # two even steps onto the target, neither needlessly short
        if remaining > 0:
            return remaining  # land on the target
        overrun = -remaining
        return min(self.near_interval + self.overrun_growth * overrun, self.max_interval)

    def moments(self, until: float) -> list[float]:
        """The moments (seconds into the generation) of every look up to `until`, the first at 0.

        For documentation and tests: `len(moments(t))` is how many requests a wait costs.
        """
        moments = [0.0]
        while moments[-1] < until:
            moments.append(moments[-1] + self.next_interval(moments[-1]))
        return moments


class LearnedDurations:
    """How long the generations of one batch took, to expect the next ones of their kind.

    The docs' timeline is a guess about any account; a batch soon knows its own. Once a
    generation of a kind (resolution and reference images) succeeded, the next of that kind is
    expected when the quickest of the last few did (`totalTime`): the quickest, because looks are
    dense after the expected end and sparse before it, so expecting it late costs more than
    expecting it early. Generations of 2 s are then seen at 2.5 s, not at the 5 s a first look
    of the docs' timeline waits; those of the docs' 60-120 s keep a schedule like the docs'.
    """

    def __init__(self, keep: int = 5) -> None:
        self._keep = keep
        self._seen: dict[tuple[str, int], collections.deque[float]] = {}

    def schedule(self, resolution: Resolution | str | None, reference_images: int) -> PollSchedule:
        """The schedule for the next generation of this kind."""
        schedule = PollSchedule.for_request(resolution, reference_images)
        seen = self._seen.get(self._kind(resolution, reference_images))
        if not seen:
            return schedule
        return attrs.evolve(schedule, expected=max(min(seen), _MIN_INTERVAL))

    def record(
        self, resolution: Resolution | str | None, reference_images: int, generation: Generation
    ) -> None:
        """A generation of this kind succeeded."""
        took = generation.total_time
        if took is None or not math.isfinite(took) or took <= 0:
            return
        kind = self._kind(resolution, reference_images)
        self._seen.setdefault(kind, collections.deque(maxlen=self._keep)).append(float(took))

    @staticmethod
    def _kind(resolution: Resolution | str | None, reference_images: int) -> tuple[str, int]:
        return (str(resolution or Resolution.RES_1K).lower(), min(reference_images, 1))


# -- the wait ---------------------------------------------------------------------------------


class _Wait:
    """The state of one wait: what to do with each answer and how long to sleep before the
    next."""

    def __init__(
        self,
        generation_id: object,
        clock: Clock,
        timeout: float | None,
        on_update: Callable[[Generation], object] | None,
        schedule: PollSchedule | None,
        observer: Observer | None = None,
    ) -> None:
        self.generation_id = check_generation_id(generation_id)
        self.observer = observer
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not timeout >= 0  # also refuses NaN
        ):
            raise InvalidRequestError(
                f"timeout must be a number of seconds >= 0, or None to wait with no deadline; "
                f"got {timeout!r}",
                field="timeout",
            )
        self.clock = clock
        self.timeout = timeout
        self.on_update = on_update
        self.schedule = schedule
        self.started = clock.monotonic()
        self.deadline = None if timeout is None else self.started + timeout
        self.last_status: GenerationStatus | None = None
        # How old the generation already was when the wait began (a resumed wait).
        self.age_at_start: float | None = None

    def failed_to_look(self) -> WaitTimeoutError | None:
        """What ends the wait when a look failed: past the deadline (where the look's retries
        stop), the wait's timeout; else None, and the failure stands."""
        if self.deadline is None or self.clock.monotonic() < self.deadline:
            return None
        return WaitTimeoutError(self.generation_id, self.last_status, timeout=self.timeout)

    def observe(self, generation: Generation) -> Generation | float:
        """Take one answer: the generation once it succeeded, else the seconds to sleep before
        the next look; raises when the wait ends any other way."""
        if generation.status not in _KNOWN_STATUSES:
            # A status nobody documented (e.g. "cancelled"), read as its raw string: waiting on
            # could be forever. The error carries the answer it came in, when getImage's.
            raise unknown_status_error(self.generation_id, generation.status)
        status = GenerationStatus(generation.status)  # the member, also for a known plain str
        if status != self.last_status:
            if self.observer is not None:
                self.observer.emit(
                    "status",
                    generation_id=self.generation_id,
                    status=str(status),
                    previous=None if self.last_status is None else str(self.last_status),
                )
            self.last_status = status
            if self.on_update is not None:
                self.on_update(generation)
        if status == GenerationStatus.FAILED:
            raise GenerationFailedError(generation)
        if status == GenerationStatus.SUCCEEDED:
            return generation

        now = self.clock.monotonic()
        if self.deadline is not None and now >= self.deadline:
            raise WaitTimeoutError(self.generation_id, self.last_status, timeout=self.timeout)
        if self.schedule is None:
            self.schedule = PollSchedule.for_generation(generation)
        if self.age_at_start is None:
            self.age_at_start = _age(generation, self.clock)
        interval = self.schedule.next_interval(now - self.started + self.age_at_start)
        if self.deadline is not None:
            # Look once more exactly at the deadline, rather than give up before it.
            interval = min(interval, max(self.deadline - now, _MIN_INTERVAL))
        return interval


def _age(generation: Generation, clock: Clock) -> float:
    """Seconds since the generation was created, by its createdAt; 0 when that is not usable."""
    created = generation.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.UTC)
    age = clock.time() - created.timestamp()
    return age if 0.0 <= age <= _PLAUSIBLE_AGE else 0.0


def wait_plan(
    fetch: Callable[[str, float | None], Plan[Generation]],
    *,
    generation_id: str,
    clock: Clock,
    timeout: float | None = DEFAULT_WAIT_TIMEOUT,
    on_update: Callable[[Generation], object] | None = None,
    schedule: PollSchedule | None = None,
    observer: Observer | None = None,
) -> Plan[Generation]:
    """Poll `fetch(generation_id, deadline)` until the generation succeeds, and return it.

    Raises `GenerationFailedError` (with the failure code) if it fails, `WaitTimeoutError` (with
    the id and last status, to resume) once `timeout` seconds pass, `UnexpectedResponseError` on
    a status this client does not know. `on_update(generation)` is called once per change of
    status, the first answer included. `schedule` defaults to one fitted to the generation
    (`PollSchedule.for_generation`). `fetch` is the plan of one look: it retries reads itself,
    sleeping no later than `deadline`; a failure it gives up on after the deadline ends the wait
    as a `WaitTimeoutError`, any other propagates.
    """
    wait = _Wait(generation_id, clock, timeout, on_update, schedule, observer)
    while True:
        try:
            generation = yield from fetch(wait.generation_id, wait.deadline)
        except (APIError, APIConnectionError) as exc:
            timed_out = wait.failed_to_look()
            if timed_out is None:
                raise
            raise timed_out from exc
        outcome = wait.observe(generation)
        if isinstance(outcome, Generation):
            return outcome
        yield Sleep(outcome)
