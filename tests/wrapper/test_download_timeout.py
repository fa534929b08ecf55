"""Downloads wait as long as the client's `timeout` says when the client made its own http
client (not httpx's default of 5 s), and a caller's http client keeps its own timeout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from imagegen import AsyncClient, Client, Generation, GenerationStatus

from tests.factories import make_generation

API_KEY = "sk_test_download_timeout"
BASE_URL = "https://api.example/v1"
OUTPUT = "https://images.example/out-1.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"png-body" * 100


def finished() -> Generation:
    return make_generation(
        id="7c9e6679-7425-40de-944b-e07fc1f90ae7",
        status=GenerationStatus.SUCCEEDED,
        output_images=(OUTPUT,),
    )


class Recorder:
    """A transport handler that serves the output and keeps each request's timeout."""

    def __init__(self) -> None:
        self.timeouts: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == OUTPUT
        self.timeouts.append(request.extensions["timeout"])
        return httpx.Response(200, content=PNG, headers={"content-type": "image/png"})


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Every http client the SDK makes for itself answers from the recorder, in memory: its
    default transports hand each request to the recorder instead of the network."""
    recorder = Recorder()

    def handle(_transport: object, request: httpx.Request) -> httpx.Response:
        return recorder(request)

    async def ahandle(_transport: object, request: httpx.Request) -> httpx.Response:
        return recorder(request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", ahandle)
    return recorder


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (7.5, httpx.Timeout(7.5)),
        (httpx.Timeout(30.0, connect=2.0), httpx.Timeout(30.0, connect=2.0)),
    ],
)
def test_downloads_through_our_http_client_use_the_clients_timeout(
    recorder: Recorder, tmp_path: Path, timeout: float | httpx.Timeout, expected: httpx.Timeout
) -> None:
    with Client(API_KEY, base_url=BASE_URL, timeout=timeout) as client:
        saved = client.images.download(finished(), tmp_path)
    assert [path.read_bytes() for path in saved] == [PNG]
    assert recorder.timeouts == [expected.as_dict()]


def test_by_default_downloads_wait_the_clients_default_not_httpx_five_seconds(
    recorder: Recorder, tmp_path: Path
) -> None:
    with Client(API_KEY, base_url=BASE_URL) as client:
        client.images.download(finished(), tmp_path)
    assert recorder.timeouts == [httpx.Timeout(60.0).as_dict()]
    assert recorder.timeouts != [httpx.Timeout(5.0).as_dict()]


async def test_async_downloads_through_our_http_client_use_the_clients_timeout(
    recorder: Recorder, tmp_path: Path
) -> None:
    async with AsyncClient(API_KEY, base_url=BASE_URL, timeout=9.0) as client:
        saved = await client.images.download(finished(), tmp_path)
    assert len(saved) == 1
    assert recorder.timeouts == [httpx.Timeout(9.0).as_dict()]


def test_a_callers_http_client_keeps_its_own_timeout_for_downloads(tmp_path: Path) -> None:
    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder), timeout=3.0)
    with Client(API_KEY, base_url=BASE_URL, timeout=40.0, http_client=http) as client:
        client.images.download(finished(), tmp_path / "given")
    with Client(API_KEY, base_url=BASE_URL, http_client=http) as client:
        client.images.download(finished(), tmp_path / "default")
    assert recorder.timeouts == [httpx.Timeout(3.0).as_dict()] * 2
    assert http.timeout == httpx.Timeout(3.0)
    http.close()


async def test_a_callers_async_http_client_keeps_its_own_timeout_for_downloads(
    tmp_path: Path,
) -> None:
    recorder = Recorder()
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder), timeout=4.0)
    async with AsyncClient(API_KEY, base_url=BASE_URL, timeout=40.0, http_client=http) as client:
        await client.images.download(finished(), tmp_path)
    assert recorder.timeouts == [httpx.Timeout(4.0).as_dict()]
    await http.aclose()
