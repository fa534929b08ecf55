"""Time on the wire: durations (`Retry-After`, `X-RateLimit-Reset`) are seconds of the client's
clock, so a real-time client of a sped-up sandbox waits real seconds; moments (`Date`,
`createdAt`, `timestamp`) are moments on the sandbox's clock, and agree with each other at any
clock origin."""

from __future__ import annotations

import math
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest
from imagegen import VirtualClock
from imagegen.sandbox import (
    DEFAULT_API_KEY,
    SandboxControl,
    SandboxTransport,
    ScaledClock,
    create_app,
    running_server,
)
from imagegen.sandbox._server import _uvicorn_server

from ._support import ARBITRARY_CLOCK_STARTS, ORIGIN, Api

CLOCK_STARTS = (0.0, *ARBITRARY_CLOCK_STARTS)
KEY = {"X-API-Key": DEFAULT_API_KEY}


def date_of(response: httpx.Response) -> float:
    """The moment of the answer's one `Date` header (an RFC 7231 IMF-fixdate)."""
    (date,) = response.headers.get_list("date")
    assert date.endswith(" GMT"), date  # an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    assert len(date) == 29, date
    return parsedate_to_datetime(date).timestamp()


def moment_of(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def test_every_answer_carries_one_date_on_the_sandbox_clock(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:duration=5")
    api.clock.advance(7.25)
    api.control.add_fault("getAccount", "status", status=503)
    answers = [
        await api.call("GET", "/v1/status"),
        await api.call("GET", "/v1/account"),  # a fault's answer
        await api.call("GET", "/v1/images"),
        await api.create(),
        await api.call("GET", f"/v1/images/{generation_id}"),
        await api.call("GET", "/v1/images/not-a-uuid"),
        await api.call("GET", "/v1/status", key=None),
        await api.call("GET", f"/files/{generation_id}/0.png"),
        await api.call("GET", "/files/nothing/0.png"),
        await api.call("GET", "/_sandbox/clock"),
        await api.call("GET", "/no/such/path"),
    ]
    for response in answers:
        assert date_of(response) == math.floor(api.clock.time()), response.request.url


async def test_a_fault_rule_can_give_its_own_date(api: Api) -> None:
    skewed = "Thu, 01 Jan 2026 00:00:00 GMT"  # a server clock far from the sandbox's
    api.control.add_fault("getStatus", "status", status=503, headers={"Date": skewed})
    response = await api.call("GET", "/v1/status")
    assert response.headers.get_list("date") == [skewed]
    assert date_of(await api.call("GET", "/v1/status")) == math.floor(api.clock.time())


async def test_date_agrees_with_created_at_and_timestamp(api: Api) -> None:
    api.clock.advance(0.999)  # not on a whole second: every moment is truncated alike
    created = await api.create()
    generation_id = created.json()["data"]["generationId"]
    view = await api.call("GET", f"/v1/images/{generation_id}")
    status = await api.call("GET", "/v1/status")
    assert date_of(created) == date_of(view) == date_of(status)
    assert moment_of(view.json()["data"]["createdAt"]) == date_of(created)
    assert moment_of(status.json()["data"]["timestamp"]) == date_of(status)
    api.clock.advance(3600.5)
    later = await api.call("GET", "/v1/status")
    assert date_of(later) - date_of(created) in (3600, 3601)
    assert moment_of(later.json()["data"]["timestamp"]) == date_of(later)


def scaled_sandbox(
    speed: float, start: float, *, real_time_clients: bool
) -> tuple[VirtualClock, httpx.Client, SandboxControl]:
    """A sandbox on a ScaledClock `speed` times faster than a VirtualClock that stands for real
    time (moved by hand): that clock, an httpx client to the sandbox, and its control."""
    real = VirtualClock(start=start)
    app = create_app(clock=ScaledClock(speed, base=real), real_time_clients=real_time_clients)
    http = httpx.Client(transport=SandboxTransport(app), base_url=ORIGIN, headers=KEY)
    return real, http, app.state.sandbox


@pytest.mark.parametrize("start", CLOCK_STARTS)
def test_waits_are_real_seconds_for_real_time_clients(start: float) -> None:
    real, http, control = scaled_sandbox(60, start, real_time_clients=True)
    try:
        first = http.post("/v1/images", json={"prompt": "a fox"})
        assert first.status_code == 201
        real.advance(0.25)  # 15 s of the sandbox's clock
        ends_in = control.generation(first.json()["data"]["generationId"])["sandbox"]["endsIn"]
        assert ends_in > 40
        busy = http.post("/v1/images", json={"prompt": "another"})
        assert busy.status_code == 429
        assert busy.json()["error"] == "CONCURRENT_GENERATION_ERROR"
        # The time until the generation in progress ends, in real seconds, rounded up.
        expected = str(math.ceil(ends_in / 60))
        assert busy.headers["retry-after"] == busy.headers["x-ratelimit-reset"] == expected
        # ... so a client that waits that long, in real time, finds it ended.
        real.advance(int(expected))
        assert http.post("/v1/images", json={"prompt": "another"}).status_code == 201

        control.set_limits(
            control.default_account_id,
            creates_per_minute=1,
            max_concurrent=None,
            window_seconds=600,
        )
        assert http.post("/v1/images", json={"prompt": "one"}).status_code == 201
        real.advance(1)  # 60 s of the sandbox's clock: 540 s left of its 600 s window
        limited = http.post("/v1/images", json={"prompt": "two"})
        assert limited.json()["error"] == "RATE_LIMIT_ERROR"
        assert limited.headers["retry-after"] == limited.headers["x-ratelimit-reset"] == "9"

        control.set_limits(control.default_account_id, creates_per_minute=None)
        triggered = http.post("/v1/images", json={"prompt": "x sandbox:error=RATE_LIMIT_ERROR"})
        assert triggered.headers["retry-after"] == "1"  # the trigger's 60 sandbox seconds

        control.add_fault("getStatus", "status", status=429, seconds=150)
        faulted = http.get("/v1/status")
        assert faulted.headers["retry-after"] == faulted.headers["x-ratelimit-reset"] == "3"
        control.add_fault("getStatus", "status", status=503, seconds=0.5)
        assert http.get("/v1/status").headers["retry-after"] == "1"  # at least 1
    finally:
        http.close()
        control.close()


def test_waits_are_sandbox_seconds_for_clients_on_the_sandbox_clock() -> None:
    # In-process on a shared clock (the CLI's --sandbox, a VirtualClock): the client sleeps on
    # the sandbox's own clock, so the sandbox's seconds are the client's.
    _real, http, control = scaled_sandbox(60, 74985.13, real_time_clients=False)
    try:
        first = http.post("/v1/images", json={"prompt": "a fox"})
        ends_in = control.generation(first.json()["data"]["generationId"])["sandbox"]["endsIn"]
        busy = http.post("/v1/images", json={"prompt": "another"})
        assert busy.headers["retry-after"] == str(math.ceil(ends_in))
        control.add_fault("getStatus", "status", status=429, seconds=150)
        assert http.get("/v1/status").headers["retry-after"] == "150"
    finally:
        http.close()
        control.close()


def test_a_served_sandbox_sends_one_date_and_keeps_connections_alive() -> None:
    clock = VirtualClock(start=1e9 + 0.37)
    app = create_app(clock=clock)
    control = app.state.sandbox
    with running_server(app) as base_url, httpx.Client(base_url=base_url, trust_env=False) as http:
        clock.advance(12.5)
        response = http.get("/status", headers=KEY)
        assert response.status_code == 200
        # uvicorn's own Date (real time) is off: the one Date is the sandbox clock's.
        assert date_of(response) == math.floor(clock.time())
        assert moment_of(response.json()["data"]["timestamp"]) == date_of(response)
        assert "close" not in response.headers.get("connection", "")
    control.close()


def test_served_keep_alive_outlasts_any_poll_interval() -> None:
    # The client polls every 5 s at most; uvicorn's default keep-alive is 5 s, so polls met
    # connections the server had just closed. Both serve() and running_server() build here.
    server = _uvicorn_server(
        create_app, log_level="warning", access_log=False, configure_logging=False
    )
    assert server.config.timeout_keep_alive >= 60
    assert server.config.date_header is False
