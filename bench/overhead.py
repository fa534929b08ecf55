"""Figure 1: what `client.images.get` costs over a raw httpx GET of the same URL.

The sandbox runs on uvicorn in a second process on 127.0.0.1. One generation is created and
finished; then the same GET is made through the wrapper and through the very `httpx.Client`
the wrapper holds (same connection pool, same headers, captured from the wrapper's own
request), interleaved call by call in ABBA order so drift and noise fall on both alike.
The figure is the ratio of the medians of per-call wall time.

The raw baseline reads the body (as httpx does by default) but does not decode it; the row
"raw GET + .json()" is the same with the JSON decoded, the least any caller of raw httpx does.

The async figure does the same with 50 concurrent gets per round (`asyncio.gather`) through
`imagegen.AsyncClient` and through its own `httpx.AsyncClient`, rounds interleaved.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench._profile import extra_cost, print_extra, profile_calls
from bench._report import Figure, median, percentile, run_alone
from bench._server import sandbox_process

CALLS = 2000
BLOCK = 500
WARMUP = 200
PROFILED_CALLS = 2000
CONCURRENCY = 50
ROUNDS = 40
TARGET = 1.15
# The sandbox's clock runs this much faster than real time, so the one generation the figure
# reads is finished in well under a second.
SPEED = 1000.0


def _finished_generation(base_url: str, api_key: str) -> str:
    import imagegen

    with imagegen.Client(api_key=api_key, base_url=base_url) as client:
        created = client.images.create("A lighthouse on a cliff at dusk", resolution="1k")
        client.images.wait(created.id, timeout=300)
        return created.id


def _wrapper_headers(http: httpx.Client, call: Callable[[], Any]) -> dict[str, str]:
    """The headers the wrapper sends, read from its own request, for the raw GET to send too."""
    seen: list[httpx.Request] = []
    http.event_hooks["request"].append(seen.append)
    try:
        call()
    finally:
        http.event_hooks["request"].remove(seen.append)
    return dict(seen[-1].headers)


def _time_interleaved(
    variants: dict[str, Callable[[], Any]], calls: int, seed: int = 0
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per-call wall seconds and this thread's CPU seconds of each variant, in rounds of one
    call of each, in an order shuffled per round so no variant keeps a position."""
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants.items())
    shuffle = random.Random(seed).shuffle
    for _ in range(calls):
        shuffle(order)
        for name, call in order:
            cpu_started = time.thread_time()
            started = time.perf_counter()
            call()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.thread_time() - cpu_started)
    return wall, cpu


