"""A guard for waits on a virtual clock: a client that polls without letting time pass would
loop forever there, so the figure stops with the reason instead of hanging."""

from __future__ import annotations

from typing import Any

import httpx

# More requests than this at one moment of the virtual clock is a loop, not a schedule.
MAX_REQUESTS_AT_ONE_MOMENT = 50


class RunawayPolling(RuntimeError):
    pass


class RunawayGuard:
    """An httpx request hook: raises once requests keep coming with the clock standing still."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self._moment: float | None = None
        self._count = 0

    def __call__(self, request: httpx.Request) -> None:
        now = self.clock.monotonic()
        if now != self._moment:
            self._moment, self._count = now, 0
        self._count += 1
        if self._count > MAX_REQUESTS_AT_ONE_MOMENT:
            raise RunawayPolling(
                f"{self._count} requests ({request.method} {request.url.path}) at virtual "
                f"time {now!r} without the clock moving: the client polls with a zero or "
                "vanishing interval"
            )
