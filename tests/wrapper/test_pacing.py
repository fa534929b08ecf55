"""Client-side pacing: creates wait for room in the 10-per-60-s window and for the generation in
progress, so a batch through the sandbox (which enforces the documented limits) sees no 429."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
from typing import Any

import httpx
import pytest
from imagegen import (
    AsyncClient,
    ContentPolicyError,
    ErrorCode,
    GenerationFailedError,
    GenerationResult,
    GenerationStatus,
    InvalidRequestError,
    Pacing,
    RateLimitError,
    VirtualClock,
)
from imagegen._pacing import CreatePacer
from imagegen.testing import Sandbox

from tests.factories import make_generation

from .test_client_scripted import API_KEY, BASE_URL, created, generation, ok

FAST = "sandbox:duration=5"  # each generation ends 5 s after creation: the window binds


def _counts(sandbox: Sandbox, operation: str) -> dict[str, int]:
    return sandbox.control.request_counts().get(operation, {})


def _created_moments(sandbox: Sandbox) -> list[float]:
    return sorted(
        datetime.datetime.fromisoformat(g["createdAt"]).timestamp()
        for g in sandbox.control.generations()
    )


def _max_in_any_window(moments: list[float], window: float = 60.0) -> int:
    return max(sum(1 for m in moments if start <= m < start + window) for start in moments)


# -- the pacer's arithmetic ----------------------------------------------------------------------


def test_window_wait_counts_the_creates_of_the_last_window() -> None:
    clock = VirtualClock()
    pacer = CreatePacer(Pacing(max_in_progress=100), clock)
    for n in range(10):
        assert pacer.window_wait() == 0.0
        pacer.record_create(f"g{n}")
        clock.advance(1.0)
    # ten creates at 0..9 s; now 10 s: the first leaves the window at 60 s (+ margin)
    assert pacer.window_wait() == pytest.approx(50.5)
    clock.advance(50.5)
    assert pacer.window_wait() == 0.0


def test_in_progress_generations_block_until_seen_terminal() -> None:
    clock = VirtualClock()
    pacer = CreatePacer(Pacing(max_in_progress=2), clock)
    pacer.record_create("a")
    assert pacer.blocking() == []
    clock.advance(1)
    pacer.record_create("b")
    assert pacer.blocking() == ["a", "b"]
    pacer.observe(make_generation(id="b", status=GenerationStatus.PROCESSING))
    assert pacer.blocking() == ["a", "b"]
    pacer.observe(make_generation(id="a", status=GenerationStatus.FAILED))
    assert pacer.blocking() == []


def test_pacing_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="creates_per_window"):
        Pacing(creates_per_window=0)


# -- a batch at the limit --------------------------------------------------------------------


def test_a_batch_of_25_provokes_no_429() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        prompts = [f"Lighthouse number {n} {FAST}" for n in range(25)]
        results = client.generate_many(prompts)

        assert len(results) == 25
        assert all(isinstance(r, GenerationResult) for r in results)
        assert [r.generation.prompt for r in results if isinstance(r, GenerationResult)] == prompts
        creates = _counts(sandbox, "createImage")
        assert creates == {"201": 25}  # no 429, no retry
        assert all(
            "429" not in by_status for by_status in sandbox.control.request_counts().values()
        )
        moments = _created_moments(sandbox)
        assert _max_in_any_window(moments) == 10  # at the limit, not under it by much
        # 25 creates at 10 per minute need at least two full windows
        assert moments[-1] - moments[0] >= 120.0


async def test_async_batch_of_25_provokes_no_429() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()
        prompts = [f"Harbour number {n} {FAST}" for n in range(25)]
        results = await client.generate_many(prompts)
        assert [r.generation.prompt for r in results if isinstance(r, GenerationResult)] == prompts
        assert _counts(sandbox, "createImage") == {"201": 25}
        assert _max_in_any_window(_created_moments(sandbox)) <= 10


def test_without_pacing_the_same_burst_is_refused() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(pacing=None, max_retries=0)
        first = client.images.create(f"one {FAST}")
        with pytest.raises(RateLimitError) as caught:
            client.images.create(f"two {FAST}")  # the first is still in progress
        assert caught.value.code == ErrorCode.CONCURRENT_GENERATION_ERROR
        assert first.id


def test_a_paced_create_waits_for_the_generation_in_progress() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0)
        first = client.images.create(f"one {FAST}")
        second = client.images.create(f"two {FAST}")
        assert client.images.get(first.id).is_terminal  # it was waited out before the second
        assert second.id != first.id
        assert _counts(sandbox, "createImage") == {"201": 2}


def test_failures_are_returned_in_place_and_the_rest_goes_on(tmp_path: Any) -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        items: list[Any] = [
            f"first {FAST}",
            "",  # refused before sending
            f"bad reference sandbox:fail=INVALID_IMAGE {FAST}",
            "sandbox:nsfw",
            {"prompt": f"fifth {FAST}", "resolution": "2k"},
            {"resolution": "1k"},  # no prompt
        ]
        results = client.generate_many(items, download_to=tmp_path)
        assert len(results) == 6
        ok = results[0]
        assert isinstance(ok, GenerationResult)
        assert ok.generation.succeeded
        assert len(ok.paths) == 1
        assert ok.paths[0].is_file()
        assert isinstance(results[1], InvalidRequestError)
        failed = results[2]
        assert isinstance(failed, GenerationFailedError)
        assert failed.code == ErrorCode.INVALID_IMAGE
        assert isinstance(results[3], ContentPolicyError)
        fifth = results[4]
        assert isinstance(fifth, GenerationResult)
        assert fifth.generation.credit_cost == 2
        assert isinstance(results[5], InvalidRequestError)


def test_more_than_one_in_progress_when_configured() -> None:
    with Sandbox() as sandbox:
        account = sandbox.control.add_account(max_concurrent=3)
        client = sandbox.client(api_key=account.api_key, pacing=Pacing(max_in_progress=3))
        results = client.generate_many([f"p{n} {FAST}" for n in range(6)])
        assert all(isinstance(r, GenerationResult) for r in results)
        assert _counts(sandbox, "createImage") == {"201": 6}


async def test_concurrent_async_creates_are_paced_not_refused() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client(max_retries=0)
        made = await asyncio.gather(*(client.images.create(f"c{n} {FAST}") for n in range(4)))
        assert len({m.id for m in made}) == 4
        assert _counts(sandbox, "createImage") == {"201": 4}


def test_concurrent_sync_creates_from_threads_are_paced_not_refused() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            made = list(pool.map(lambda n: client.images.create(f"t{n} {FAST}"), range(4)))
        assert len({m.id for m in made}) == 4
        assert _counts(sandbox, "createImage") == {"201": 4}


async def test_concurrent_async_creates_never_overlap_on_the_wire() -> None:
    # A transport that yields to the event loop mid-request, as a real one does: without the
    # client's create lock, a second create would be sent while the first is in flight.
    in_flight = 0
    most_in_flight = 0
    ids = iter(f"00000000-0000-4000-8000-{n:012d}" for n in range(10))

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most_in_flight
        if request.method == "POST":
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
            for _ in range(3):
                await asyncio.sleep(0)
            in_flight -= 1
            return created(next(ids))
        generation_id = request.url.path.rsplit("/", 1)[-1]
        return ok(generation(generation_id, "succeeded"))

    clock = VirtualClock()
    client = AsyncClient(
        API_KEY,
        base_url=BASE_URL,
        clock=clock,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    made = await asyncio.gather(*(client.images.create(f"c{n}") for n in range(4)))
    assert len({m.id for m in made}) == 4
    assert most_in_flight == 1


def test_a_create_slow_to_arrive_counts_in_the_window_from_its_answer() -> None:
    # The first create reaches the server 5 s after it was sent (a slow network, a queue in
    # front of the API): the server counts it then. Paced from its send, the eleventh create
    # would come 60.5 s after the send, 55.5 s after the server counted the first: a 429.
    with Sandbox(clock=VirtualClock(start=4_000.0)) as sandbox:
        sandbox.control.add_fault("createImage", "latency", seconds=5.0, times=1)
        client = sandbox.client(max_retries=0)
        for n in range(11):
            client.generate(f"one of eleven {n} sandbox:duration=1")
        assert _counts(sandbox, "createImage") == {"201": 11}