def in_memory_extra(api_key: str, url: str, generation_id: str, body: bytes) -> dict[str, float]:
    """The wrapper's own work per get with no socket at all: both calls answered in memory by
    an httpx.MockTransport with the body the sandbox sent, so only client-side work is timed."""
    import imagegen

    def answer(_request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "x-request-id": "req_bench"}
        return httpx.Response(200, content=body, headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    base_url = url.rsplit("/images/", 1)[0]
    client = imagegen.Client(api_key=api_key, base_url=base_url, http_client=http)
    headers = {"Authorization": f"Bearer {api_key}"}
    variants: dict[str, Callable[[], Any]] = {
        "wrapper": lambda: client.images.get(generation_id),
        "raw": lambda: http.get(url, headers=headers).raise_for_status(),
    }
    _time_interleaved(variants, WARMUP)
    wall, _ = _time_interleaved(variants, CALLS)
    medians = {name: median(values) * 1e6 for name, values in wall.items()}
    # Where the wrapper's time goes, for its owners (printed when the target is missed):
    # profiled here, with no socket, so the waits and the server's noise stay out of it.
    extra = extra_cost(
        profile_calls(variants["wrapper"], PROFILED_CALLS),
        profile_calls(variants["raw"], PROFILED_CALLS),
    )
    return {
        "wrapper_us": medians["wrapper"],
        "raw_us": medians["raw"],
        "extra_us": medians["wrapper"] - medians["raw"],
        "cprofile_extra": extra,
    }


def sync_figures(base_url: str, api_key: str, generation_id: str) -> list[Figure]:
    import imagegen

    http = httpx.Client()
    client = imagegen.Client(api_key=api_key, base_url=base_url, http_client=http)
    url = f"{base_url}/images/{generation_id}"
    headers = _wrapper_headers(http, lambda: client.images.get(generation_id))

    def raw_get() -> None:
        http.get(url, headers=headers).raise_for_status()

    def raw_get_json() -> None:
        response = http.get(url, headers=headers)
        response.raise_for_status()
        response.json()

    variants: dict[str, Callable[[], Any]] = {
        "wrapper": lambda: client.images.get(generation_id),
        "raw": raw_get,
        "raw_json": raw_get_json,
    }
    _time_interleaved(variants, WARMUP)
    samples, cpu = _time_interleaved(variants, CALLS)
    body = http.get(url, headers=headers).content
    http.close()

    medians = {name: median(values) for name, values in samples.items()}
    cpu_medians = {name: median(values) for name, values in cpu.items()}
    details = {
        "calls_each": CALLS,
        "median_us": {name: value * 1e6 for name, value in medians.items()},
        "median_client_cpu_us": {name: value * 1e6 for name, value in cpu_medians.items()},
        "client_cpu_ratio": cpu_medians["wrapper"] / cpu_medians["raw"],
        "p99_us": {name: percentile(values, 0.99) * 1e6 for name, values in samples.items()},
        "paired_ratio_median": median(
            [a / b for a, b in zip(samples["wrapper"], samples["raw"], strict=True)]
        ),
        # The same ratio in consecutive blocks of the run: how much it moves with the load.
        "block_ratios": [
            median(samples["wrapper"][start : start + BLOCK])
            / median(samples["raw"][start : start + BLOCK])
            for start in range(0, CALLS, BLOCK)
        ],
    }
    details["in_memory"] = in_memory_extra(api_key, url, generation_id, body)
    blocks = details["block_ratios"]
    ratio = medians["wrapper"] / medians["raw"]
    ratio_json = medians["wrapper"] / medians["raw_json"]
    if ratio > TARGET or ratio_json > TARGET:
        print_extra(
            f"client.images.get over raw httpx GET (+{details['in_memory']['extra_us']:.0f} us "
            "per call with no socket)",
            details["in_memory"]["cprofile_extra"],
        )
    return [
        Figure(
            figure="1",
            name=f"images.get / raw httpx GET, sync (median of {CALLS} calls each)",
            measured=ratio,
            unit="x",
            target=f"<= {TARGET}",
            passed=ratio <= TARGET,
            details=details,
            display=(
                f"{ratio:.3f}x (blocks {min(blocks):.2f}-{max(blocks):.2f}; "
                f"client CPU {details['client_cpu_ratio']:.2f}x)"
            ),
        ),
        Figure(
            figure="1",
            name="images.get / raw httpx GET + .json(), sync",
            measured=ratio_json,
            unit="x",
            target=f"<= {TARGET}",
            passed=ratio_json <= TARGET,
            details={"median_us": details["median_us"]},
            display=f"{ratio_json:.3f}x",
        ),
        Figure(
            figure="1",
            name="the wrapper's own work per get, no socket (in-memory transport)",
            measured=details["in_memory"]["extra_us"],
            unit="us",
            target="- (diagnostic)",
            passed=None,
            details=details["in_memory"],
            display=(
                f"+{details['in_memory']['extra_us']:.0f} us "
                f"(raw {details['in_memory']['raw_us']:.0f} us)"
            ),
        ),
    ]


async def async_figures(base_url: str, api_key: str, generation_id: str) -> list[Figure]:
    import imagegen

    http = httpx.AsyncClient()
    client = imagegen.AsyncClient(api_key=api_key, base_url=base_url, http_client=http)
    url = f"{base_url}/images/{generation_id}"
    seen: list[httpx.Request] = []

    async def remember(request: httpx.Request) -> None:
        seen.append(request)

    http.event_hooks["request"].append(remember)
    await client.images.get(generation_id)
    http.event_hooks["request"].remove(remember)
    headers = dict(seen[-1].headers)

    async def raw_get() -> None:
        (await http.get(url, headers=headers)).raise_for_status()

    variants = {
        "wrapper": lambda: client.images.get(generation_id),
        "raw": raw_get,
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants.items())
    for index in range(ROUNDS + 4):
        for name, call in order if index % 2 == 0 else reversed(order):
            started = time.perf_counter()
            await asyncio.gather(*(call() for _ in range(CONCURRENCY)))
            if index >= 4:  # the first rounds open the connections
                samples[name].append(time.perf_counter() - started)
    await http.aclose()

    ratio = median(samples["wrapper"]) / median(samples["raw"])
    return [
        Figure(
            figure="1",
            name=f"AsyncClient / raw httpx.AsyncClient, {CONCURRENCY} concurrent gets per round",
            measured=ratio,
            unit="x",
            target=f"<= {TARGET}",
            passed=ratio <= TARGET,
            details={
                "rounds_each": ROUNDS,
                "concurrency": CONCURRENCY,
                "median_round_ms": {name: median(v) * 1e3 for name, v in samples.items()},
            },
        )
    ]


def run() -> list[Figure]:
    from imagegen.sandbox import DEFAULT_API_KEY

    with sandbox_process(speed=SPEED) as server:
        base_url = server.base_url
        generation_id = _finished_generation(base_url, DEFAULT_API_KEY)
        figures = sync_figures(base_url, DEFAULT_API_KEY, generation_id)
        figures += asyncio.run(async_figures(base_url, DEFAULT_API_KEY, generation_id))
    return figures


def main() -> None:
    run_alone(run, "overhead")


if __name__ == "__main__":
    main()
