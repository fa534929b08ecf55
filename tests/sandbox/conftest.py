"""The `api` fixture of the sandbox tests: a fresh in-process sandbox on a virtual clock.

A test module that sets `UNLIMITED = True` gets it with the rate and concurrency limits lifted.
A module that sets `CLOCK_STARTS = (...)` runs each of its tests once per value, with the
sandbox's clock starting there: a clock that starts at 0 hides floating-point rounding that
arbitrary origins (a monotonic clock's value, an epoch) show.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ._support import Api


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    starts = getattr(metafunc.module, "CLOCK_STARTS", None)
    if starts is not None and "clock_start" in metafunc.fixturenames:
        metafunc.parametrize("clock_start", starts, ids=[f"start={s!r}" for s in starts])


@pytest.fixture
def clock_start() -> float:
    """Where the sandbox's VirtualClock starts (0 unless the module sets CLOCK_STARTS)."""
    return 0.0


@pytest.fixture
async def api(request: pytest.FixtureRequest, clock_start: float) -> AsyncIterator[Api]:
    api = Api(start=clock_start)
    if getattr(request.module, "UNLIMITED", False):
        api.unlimited()
    yield api
    await api.aclose()
