"""The documented limits: 10 creates per 60 seconds and 1 generation in progress per account.

Every authenticated createImage call counts against the rate window, whatever its answer
(rate limiting comes before validation, as it does in front of most APIs), except a call that
is itself refused with RATE_LIMIT_ERROR. Reads are not rate-limited (a fault rule can make
them answer 429). Both limits are per account and can be changed or switched off
(`SandboxControl.set_limits`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ._lifecycle import is_terminal
from ._state import Account, Generation

__all__ = ["concurrency_wait", "rate_limit_wait", "reset_headers", "wire_seconds"]


def rate_limit_wait(account: Account, now: float) -> float | None:
    """Count a create at `now`; or, when the window is full, the seconds until a slot frees."""
    limit = account.creates_per_window
    if limit is None:
        return None
    times = account.create_times
    while times and times[0] <= now - account.window_seconds:
        times.popleft()
    if len(times) >= limit:
        return times[0] + account.window_seconds - now
    times.append(now)
    return None


def concurrency_wait(
    account: Account, generations: Iterable[Generation], now: float
) -> float | None:
    """When the account has its maximum of generations in progress, the seconds until the
    first of them ends; None when another may start."""
    if account.max_concurrent is None:
        return None
    running = [g for g in generations if g.account_id == account.id and not is_terminal(g, now)]
    if len(running) < account.max_concurrent:
        return None
    return min(g.ends_at for g in running) - now


def wire_seconds(wait: float, speed: float = 1.0) -> int:
    """A wait of `wait` sandbox seconds as whole seconds of a client whose clock runs `speed`
    times slower than the sandbox's: rounded up (a client never comes back too early), at
    least 1."""
    return max(1, math.ceil(wait / speed))


def reset_headers(wait: float, speed: float = 1.0) -> dict[str, str]:
    """`X-RateLimit-Reset` as seconds from now, and the same in `Retry-After`, for a wait of
    `wait` sandbox seconds (see `wire_seconds`)."""
    seconds = str(wire_seconds(wait, speed))
    return {"X-RateLimit-Reset": seconds, "Retry-After": seconds}
