"""Waiting against the in-process sandbox on its virtual clock: the request budget and lag of
the benchmark scenario, failures with their code, and an undocumented status."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from imagegen import (
    ErrorCode,
    GenerationFailedError,
    GenerationStatus,
    UnexpectedResponseError,
)
from imagegen.testing import Sandbox


class Counted:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, float]] = []


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def counted_client(sandbox: Sandbox, counted: Counted):  # type: ignore[no-untyped-def]
    def record(request: httpx.Request) -> None:
        counted.requests.append((request.method, request.url.path, sandbox.clock.monotonic()))

    http = sandbox.http_client(event_hooks={"request": [record]})
    return sandbox.client(http_client=http)


def status_polls(counted: Counted) -> list[float]:
    return [t for method, path, t in counted.requests if method == "GET" and "/images/" in path]


def test_sixty_second_generation_costs_at_most_12_status_requests(sandbox: Sandbox) -> None:
    counted = Counted()
    client = counted_client(sandbox, counted)
    created = client.images.create("A lighthouse at dusk sandbox:duration=60")
    started = sandbox.clock.monotonic()
    seen: list[GenerationStatus] = []
    generation = client.images.wait(created.id, on_update=lambda g: seen.append(g.status))
    assert generation.status == GenerationStatus.SUCCEEDED
    polls = status_polls(counted)
    assert len(polls) <= 12
    lag = sandbox.clock.monotonic() - (started + 60.0)
    assert 0.0 <= lag <= 2.0
    assert seen[-1] == GenerationStatus.SUCCEEDED
    assert len(seen) == len(set(seen))  # once per change of status


def test_failure_code_comes_through(sandbox: Sandbox) -> None:
    client = sandbox.client()
    created = client.images.create("A lighthouse sandbox:fail=INVALID_IMAGE sandbox:duration=4")
    with pytest.raises(GenerationFailedError) as caught:
        client.images.wait(created.id)
    assert caught.value.code == ErrorCode.INVALID_IMAGE
    assert caught.value.generation.id == created.id


def test_undocumented_status_ends_the_wait(sandbox: Sandbox) -> None:
    counted = Counted()
    client = counted_client(sandbox, counted)
    created = client.images.create("A lighthouse sandbox:status=cancelled sandbox:duration=10")
    with pytest.raises(UnexpectedResponseError) as caught:
        client.images.wait(created.id)
    assert "cancelled" in str(caught.value) or "cancelled" in caught.value.body
    # Raised at the first answer with that status (10 s in), not looping on it.
    polls = status_polls(counted)
    assert polls[-1] >= 10.0
    assert all(t < 10.0 for t in polls[:-1])


async def test_async_wait_against_the_sandbox(sandbox: Sandbox) -> None:
    client = sandbox.async_client()
    created = await client.images.create("A lighthouse sandbox:duration=60")
    started = sandbox.clock.monotonic()
    generation = await client.images.wait(created.id)
    assert generation.status == GenerationStatus.SUCCEEDED
    assert 0.0 <= sandbox.clock.monotonic() - (started + 60.0) <= 2.0
