"""httpx transports that send requests straight into the sandbox app, in this process.

`SandboxTransport` is for `httpx.Client`: the app runs on an event loop of its own, in a daemon
thread, and the response body streams back through a queue, so a download reads chunk by chunk
as it would from a socket. `AsyncSandboxTransport` is for `httpx.AsyncClient` and runs the app
on the caller's loop (it wraps `httpx.ASGITransport`).

Both behave like a network, not like a test double that leaks the app's internals:

- `ConnectionDropped` raised by the app (a fault rule) reaches the client as
  `httpx.RemoteProtocolError`, what a connection closed mid-exchange gives;
- any other exception of the app becomes a documented 500 body before the response has
  started, and a broken connection after it (a server cannot change its status line once sent).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import queue
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator, MutableMapping
from typing import Any, Final, TypeAlias

import httpx

from ._faults import ConnectionDropped

__all__ = ["AsyncSandboxTransport", "SandboxTransport"]

logger = logging.getLogger("imagegen.sandbox")

Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_CLIENT_ADDRESS: Final = ("127.0.0.1", 50000)
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_DROPPED_BEFORE_RESPONSE: Final = "Server disconnected without sending a response."
_DROPPED_DURING_BODY: Final = "peer closed connection without sending complete message body"
_INTERNAL_ERROR_BODY: Final = json.dumps(
    {
        "success": False,
        "error": "INTERNAL_SERVER_ERROR",
        "message": (
            "An unexpected error occurred. Please try again or contact support if the issue "
            "persists."
        ),
    }
).encode()


def _is_connection_dropped(exc: BaseException) -> bool:
    """Whether `exc` is, or (inside an exception group) holds, the sandbox's dropped connection."""
    if isinstance(exc, BaseExceptionGroup):
        return exc.subgroup(ConnectionDropped) is not None
    return isinstance(exc, ConnectionDropped)


def _internal_error_response() -> httpx.Response:
    """The documented INTERNAL_SERVER_ERROR answer, for an app that failed before answering."""
    return httpx.Response(
        500,
        headers={"content-type": "application/json", "x-request-id": str(uuid.uuid4())},
        content=_INTERNAL_ERROR_BODY,
    )


def _scope(request: httpx.Request, root_path: str) -> dict[str, Any]:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "server": (url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80)),
        "client": _CLIENT_ADDRESS,
        "root_path": root_path,
    }


def _read_timeout(request: httpx.Request) -> float | None:
    timeouts = request.extensions.get("timeout", {})
    value = timeouts.get("read")
    return float(value) if value is not None else None


class _LoopThread:
    """An asyncio event loop running in a daemon thread, started on first use.

    A daemon thread, so a transport that is never closed cannot keep the interpreter alive.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def submit(self, coroutine: Coroutine[Any, Any, None]) -> concurrent.futures.Future[None]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())

    def call_soon(self, callback: Callable[[], object]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(callback)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="imagegen-sandbox-transport", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop


class _Exchange:
    """One request through the app: what the app sends, handed over to the caller's thread."""

    def __init__(self, loop: _LoopThread) -> None:
        self._loop = loop
        # ("start", (status, headers)) | ("body", bytes) | ("end", None) | ("dropped", None)
        # | ("failed", exception)
        self.messages: queue.Queue[tuple[str, Any]] = queue.Queue()
        # Made here, set from the loop thread only: an asyncio.Event binds to no loop until used.
        self._disconnected = asyncio.Event()
        self._started = False

    async def run(self, app: ASGIApp, scope: dict[str, Any], body: bytes) -> None:
        request_sent = False

        async def receive() -> Message:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await self._disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._started = True
                self.messages.put(("start", (message["status"], message.get("headers", []))))
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if chunk and scope["method"] != "HEAD":
                    self.messages.put(("body", bytes(chunk)))

        try:
            await app(scope, receive, send)
        except BaseException as exc:
            if _is_connection_dropped(exc):
                self.messages.put(("dropped", None))
            elif isinstance(exc, Exception):
                self.messages.put(("failed", exc))
            else:  # cancelled, or the interpreter is leaving: the connection is gone
                self.messages.put(("dropped", None))
                raise
        else:
            # The end is the app returning, not its last body message: a fault raised after the
            # last chunk must still break the connection, and background tasks have run when the
            # client sees the end (as with httpx.ASGITransport), so tests see settled state.
            self.messages.put(("end", None) if self._started else ("failed", None))

    def disconnect(self) -> None:
        """The client has stopped reading: the app's `receive()` now reports a disconnect."""
        self._loop.call_soon(self._disconnected.set)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, exchange: _Exchange, request: httpx.Request, timeout: float | None) -> None:
        self._exchange = exchange
        self._request = request
        self._timeout = timeout

    def __iter__(self) -> Iterator[bytes]:
        while True:
            kind, payload = _next_message(self._exchange, self._request, self._timeout)
            if kind == "body":
                yield payload
            elif kind == "end":
                return
            else:  # dropped, or the app failed after its status line was sent
                if kind == "failed" and payload is not None:
                    logger.error("sandbox app failed mid-response", exc_info=payload)
                raise httpx.RemoteProtocolError(_DROPPED_DURING_BODY, request=self._request)

    def close(self) -> None:
        self._exchange.disconnect()


