"""Through the real Client: every kind of bad input is refused before any request is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import imagegen
import pytest
from imagegen import InvalidRequestError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
URL = "https://cdn.example.com/ref.png"


def _bad_inputs(tmp: Path) -> list[tuple[str, dict[str, Any]]]:
    gif = tmp / "anim.png"
    gif.write_bytes(b"GIF89a" + b"\x00" * 32)
    empty = tmp / "empty.png"
    empty.write_bytes(b"")
    big = tmp / "big.png"
    big.write_bytes(PNG + b"\x00" * (10 * 1024 * 1024))
    eight = PNG + b"\x00" * (8 * 1024 * 1024)
    return [
        ("empty prompt", {"prompt": ""}),
        ("blank prompt", {"prompt": "   "}),
        ("prompt not a string", {"prompt": 12}),
        ("unknown resolution", {"resolution": "8k"}),
        ("unknown aspect ratio", {"aspect_ratio": "16x9"}),
        ("num_outputs too high", {"num_outputs": 5}),
        ("num_outputs zero", {"num_outputs": 0}),
        ("num_outputs a bool", {"num_outputs": True}),
        ("eleven images", {"images": [URL] * 11}),
        ("URLs mixed with bytes", {"images": [URL, PNG]}),
        ("http:// reference URL", {"images": ["http://cdn.example.com/ref.png"]}),
        ("ftp:// reference URL", {"images": ["ftp://cdn.example.com/ref.png"]}),
        ("URL with no scheme", {"images": ["cdn.example.com/ref.png"]}),
        ("URL with no host", {"images": ["https:///ref.png"]}),
        ("URL with credentials", {"images": ["https://u:p@cdn.example.com/ref.png"]}),
        ("missing file", {"images": [tmp / "missing.png"]}),
        ("directory", {"images": [tmp]}),
        ("file that is not an image", {"images": [gif]}),
        ("empty file", {"images": [empty]}),
        ("image over 10 MB", {"images": [big]}),
        ("over 20 MB in all", {"images": [eight, eight, eight]}),
        ("webhook not http(s)", {"webhook_url": "ftp://example.com/hook"}),
        ("webhook with no host", {"webhook_url": "https:///hook"}),
        ("empty model", {"model": ""}),
        ("name not a string", {"name": 3}),
        ("is_public not a bool", {"is_public": "yes"}),
    ]


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(500, json={"success": False, "error": "INTERNAL_SERVER_ERROR"})


def _call_args(kwargs: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    kwargs = dict(kwargs)
    prompt = kwargs.pop("prompt", "A lighthouse at dusk")
    return prompt, kwargs


def test_at_least_fifteen_kinds_are_covered(tmp_path: Path) -> None:
    assert len(_bad_inputs(tmp_path)) >= 15


def test_nothing_is_sent_for_any_bad_input(tmp_path: Path) -> None:
    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = imagegen.Client(
        api_key="ig_test_key", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
    )
    with client:
        for name, kwargs in _bad_inputs(tmp_path):
            prompt, rest = _call_args(kwargs)
            with pytest.raises(InvalidRequestError) as created:
                client.images.create(prompt, **rest)
            with pytest.raises(InvalidRequestError) as generated:
                client.generate(prompt, **rest)
            assert created.value.field, name
            assert created.value.field == generated.value.field, name
            assert recorder.requests == [], f"{name}: a request was sent"
        for bad_id in ["not-a-uuid", "../account", ""]:
            with pytest.raises(InvalidRequestError):
                client.images.get(bad_id)
            with pytest.raises(InvalidRequestError):
                client.images.wait(bad_id)
            assert recorder.requests == []
    http.close()


def test_a_good_request_does_reach_the_transport(tmp_path: Path) -> None:
    # The control: the same client does send when the input is valid.
    recorder = Recorder()
    with (
        httpx.Client(transport=httpx.MockTransport(recorder)) as http,
        imagegen.Client(
            api_key="ig_test_key", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
        ) as client,
        pytest.raises(imagegen.ServerError),
    ):
        client.images.create("A lighthouse at dusk", images=[URL], resolution="2K")
    assert len(recorder.requests) == 1
    assert recorder.requests[0].method == "POST"


async def test_async_client_sends_nothing_for_bad_input(tmp_path: Path) -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as http,
        imagegen.AsyncClient(
            api_key="ig_test_key", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
        ) as client,
    ):
        for name, kwargs in _bad_inputs(tmp_path):
            prompt, rest = _call_args(kwargs)
            with pytest.raises(InvalidRequestError):
                await client.images.create(prompt, **rest)
            assert recorder.requests == [], f"{name}: a request was sent"
        with pytest.raises(InvalidRequestError):
            await client.images.get("not-a-uuid")
    assert recorder.requests == []
