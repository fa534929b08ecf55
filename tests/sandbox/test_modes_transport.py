"""The in-process transports and the uvicorn runner, against a tiny ASGI app of our own, so
what is tested here is the plumbing, not the sandbox."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest
from imagegen import VirtualClock
from imagegen.sandbox._faults import ConnectionDropped
from imagegen.sandbox._server import ScaledClock, is_loopback_host, running_server, serve
from imagegen.sandbox._transport import AsyncSandboxTransport, SandboxTransport

Scope = MutableMapping[str, Any]
DISCONNECTS_SEEN = threading.Event()


async def tiny_app(scope: Scope, receive: Any, send: Any) -> None:
    """Echo app: `/echo` streams three chunks then the request body; `/boom` raises before
    answering; `/drop` drops before answering; `/drop-mid` drops after the first chunk;
    `/silent` returns without answering; `/scope` answers with what it was given;
    `/until-disconnect` sends one chunk, then waits for the client to go away."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"].removeprefix("/v1")
    request = await receive()
    if path == "/boom":
        raise RuntimeError("the app has a bug")
    if path == "/drop":
        raise ConnectionDropped()
    if path == "/silent":
        return
    if path == "/until-disconnect":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        if (await receive())["type"] == "http.disconnect":
            DISCONNECTS_SEEN.set()
        return
    headers = [(b"content-type", b"application/octet-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if path == "/scope":
        seen = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode(),
            "server": list(scope["server"]),
            "auth": dict(scope["headers"]).get(b"authorization", b"").decode(),
        }
        await send({"type": "http.response.body", "body": json.dumps(seen).encode()})
        return
    for index in range(3):
        await send({"type": "http.response.body", "body": b"chunk%d," % index, "more_body": True})
        if path == "/drop-mid":
            raise ConnectionDropped()
    await send({"type": "http.response.body", "body": request["body"], "more_body": False})


@pytest.fixture
def sync_http() -> Any:
    with httpx.Client(transport=SandboxTransport(tiny_app), base_url="http://127.0.0.1/v1") as http:
        yield http


@pytest.fixture
def async_http() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=AsyncSandboxTransport(tiny_app), base_url="http://127.0.0.1/v1"
    )


def test_sync_transport_passes_request_and_answer_through(sync_http: httpx.Client) -> None:
    response = sync_http.post("/echo", content=b"hello")
    assert response.status_code == 200
    assert response.content == b"chunk0,chunk1,chunk2,hello"


def test_sync_transport_builds_the_scope_from_the_request(sync_http: httpx.Client) -> None:
    seen = sync_http.get("/scope?limit=5", headers={"Authorization": "Bearer k"}).json()
    assert seen == {
        "method": "GET",
        "path": "/v1/scope",
        "query": "limit=5",
        "server": ["127.0.0.1", 80],
        "auth": "Bearer k",
    }


def test_sync_transport_streams_the_body_chunk_by_chunk(sync_http: httpx.Client) -> None:
    with sync_http.stream("POST", "/echo", content=b"end") as response:
        assert list(response.iter_raw()) == [b"chunk0,", b"chunk1,", b"chunk2,", b"end"]


def test_sync_transport_serves_threads_at_once(sync_http: httpx.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def echo(index: int) -> bytes:
        return sync_http.post("/echo", content=b"%d" % index).content

    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(echo, range(32)))
    assert bodies == [b"chunk0,chunk1,chunk2,%d" % index for index in range(32)]


def test_sync_transport_tells_the_app_when_the_client_stops_reading(
    sync_http: httpx.Client,
) -> None:
    DISCONNECTS_SEEN.clear()
    with sync_http.stream("GET", "/until-disconnect") as response:
        assert next(response.iter_raw()) == b"first"
    # The app is waiting in receive(); closing the response wakes it (a bounded real wait).
    assert DISCONNECTS_SEEN.wait(timeout=5)


