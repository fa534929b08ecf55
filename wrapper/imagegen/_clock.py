"""Time, behind one small interface, so waits can run on a clock that tests control.

The client reads the time and sleeps only through a `Clock`. `SystemClock` is real time.
`VirtualClock` is the sandbox's: sleeping on it moves it forward at once, so a test that waits
"five minutes" for a generation takes microseconds, and the sandbox, reading the same clock,
sees those five minutes pass.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Clock", "SystemClock", "VirtualClock"]


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; for durations and deadlines."""
        ...

    def time(self) -> float:
        """Seconds since the Unix epoch; for reset headers that name a moment."""
        ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # here, not at the top: `import imagegen` need not pay for asyncio

        await asyncio.sleep(max(seconds, 0.0))

    def __repr__(self) -> str:
        return "SystemClock()"


class VirtualClock:
    """A clock that moves only when told to, or when something sleeps on it.

    Concurrent async sleepers do not add up: each moves the clock to the moment it would wake,
    if the clock is not already past it (an "autojump" clock, as trio's MockClock).
    Listeners are called after every move with the new `monotonic()` value; the sandbox uses
    them to finish generations and deliver webhooks as time passes.
    """

    def __init__(self, start: float = 0.0, epoch: float = 1_800_000_000.0) -> None:
        self._now = start
        self._epoch = epoch
        self._lock = threading.Lock()
        self._listeners: list[Callable[[float], None]] = []

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._epoch + self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back (advance by {seconds})")
        self._move_to(self._now + seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))

    async def asleep(self, seconds: float) -> None:
        import asyncio  # here, not at the top: `import imagegen` need not pay for asyncio

        wake_at = self._now + max(seconds, 0.0)
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
        if wake_at > self._now:
            self._move_to(wake_at)

    def add_listener(self, listener: Callable[[float], None]) -> None:
        self._listeners.append(listener)

    def _move_to(self, moment: float) -> None:
        with self._lock:
            self._now = max(self._now, moment)
            now = self._now
        for listener in list(self._listeners):
            listener(now)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.3f})"