def _next_message(
    exchange: _Exchange, request: httpx.Request, timeout: float | None
) -> tuple[str, Any]:
    try:
        return exchange.messages.get(timeout=timeout)
    except queue.Empty:
        exchange.disconnect()
        raise httpx.ReadTimeout("the sandbox app did not answer in time", request=request) from None


class SandboxTransport(httpx.BaseTransport):
    """A sync httpx transport that serves requests with an ASGI app in this process.

    ```python
    http = httpx.Client(transport=SandboxTransport(create_app()))
    ```

    `raise_app_exceptions=True` lets an app exception (other than a dropped connection) through
    instead of answering 500, for debugging the app itself. The read timeout of the request is
    honoured in real time, as a safety net against an app that never answers.
    """

    def __init__(
        self, app: ASGIApp, *, raise_app_exceptions: bool = False, root_path: str = ""
    ) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions
        self.root_path = root_path
        self._loop = _LoopThread()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        exchange = _Exchange(self._loop)
        self._loop.submit(exchange.run(self.app, _scope(request, self.root_path), body))
        timeout = _read_timeout(request)
        kind, payload = _next_message(exchange, request, timeout)
        if kind == "start":
            status, headers = payload
            return httpx.Response(
                status, headers=headers, stream=_ResponseStream(exchange, request, timeout)
            )
        if kind == "dropped":
            raise httpx.RemoteProtocolError(_DROPPED_BEFORE_RESPONSE, request=request)
        # "failed": an exception, or the app returned without answering at all.
        if payload is not None:
            if self.raise_app_exceptions:
                raise payload
            logger.error("sandbox app failed before answering", exc_info=payload)
        return _internal_error_response()

    def close(self) -> None:
        self._loop.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.app!r})"


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """An async httpx transport that serves requests with an ASGI app on the caller's loop.

    ```python
    http = httpx.AsyncClient(transport=AsyncSandboxTransport(create_app()))
    ```

    The response body is collected before it is returned (as `httpx.ASGITransport` does).
    """

    def __init__(
        self, app: ASGIApp, *, raise_app_exceptions: bool = False, root_path: str = ""
    ) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions
        self._inner = httpx.ASGITransport(
            app=app, raise_app_exceptions=True, root_path=root_path, client=_CLIENT_ADDRESS
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except Exception as exc:
            if _is_connection_dropped(exc):
                raise httpx.RemoteProtocolError(_DROPPED_BEFORE_RESPONSE, request=request) from None
            if self.raise_app_exceptions:
                raise
            logger.error("sandbox app failed", exc_info=exc)
            return _internal_error_response()

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.app!r})"
