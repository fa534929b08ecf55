"""Client-side pacing of creates, so a batch stays inside the API's limits and never sees a 429.

The docs give two limits per account: 10 creates in any 60 seconds, and 1 generation in
progress at a time. Before each create the client asks its `CreatePacer`: which of its own
generations are still in progress (it waits them out, polling them), whether it may hold the
account's in-progress lease, and whether the create fits the window. The pacer holds only state
and arithmetic; the client's pacing plan (`ClientCore.pace_plan`) does the waiting, on its
Clock.

The account's state (the window and the lease) is kept by a `Limiter` (`imagegen.limiter`):
by default one in memory of this client's own, so it paces only its own creates; given a
shared one (SQLite on one machine, Redis across machines), every client of the account paces
against the creates and generations of all of them. The lease is taken before a create is sent
and released once its generation is seen terminal (or the wait for it ends); it is renewed
each time the generation is seen still in progress, and ends by its TTL if nothing renews it
(the process died, or nobody waits for the generation).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

import attrs

from ._clock import Clock
from ._errors import LimiterError
from ._types import Generation
from .limiter import InProcessLimiter, Limiter

__all__ = ["CreatePacer", "Pacing"]

logger = logging.getLogger("imagegen")
T = TypeVar("T")

# The account key of a client's own in-process limiter: nobody else reads it, so the account
# id need not be asked for.
OWN_ACCOUNT = "this client"


@attrs.frozen(kw_only=True)
class Pacing:
    """The limits to pace creates to. The defaults are the API's documented limits.

    `margin` seconds are added to every window wait, so a create never lands on the very
    instant the server's own window rolls over. `max_wait` bounds how long a create waits for a
    previous generation to finish before it stops waiting and lets the server decide.

    With a shared limiter, a create's lease of the account's in-progress slot lasts `lease_ttl`
    seconds from its last renewal (each look at its generation in progress renews it), so a
    lease whose process died ends that long after; keep it longer than the polls' longest
    interval (`PollSchedule.max_early_interval`, 30 s), or a lease ends between two looks. A
    create whose slot another client holds asks again every `lease_poll` seconds at most: the
    slot is released the moment its generation is seen finished, and each waiting client sees
    that at its next ask, so a handoff costs up to `lease_poll` (half of it on average, less with
    several waiting). Half a second is well under one per cent of generations of one to three
    minutes, for two limiter calls a second per waiting client (tests/wrapper/
    test_batch_processes.py: four batch processes of 60 s generations reach 0.97 to 0.98 of
    the account's bound).
    """

    creates_per_window: int = attrs.field(default=10, validator=attrs.validators.ge(1))
    window: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    max_in_progress: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    margin: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_wait: float = attrs.field(default=300.0, validator=attrs.validators.ge(0))
    lease_ttl: float = attrs.field(default=60.0, validator=attrs.validators.gt(0))
    lease_poll: float = attrs.field(default=0.5, validator=attrs.validators.gt(0))


class CreatePacer:
    """One client's view of the account's limits: its own generations in progress (and the
    lease each holds), and the `Limiter` that keeps the account's window and leases."""

    def __init__(
        self,
        pacing: Pacing,
        clock: Clock,
        limiter: Limiter | None = None,
        *,
        account: str | None = OWN_ACCOUNT,
    ) -> None:
        self.pacing = pacing
        self._clock = clock
        self.limiter: Limiter = limiter if limiter is not None else InProcessLimiter()
        # None until the client has asked getStatus which account its key is of.
        self.account = account
        self._lock = threading.Lock()
        self._in_progress: dict[str, float] = {}
        self._leases: dict[str, str] = {}  # generation id -> the holder of its lease
        # The holder of the lease taken for the create about to be sent (one at a time: the
        # client's create lock), and the moment its place in the window was taken.
        self._pending: str | None = None
        self._placed: float | None = None

    def _now(self) -> float:
        # Epoch seconds are what other processes can compare; in memory, monotonic is safer.
        return self._clock.time() if self.limiter.shared else self._clock.monotonic()

    def _account(self) -> str:
        if self.account is None:
            raise RuntimeError("the account id is looked up before the first create")
        return self.account

    def window_wait(self) -> float:
        """Seconds until one more create fits the account's sliding window (with the margin).

        0.0 when it fits now, and then its place in the window is taken: send the create."""
        pacing = self.pacing
        now = self._now()
        wait = self.limiter.reserve(
            self._account(), limit=pacing.creates_per_window, window=pacing.window, now=now
        )
        if wait <= 0:
            self._placed = now
            return 0.0
        # Never longer than a window: a wall clock set back must not stall creates for hours.
        return min(wait, pacing.window) + pacing.margin

    def lease_wait(self) -> float:
        """Take (or renew) the account's in-progress lease for the next create: 0.0 once held,
        else the seconds to wait before asking again (another client holds every slot)."""
        if self._pending is None:
            self._pending = uuid.uuid4().hex
        pacing = self.pacing
        wait = self.limiter.acquire(
            self._account(),
            self._pending,
            slots=pacing.max_in_progress,
            ttl=pacing.lease_ttl,
            now=self._now(),
        )
        if wait <= 0:
            return 0.0
        return max(min(wait, pacing.lease_poll), 0.01)

    def recall(self, sent_at: list[float]) -> None:
        """Creates of this account sent before this client was made (epoch seconds: a batch's
        journal after a restart). A limiter of this client's own has not seen them, and the
        server's window still counts them; a shared limiter has them already."""
        if self.limiter.shared or self.account is None:
            return
        pacing = self.pacing
        since = self._clock.time() - pacing.window
        offset = self._clock.monotonic() - self._clock.time()
        for moment in sorted(at for at in sent_at if at > since):
            self.limiter.reserve(
                self.account,
                limit=pacing.creates_per_window,
                window=pacing.window,
                now=moment + offset,
            )

    def abandon(self) -> None:
        """The create made nothing (it failed): its lease goes back."""
        self._placed = None
        holder, self._pending = self._pending, None
        if holder is not None and self.account is not None:
            account = self.account
            self._quietly(lambda: self.limiter.release(account, holder))

    def blocking(self) -> list[str]:
        """Ids of this client's generations in progress, oldest first, when they are as many as
        allowed (so one must finish before the next create); empty when a create may go."""
        with self._lock:
            if len(self._in_progress) < self.pacing.max_in_progress:
                return []
            return sorted(self._in_progress, key=self._in_progress.__getitem__)

    def record_create(self, generation_id: str) -> None:
        """A create was accepted, or a generation found that a create made (a lost answer, a
        batch resumed after a crash): it is in progress, and holds the lease taken for its
        create, if there was one, else one taken now if a slot is free."""
        now = self._clock.monotonic()
        holder, self._pending = self._pending, None
        placed, self._placed = self._placed, None
        if placed is not None and self.account is not None:
            # Its place in the window is the moment it was answered: the server counted it
            # no later than that.
            account = self.account
            self._quietly(lambda: self.limiter.move(account, placed=placed, now=self._now()))
        if holder is None:
            holder = self._quietly(self._try_lease)
        with self._lock:
            self._in_progress[generation_id] = now
            if holder is not None:
                self._leases[generation_id] = holder

    def _try_lease(self) -> str | None:
        """A lease of a free slot of the account, without waiting; None if none is free (then
        the holder of the slot is another process's, or a dead one's until its TTL ends)."""
        if self.account is None:
            return None
        holder = uuid.uuid4().hex
        pacing = self.pacing
        wait = self.limiter.acquire(
            self.account,
            holder,
            slots=pacing.max_in_progress,
            ttl=pacing.lease_ttl,
            now=self._now(),
        )
        return holder if wait <= 0 else None

    def observe(self, generation: Generation) -> None:
        """A fresh view of a generation: once it is terminal it no longer holds a slot; while
        in progress, its lease is renewed."""
        if generation.is_terminal:
            self.forget(generation.id)
        else:
            self.renew(generation.id)

    def renew(self, generation_id: str) -> None:
        with self._lock:
            holder = self._leases.get(generation_id)
        if holder is None or self.account is None:
            return
        account = self.account
        renewed = self._quietly(
            lambda: self.limiter.renew(account, holder, ttl=self.pacing.lease_ttl, now=self._now())
        )
        if renewed is False:
            logger.warning(
                "pacing: the lease of generation %s had ended by its TTL (lease_ttl=%s s) "
                "while it was in progress; another client of the account may create meanwhile",
                generation_id,
                self.pacing.lease_ttl,
            )
            with self._lock:
                self._leases.pop(generation_id, None)

    def forget(self, generation_id: str) -> None:
        with self._lock:
            self._in_progress.pop(generation_id, None)
            holder = self._leases.pop(generation_id, None)
        if holder is not None and self.account is not None:
            account = self.account
            self._quietly(lambda: self.limiter.release(account, holder))

    @staticmethod
    def _quietly(step: Callable[[], T]) -> T | None:
        """A step of the limiter taken after a create was sent: its failure is logged, never
        raised, since the create's generation exists and must reach the caller. (Before a
        create, a failing limiter is a `LimiterError`: nothing is sent.)"""
        try:
            return step()
        except LimiterError as exc:
            logger.warning("pacing: %s; the limits may be shared less exactly meanwhile", exc)
            return None

    def __repr__(self) -> str:
        return (
            f"CreatePacer({self.pacing!r}, {self.limiter!r}, in_progress={len(self._in_progress)})"
        )
