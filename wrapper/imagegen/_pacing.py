"""Client-side pacing of creates, so a batch stays inside the API's limits and never sees a 429.

The docs give two limits per account: 10 creates in any 60 seconds, and 1 generation in
progress at a time. Before each create the client asks the `CreatePacer` how long to wait for
the window, and which of its own generations are still in progress; it waits on its Clock (and
polls those generations) until both allow the create. The pacer holds only state and arithmetic;
the client's sync and async loops do the waiting.

The pacer knows only this client's creates: another process on the same account still counts
against the API's limits, and the retry rules (`_retry`) deal with the 429 that may then come.
"""

from __future__ import annotations

import collections
import threading

import attrs

from ._clock import Clock
from ._types import Generation

__all__ = ["CreatePacer", "Pacing"]


@attrs.frozen(kw_only=True)
class Pacing:
    """The limits to pace creates to. The defaults are the API's documented limits.

    `margin` seconds are added to every window wait, so a create never lands on the very
    instant the server's own window rolls over. `max_wait` bounds how long a create waits for a
    previous generation to finish before it stops waiting and lets the server decide.
    """

    creates_per_window: int = attrs.field(default=10, validator=attrs.validators.ge(1))
    window: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    max_in_progress: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    margin: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_wait: float = attrs.field(default=300.0, validator=attrs.validators.ge(0))


class CreatePacer:
    """What one client has created recently, and which of its generations are in progress."""

    def __init__(self, pacing: Pacing, clock: Clock) -> None:
        self.pacing = pacing
        self._clock = clock
        self._lock = threading.Lock()
        self._recent: collections.deque[float] = collections.deque()
        self._in_progress: dict[str, float] = {}

    def window_wait(self) -> float:
        """Seconds until one more create fits in the sliding window (0 when it fits now)."""
        now = self._clock.monotonic()
        with self._lock:
            while self._recent and now - self._recent[0] >= self.pacing.window:
                self._recent.popleft()
            if len(self._recent) < self.pacing.creates_per_window:
                return 0.0
            oldest = self._recent[0]
        return max(0.0, oldest + self.pacing.window + self.pacing.margin - now)

    def blocking(self) -> list[str]:
        """Ids of this client's generations in progress, oldest first, when they are as many as
        allowed (so one must finish before the next create); empty when a create may go."""
        with self._lock:
            if len(self._in_progress) < self.pacing.max_in_progress:
                return []
            return sorted(self._in_progress, key=self._in_progress.__getitem__)

    def record_create(self, generation_id: str) -> None:
        """A create was accepted: it counts in the window and is in progress."""
        now = self._clock.monotonic()
        with self._lock:
            self._recent.append(now)
            self._in_progress[generation_id] = now

    def observe(self, generation: Generation) -> None:
        """A fresh view of a generation: once it is terminal it no longer holds a slot."""
        if generation.is_terminal:
            self.forget(generation.id)

    def forget(self, generation_id: str) -> None:
        with self._lock:
            self._in_progress.pop(generation_id, None)

    def __repr__(self) -> str:
        return (
            f"CreatePacer({self.pacing!r}, recent={len(self._recent)}, "
            f"in_progress={len(self._in_progress)})"
        )
