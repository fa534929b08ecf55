"""Figure 4: a batch through `generate_many`, against the fastest schedule the limits allow.

The sandbox runs in this process on a `VirtualClock` shared with the client, with the API's
documented limits (10 creates in any 60 s, 1 generation in progress); 30 prompts go through
`client.generate_many`. Two batches: generations of exactly 2 s (prompt trigger
`sandbox:duration=2`), where the rate window is what binds, and generations of the sandbox's
own durations (60 to 120 s, drawn per generation), where the one-at-a-time limit binds.

The 2 s batch: the window lets ten creates into any 60 s, so the batch runs in three bursts
of ten, each 60 s after the one before, and within a burst each create waits until the
generation before it is seen done. The last burst counts in full: the bound is 120 s + 20 s
(ten of 2 s). Before the batch learned its durations, every generation was first looked at
5 s after its creation (the docs' schedule), so a burst took 50 s and the batch 171 s (0.82).
Now it learns them (`_polling.LearnedDurations`): the first generation is waited for on the
docs' schedule, each later one is expected when the quickest already done ended (2 s), looked
at 1 s after its creation and at 2.5 s (that end plus the schedule's 0.5 s grace), so it is
seen 2 to 2.5 s after it was created (createdAt has whole seconds). What is left: 3 s for
the first generation and 0.5 s for the second, which the sliding window carries into the
later bursts, and the pacer's 0.5 s margin on each of the two window waits: 144.5 s, 0.97 of
the bound.

The bound. With creates in order at moments s_i and durations d_i, the limits say
s_i >= s_(i-1) + d_(i-1) (the previous one must have ended) and s_i >= s_(i-10) + 60 (at most
10 creates in any 60 s), so the earliest possible schedule is
    s_0 = 0,  s_i = max(s_(i-1) + d_(i-1), s_(i-10) + 60),
and no client can finish sooner than T = s_29 + d_29. The durations are those the sandbox
reports (`totalTime` of each finished generation). The figure is T divided by the time
`generate_many` took on the same clock (first create to return): 1.0 would be a client that
creates each generation the instant the limits allow it and sees each finish the instant it
does.

429s are counted on the wire (a response hook on the client's httpx.Client), so a 429 that
the client retried away still counts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import httpx

from bench._guard import RunawayGuard
from bench._report import Figure, run_alone

COUNT = 30
CREATES_PER_WINDOW = 10
WINDOW = 60.0
TARGET = 0.95
# name: prompt suffix. The documented durations make the one-at-a-time limit bind; 2 s
# generations make the rate window bind, to show the pacing causes no 429 and, since the batch
# learns how long its generations take (see above), loses little to polling.
BATCHES = {
    "sandbox durations (60-120 s)": "",
    "2 s generations (rate window binds)": " sandbox:duration=2",
}


def fastest_makespan(durations: Sequence[float]) -> float:
    """The earliest moment the last generation can end, under the two limits."""
    starts: list[float] = []
    for index, _ in enumerate(durations):
        earliest = 0.0
        if index >= 1:
            earliest = starts[index - 1] + durations[index - 1]
        if index >= CREATES_PER_WINDOW:
            earliest = max(earliest, starts[index - CREATES_PER_WINDOW] + WINDOW)
        starts.append(earliest)
    return starts[-1] + durations[-1]


class Wire:
    """What the client sent and got: the moments creates were accepted, and every 429."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.created_at: list[float] = []
        self.too_many = 0

    def __call__(self, response: httpx.Response) -> None:
        if response.status_code == 429:
            self.too_many += 1
        elif response.request.method == "POST" and response.status_code == 201:
            self.created_at.append(self.clock.monotonic())


def measure(suffix: str) -> dict[str, Any]:
    from imagegen.testing import Sandbox

    prompts = [f"a lighthouse, study {index}{suffix}" for index in range(COUNT)]
    with Sandbox() as sandbox:
        wire = Wire(sandbox.clock)
        hooks = {"request": [RunawayGuard(sandbox.clock)], "response": [wire]}
        client = sandbox.client(http_client=sandbox.http_client(event_hooks=hooks))
        started = sandbox.clock.monotonic()
        results = client.generate_many(prompts)
        took = sandbox.clock.monotonic() - started
        generations = [_generation_of(result) for result in results]
        durations = [client.images.get(g.id).total_time for g in generations]
    if any(not g.succeeded for g in generations) or len(generations) != COUNT:
        raise RuntimeError("the batch did not succeed whole")
    bound = fastest_makespan(durations)
    return {
        "fraction": bound / took,
        "bound_s": bound,
        "took_s": took,
        "responses_429": wire.too_many,
        "durations_s": durations,
        "creates_accepted_at_s": [moment - started for moment in wire.created_at],
    }


def _generation_of(result: Any) -> Any:
    """The generation of one `generate_many` result (a GenerationResult, or the error)."""
    if isinstance(result, Exception):
        raise RuntimeError(f"a generation of the batch failed: {result!r}") from result
    return result.generation


def run() -> list[Figure]:
    figures = []
    for name, suffix in BATCHES.items():
        title = f"generate_many, {COUNT} x {name}: throughput / bound"
        target = f">= {TARGET}, 0 x 429"
        try:
            result = measure(suffix)
        except Exception as error:
            # One batch that cannot finish must not hide the other.
            figures.append(
                Figure(
                    figure="4",
                    name=title,
                    measured=float("nan"),
                    unit="fraction",
                    target=target,
                    passed=False,
                    details={"error": f"{type(error).__name__}: {error}"},
                    display=f"did not finish: {type(error).__name__}",
                )
            )
            print(f"[bench] batch {name}: {type(error).__name__}: {error}", file=sys.stderr)
            continue
        fraction, too_many = result["fraction"], result["responses_429"]
        passed = too_many == 0 and fraction >= TARGET
        figures.append(
            Figure(
                figure="4",
                name=title,
                measured=fraction,
                unit="fraction",
                target=target,
                passed=passed,
                details=result,
                display=(
                    f"{fraction:.3f} ({result['bound_s']:.0f} s / {result['took_s']:.0f} s), "
                    f"{too_many} x 429"
                ),
            )
        )
    return figures


def main() -> None:
    run_alone(run, "batch")


if __name__ == "__main__":
    main()