async def test_async_transport_passes_request_and_answer_through(
    async_http: httpx.AsyncClient,
) -> None:
    response = await async_http.post("/echo", content=b"hi")
    assert response.content == b"chunk0,chunk1,chunk2,hi"


@pytest.mark.parametrize("path", ["/drop", "/drop-mid"])
def test_sync_transport_turns_a_dropped_connection_into_a_protocol_error(
    sync_http: httpx.Client, path: str
) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        sync_http.get(path)


@pytest.mark.parametrize("path", ["/drop", "/drop-mid"])
async def test_async_transport_turns_a_dropped_connection_into_a_protocol_error(
    async_http: httpx.AsyncClient, path: str
) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await async_http.get(path)


@pytest.mark.parametrize("path", ["/boom", "/silent"])
def test_sync_transport_answers_500_for_an_app_failure(sync_http: httpx.Client, path: str) -> None:
    response = sync_http.get(path)
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"
    assert response.headers["x-request-id"]
    assert "bug" not in response.text


async def test_async_transport_answers_500_for_an_app_failure(
    async_http: httpx.AsyncClient,
) -> None:
    response = await async_http.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"


def test_raise_app_exceptions_lets_the_app_failure_through() -> None:
    transport = SandboxTransport(tiny_app, raise_app_exceptions=True)
    with httpx.Client(transport=transport) as http, pytest.raises(RuntimeError, match="bug"):
        http.get("http://127.0.0.1/v1/boom")


def test_a_closed_transport_can_be_used_again() -> None:
    transport = SandboxTransport(tiny_app)
    with httpx.Client(transport=transport) as http:
        assert http.get("http://127.0.0.1/v1/echo").status_code == 200
    with httpx.Client(transport=transport) as http:
        assert http.get("http://127.0.0.1/v1/echo").status_code == 200


def test_running_server_serves_on_loopback_and_stops() -> None:
    with running_server(tiny_app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        with httpx.Client(base_url=base_url, trust_env=False) as http:
            assert http.post("/echo", content=b"x").content == b"chunk0,chunk1,chunk2,x"
            with pytest.raises(httpx.RemoteProtocolError):
                http.get("/drop-mid")
        port = httpx.URL(base_url).port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_serve_refuses_a_non_loopback_host(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(host, 0, app=tiny_app)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("sandbox.local", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_scaled_clock_runs_faster_than_its_base() -> None:
    base = VirtualClock()
    clock = ScaledClock(60, base=base)
    start = clock.monotonic()
    base.advance(2)
    assert clock.monotonic() - start == pytest.approx(120)
    clock.sleep(60)  # one real (here: base) second
    assert base.monotonic() == pytest.approx(3)
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)


def test_scaled_clock_jumps_forward_by_hand_and_keeps_running() -> None:
    base = VirtualClock()
    clock = ScaledClock(10, base=base)
    start_monotonic, start_time = clock.monotonic(), clock.time()
    clock.advance(500)
    base.advance(1)
    assert clock.monotonic() - start_monotonic == pytest.approx(510)
    assert clock.time() - start_time == pytest.approx(510)
    with pytest.raises(ValueError, match="back"):
        clock.advance(-1)


def test_serve_prints_url_and_key_and_stops_gracefully_on_ctrl_c() -> None:
    import signal
    import subprocess
    import sys

    from imagegen.sandbox import DEFAULT_API_KEY

    code = "from imagegen.sandbox import serve; serve('127.0.0.1', 0, speed=60, access_log=False)"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(4)]
        base_url = banner[0].split()[-1]
        assert base_url.startswith("http://127.0.0.1:")
        assert f"IMAGEGEN_API_KEY={DEFAULT_API_KEY}" in banner[2]
        with httpx.Client(trust_env=False, timeout=10) as http:
            response = http.get(f"{base_url}/status", headers={"X-API-Key": DEFAULT_API_KEY})
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "Finished server process" in err  # uvicorn's graceful shutdown ran
        assert out.strip().endswith("imagegen sandbox stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
