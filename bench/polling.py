"""Figure 3: how many status requests a wait makes, and how late it returns.

The sandbox runs in this process on a `VirtualClock` shared with the client (imagegen.testing),
so a 180 s generation costs no real time and every timing is exact. The prompt trigger
`sandbox:duration=N` makes the sandbox finish the generation exactly N seconds after its
creation (see docs/sandbox.md). The client's sleeps move that clock; the lag is the virtual time
between the moment the generation finished and the moment `images.wait` returned.

Requests are counted on the wire: a request hook on the client's httpx.Client counts every
GET of the generation made during the wait. The API reports `createdAt` in whole seconds, so
where in its second a generation is created changes what the client can know of its age: each
wait runs for creations at several phases of a second (1000.0, 1000.25, 1000.5, 1000.75 and
1000.9 s on the clock), and the figure shows the range; the target holds for the worst.

The comparison is the loop one writes by hand: get the generation, and if it is not done
sleep a fixed 0.5 s (on the same clock) and get it again. Its lag is at most 0.5 s; here it is
0, since it starts at the creation and the durations are whole multiples of 0.5 s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from bench._guard import RunawayGuard
from bench._report import Figure, median, run_alone

DURATIONS = (15.0, 60.0, 180.0)
START = 1000.0
PHASES = (0.0, 0.25, 0.5, 0.75, 0.9)
FIXED_INTERVAL = 0.5
TARGET_DURATION = 60.0
TARGET_REQUESTS = 12
TARGET_LAG = 2.0


class RequestCounter:
    """Counts GETs of one generation, on the wire."""

    def __init__(self) -> None:
        self.generation_id = ""
        self.count = 0

    def __call__(self, request: httpx.Request) -> None:
        if request.method == "GET" and request.url.path.endswith(f"/images/{self.generation_id}"):
            self.count += 1


def fixed_interval_wait(client: Any, generation_id: str, clock: Any) -> Any:
    """The hand-written loop: get, and sleep a fixed interval until the generation is done."""
    while True:
        generation = client.images.get(generation_id)
        if generation.is_terminal:
            return generation
        clock.sleep(FIXED_INTERVAL)


def measure(duration: float, wait: Callable[[Any, str, Any], Any]) -> dict[str, Any]:
    from imagegen.testing import Sandbox

    requests: list[int] = []
    lags: list[float] = []
    for phase in PHASES:
        counter = RequestCounter()
        with Sandbox() as sandbox:
            sandbox.advance(START + phase)
            hooks = {"request": [counter, RunawayGuard(sandbox.clock)]}
            http = sandbox.http_client(event_hooks=hooks)
            client = sandbox.client(http_client=http)
            created_at = sandbox.clock.monotonic()
            created = client.images.create(f"a red fox sandbox:duration={duration:g}")
            counter.generation_id = created.id
            generation = wait(client, created.id, sandbox.clock)
            returned_at = sandbox.clock.monotonic()
        if not generation.succeeded:
            raise RuntimeError(f"the {duration:g} s generation ended {generation.status}")
        requests.append(counter.count)
        lags.append(returned_at - (created_at + duration))
    return {
        "requests_median": median(requests),
        "lag_median_s": median(lags),
        "requests_max": max(requests),
        "lag_max_s": max(lags),
        "phases_s": list(PHASES),
        "requests": requests,
        "lags_s": lags,
    }


def _spread(result: dict[str, Any]) -> str:
    low, high = min(result["requests"]), max(result["requests"])
    requests = f"{low}" if low == high else f"{low}-{high}"
    return f"{requests} req, lag {min(result['lags_s']):.2f}-{max(result['lags_s']):.2f} s"


def run() -> list[Figure]:
    strategies: dict[str, Callable[[Any, str, Any], Any]] = {
        "images.wait": lambda client, generation_id, _clock: client.images.wait(generation_id),
        f"fixed {FIXED_INTERVAL:g} s poll": fixed_interval_wait,
    }
    figures = []
    for name, wait in strategies.items():
        for duration in DURATIONS:
            result = measure(duration, wait)
            requests, lag = result["requests_max"], result["lag_max_s"]
            targeted = name == "images.wait" and duration == TARGET_DURATION
            figures.append(
                Figure(
                    figure="3",
                    name=f"{name}, {duration:g} s generation: status requests, lag",
                    measured=requests,
                    unit="requests",
                    target=(
                        f"<= {TARGET_REQUESTS} req, lag <= {TARGET_LAG:g} s" if targeted else "-"
                    ),
                    passed=(
                        (requests <= TARGET_REQUESTS and lag <= TARGET_LAG) if targeted else None
                    ),
                    details=result,
                    display=_spread(result),
                )
            )
    return figures


def main() -> None:
    run_alone(run, "polling")


if __name__ == "__main__":
    main()
