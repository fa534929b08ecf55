"""Shared by the sandbox's own tests: an in-process sandbox on a VirtualClock, called through
`httpx.AsyncClient(transport=httpx.ASGITransport(app))`, every public answer checked against
the spec (documented status, body schema, X-Request-ID)."""

from __future__ import annotations

import base64
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from imagegen import VirtualClock
from imagegen.sandbox import DEFAULT_API_KEY, SandboxControl, create_app
from PIL import Image

from tests.spec import spec_model

ORIGIN = "http://sandbox.test"
# Clock origins far from 0, where `created_at + total - created_at != total` in floating point:
# a monotonic clock's value after a day of uptime, one past 10^9, and epoch-like values.
ARBITRARY_CLOCK_STARTS = (74985.13, 1e9 + 0.37, 1.7e9, 1_712_345_678.901)


def check_against_spec(response: httpx.Response) -> None:
    """A public API answer must be one the spec documents, body and headers."""
    path = response.request.url.path
    assert path.startswith("/v1/")
    operation = spec_model.match_operation(response.request.method, path[len("/v1") :])
    status = str(response.status_code)
    assert status in operation.node["responses"], (
        f"{operation.operation_id} answered {status}, which the spec does not document"
    )
    assert response.headers.get("x-request-id"), "every answer carries X-Request-ID"
    spec = operation.response(status)
    for name in spec.headers:
        if name.lower() in ("x-ratelimit-reset", "retry-after"):
            assert response.headers.get(name), f"{status} must carry {name}"
    validator = spec_model.validator_at(spec.schema_pointer)
    errors = list(validator.iter_errors(response.json()))
    assert not errors, f"{operation.operation_id} {status}: {errors[0].message}"


class Api:
    """One sandbox app, its clock and control, and an async client for it."""

    def __init__(self, seed: int = 0, start: float = 0.0) -> None:
        self.clock = VirtualClock(start=start)
        self.app = create_app(clock=self.clock, seed=seed)
        self.control: SandboxControl = self.app.state.sandbox
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=ORIGIN)

    async def call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = DEFAULT_API_KEY,
        check: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers.setdefault("Authorization", f"Bearer {key}")
        response = await self.http.request(method, path, headers=headers, **kwargs)
        if check and path.startswith("/v1/"):
            check_against_spec(response)
        return response

    async def create(self, key: str | None = DEFAULT_API_KEY, **body: Any) -> httpx.Response:
        body.setdefault("prompt", "A lighthouse on a cliff at dusk")
        return await self.call("POST", "/v1/images", key=key, json=body)

    async def created_id(self, key: str | None = DEFAULT_API_KEY, **body: Any) -> str:
        response = await self.create(key=key, **body)
        assert response.status_code == 201, response.text
        generation_id: str = response.json()["data"]["generationId"]
        return generation_id

    async def get(self, generation_id: str, key: str | None = DEFAULT_API_KEY) -> dict[str, Any]:
        response = await self.call("GET", f"/v1/images/{generation_id}", key=key)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def credits(self, key: str | None = DEFAULT_API_KEY) -> dict[str, int]:
        response = await self.call("GET", "/v1/account", key=key)
        assert response.status_code == 200, response.text
        credits: dict[str, int] = response.json()["data"]["credits"]
        return credits

    def unlimited(self) -> None:
        self.control.set_limits(
            self.control.default_account_id, creates_per_minute=None, max_concurrent=None
        )

    async def aclose(self) -> None:
        await self.http.aclose()
        self.control.close()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def loopback_server(handler: Handler) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in a thread; yields its origin. `handler` answers
    every request (GET and POST)."""

    class _Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handler(self)

        def do_POST(self) -> None:
            handler(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def answer(
    request: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/octet-stream",
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)
