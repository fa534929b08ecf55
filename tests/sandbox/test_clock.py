"""The sandbox on clocks other than a VirtualClock: a served sandbox ticks on its own (its
lifespan runs a ticker), and a clock that cannot be moved by hand says so."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from imagegen.sandbox import DEFAULT_API_KEY, create_app
from imagegen.sandbox import _app as app_module


class HandClock:
    """Moves only when the test says, and tells no one (like real time, for the sandbox)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_800_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


async def test_a_served_sandbox_finishes_generations_without_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "_TICK_INTERVAL", 0.0)
    clock = HandClock()
    app = create_app(clock=clock)
    control = app.state.sandbox
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as http:
        created = await http.post(
            "/v1/images",
            json={"prompt": "x sandbox:fail=INVALID_IMAGE"},
            headers={"X-API-Key": DEFAULT_API_KEY},
        )
    assert created.status_code == 201
    clock.now += 10  # no listener hears this: only the ticker can notice
    loop = asyncio.get_running_loop()
    refunded = asyncio.Event()
    original_tick = control.tick

    def tick() -> None:
        original_tick()
        if control.ledger()["refunded"]:
            loop.call_soon_threadsafe(refunded.set)

    control.tick = tick
    assert control.ledger()["refunded"] == 0
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(refunded.wait(), timeout=10)
    assert control.ledger()["total"] == 1000
    control.close()


async def test_a_clock_without_advance_cannot_be_advanced() -> None:
    app = create_app(clock=HandClock())
    control = app.state.sandbox
    with pytest.raises(TypeError, match="cannot be advanced"):
        control.advance(5)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as http:
        response = await http.post("/_sandbox/clock/advance", json={"seconds": 5})
        assert response.status_code == 400
        assert (await http.get("/_sandbox/clock")).json()["advanceable"] is False
    control.close()


def test_the_default_clock_is_real_time_and_can_jump_forward() -> None:
    from imagegen.sandbox import ScaledClock

    app = create_app()
    control = app.state.sandbox
    assert isinstance(control.clock, ScaledClock)
    assert control.clock.speed == 1.0
    assert control.clock_view()["advanceable"] is True
    before = control.clock.monotonic()
    control.advance(600)  # a served sandbox's long generation, ended without waiting for it
    assert control.clock.monotonic() - before >= 600
    control.close()


def test_a_shared_clock_does_not_keep_a_sandbox_alive() -> None:
    import gc
    import weakref

    from imagegen import VirtualClock

    clock = VirtualClock()
    app = create_app(clock=clock)
    control = weakref.ref(app.state.sandbox)
    app.state.sandbox.close()
    del app
    gc.collect()
    assert control() is None
    clock.advance(10)  # its listener is gone quietly
