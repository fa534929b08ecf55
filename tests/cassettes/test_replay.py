"""Every scenario, replayed from its cassette through `imagegen.Client` and through
`imagegen.AsyncClient`, with the network blocked: each must make exactly the recorded requests,
all of them, and end in the scenario's typed result or error."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import imagegen
import pytest

from tests.cassettes import cassette_format, scenarios
from tests.cassettes.scenarios import Scenario

# Not a key: the cassettes hold no key, and replay matches requests without credentials.
REPLAY_KEY = "replay-without-a-key"


class _Replay:
    """Time needs no moving in replay: the answers are already recorded."""

    def advance(self, seconds: float) -> None:
        return None


class _Blocking:
    """An AsyncClient (or its `images`) driven from the scenarios' synchronous code: each
    coroutine runs to its end on an event loop in another thread."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, imagegen.AsyncImages):
            return _Blocking(value, self._loop)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if inspect.iscoroutine(result):
                return asyncio.run_coroutine_threadsafe(result, self._loop).result(timeout=30)
            return result

        return call


@contextmanager
def _event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="replay-loop", daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


def _recorded_base_url(scenario: Scenario) -> str:
    path = cassette_format.CASSETTE_DIR / f"{scenario.name}.{cassette_format.SERIALIZER}"
    request = cassette_format.load(path)["interactions"][0]["request"]
    return cassette_format.split_url(request["method"], request["uri"])[0]


def _options(scenario: Scenario) -> dict[str, Any]:
    options = {k: v for k, v in scenario.client_options.items() if k != "api_key"}
    return {
        "api_key": REPLAY_KEY,
        "base_url": _recorded_base_url(scenario),
        "clock": imagegen.VirtualClock(),
        **options,
    }


def _replayed(scenario: Scenario) -> pytest.ParameterSet:
    marks = [
        pytest.mark.vcr,
        pytest.mark.block_network,
        pytest.mark.default_cassette(scenario.name),
    ]
    return pytest.param(scenario, id=scenario.name, marks=marks)


REPLAYED = [_replayed(s) for s in scenarios.SCENARIOS]


@pytest.mark.parametrize("scenario", REPLAYED)
def test_client_replays_to_the_outcome(scenario: Scenario, cassette: object) -> None:
    with (
        httpx.Client(transport=httpx.HTTPTransport(trust_env=False)) as http,
        imagegen.Client(http_client=http, **_options(scenario)) as client,
    ):
        outcome = scenarios.play(scenario, client, _Replay())
    scenario.check(outcome)


@pytest.mark.parametrize("scenario", REPLAYED)
def test_async_client_replays_to_the_outcome(scenario: Scenario, cassette: object) -> None:
    http = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(trust_env=False))
    with _event_loop() as loop:
        client = imagegen.AsyncClient(http_client=http, **_options(scenario))
        try:
            outcome = scenarios.play(scenario, _Blocking(client, loop), _Replay())
        finally:
            asyncio.run_coroutine_threadsafe(http.aclose(), loop).result(timeout=5)
    scenario.check(outcome)
