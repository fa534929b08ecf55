"""Test your code that uses imagegen against the offline sandbox: no network, no account, no
credits spent, and no real waiting.

A `Sandbox` is the sandbox app, in this process, on a `VirtualClock`. Clients made by it talk to
the app directly (no socket) and share its clock, so a client waiting "two minutes" for a
generation moves the sandbox's time forward two minutes at once::

    from imagegen.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.client()
        created = client.images.create("A lighthouse at dusk")
        generation = client.images.wait(created.id)       # instant
        sandbox.control                                   # reset, faults, state, ...

With pytest, enable the plugin in your ``conftest.py``::

    pytest_plugins = ["imagegen.testing"]

and ask for its fixtures:

- ``imagegen_sandbox``: a fresh `Sandbox` per test;
- ``imagegen_client`` / ``imagegen_async_client``: an `imagegen.Client` / `imagegen.AsyncClient`
  wired to that sandbox;
- ``imagegen_sandbox_server``: the same sandbox served by uvicorn on 127.0.0.1 (a free port), a
  `ServedSandbox`, for code that must make real HTTP requests (another process, another HTTP
  library). Its `base_url` and `api_key` are what such code needs; its `.client()` goes over the
  socket but still shares the virtual clock. Anything else reaching the server has no such clock:
  move the sandbox's time with `advance()` (or its control surface) instead of sleeping.

This module needs the ``sandbox`` extra (starlette, uvicorn, pillow); ``import imagegen`` never
imports it. pytest is needed only for the fixtures.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._clock import VirtualClock

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from .sandbox._control import SandboxControl
    from .sandbox._transport import ASGIApp

__all__ = ["Sandbox", "ServedSandbox"]

# A loopback host, so the client sends the key over plain http; nothing listens there: the
# transport hands requests to the app in-process.
IN_PROCESS_BASE_URL = "http://127.0.0.1/v1"


class _SandboxView:
    """What both ways of reaching the sandbox share: its app, clock, key and clients."""

    base_url: str

    def __init__(self, app: ASGIApp, clock: VirtualClock, api_key: str) -> None:
        self.app = app
        self.clock = clock
        self.api_key = api_key
        self._http_clients: list[httpx.Client] = []

    @property
    def control(self) -> SandboxControl:
        """The sandbox's control object: reset, faults, accounts, state inspection, ..."""
        control: SandboxControl = self.app.state.sandbox  # type: ignore[attr-defined]
        return control

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock (and so its generations, limits and webhooks) forward."""
        self.clock.advance(seconds)

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An `httpx.Client` that reaches the sandbox (relative URLs are under `base_url`);
        closed with the sandbox."""
        kwargs.setdefault("base_url", self.base_url)
        http = httpx.Client(transport=self._transport(), **kwargs)
        self._http_clients.append(http)
        return http

    def async_http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` that reaches the sandbox, as `http_client()`; in-process it
        holds nothing to close, served it holds sockets: close it (`async with`)."""
        kwargs.setdefault("base_url", self.base_url)
        return httpx.AsyncClient(transport=self._async_transport(), **kwargs)

    def client(self, **kwargs: Any) -> Client:
        """An `imagegen.Client` for the sandbox: its URL, its default key, its clock.

        Keyword arguments go to `imagegen.Client` and override those defaults (pass
        `api_key=` of another account, `max_retries=0`, ...).
        """
        from ._client import Client

        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.base_url)
        kwargs.setdefault("clock", self.clock)
        kwargs.setdefault("http_client", self.http_client())
        return Client(**kwargs)

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """An `imagegen.AsyncClient` for the sandbox, as `client()`."""
        from ._client import AsyncClient

        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.base_url)
        kwargs.setdefault("clock", self.clock)
        kwargs.setdefault("http_client", self.async_http_client())
        return AsyncClient(**kwargs)

    def close(self) -> None:
        """Close the HTTP clients made here (and so the transports behind them)."""
        while self._http_clients:
            self._http_clients.pop().close()

    def _transport(self) -> httpx.BaseTransport:
        raise NotImplementedError

    def _async_transport(self) -> httpx.AsyncBaseTransport:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, clock={self.clock!r})"


class Sandbox(_SandboxView):
    """The sandbox app in this process, on a virtual clock.

    `seed` makes ids and outputs deterministic. Pass `clock` to share a `VirtualClock` you
    already have, or `app` to wrap a sandbox app you made with `imagegen.sandbox.create_app`
    (it must then run on `clock`).
    """

    base_url = IN_PROCESS_BASE_URL

    def __init__(
        self, *, seed: int = 0, clock: VirtualClock | None = None, app: ASGIApp | None = None
    ) -> None:
        from .sandbox import DEFAULT_API_KEY, create_app

        clock = clock if clock is not None else VirtualClock()
        # An app made here is closed here (its output files live in a temporary directory).
        self._owns_app = app is None
        super().__init__(
            app if app is not None else create_app(clock=clock, seed=seed), clock, DEFAULT_API_KEY
        )

    def close(self) -> None:
        """Close the HTTP clients made here, and the app if this sandbox made it."""
        super().close()
        if self._owns_app:
            self.control.close()

    @contextlib.contextmanager
    def serve(self) -> Iterator[ServedSandbox]:
        """Serve this same sandbox (same app, state and clock) over HTTP on 127.0.0.1."""
        from .sandbox._server import running_server

        with running_server(self.app) as base_url:
            served = ServedSandbox(self.app, self.clock, self.api_key, base_url)
            try:
                yield served
            finally:
                served.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _transport(self) -> httpx.BaseTransport:
        from .sandbox._transport import SandboxTransport

        return SandboxTransport(self.app)

    def _async_transport(self) -> httpx.AsyncBaseTransport:
        from .sandbox._transport import AsyncSandboxTransport

        return AsyncSandboxTransport(self.app)


class ServedSandbox(_SandboxView):
    """A sandbox served by uvicorn on 127.0.0.1; made by `Sandbox.serve()`.

    `base_url` is the real address (``http://127.0.0.1:PORT/v1``). Clients made here connect to
    it over loopback TCP and share the sandbox's virtual clock; pass `clock=SystemClock()` to
    `client()` for real waits (then keep them short).
    """

    def __init__(self, app: ASGIApp, clock: VirtualClock, api_key: str, base_url: str) -> None:
        super().__init__(app, clock, api_key)
        self.base_url = base_url

    def _transport(self) -> httpx.BaseTransport:
        # Never through a proxy from the environment: the server is on loopback.
        return httpx.HTTPTransport(trust_env=False)

    def _async_transport(self) -> httpx.AsyncBaseTransport:
        return httpx.AsyncHTTPTransport(trust_env=False)


def _close_quietly(client: object) -> None:
    close = getattr(client, "close", None)
    if callable(close):
        close()


# The fixtures exist only where pytest does: the harness above works without it.
if importlib.util.find_spec("pytest") is not None:
    import pytest

    @pytest.fixture
    def imagegen_sandbox() -> Iterator[Sandbox]:
        """A fresh in-process sandbox on a virtual clock."""
        with Sandbox() as sandbox:
            yield sandbox

    @pytest.fixture
    def imagegen_client(imagegen_sandbox: Sandbox) -> Iterator[Client]:
        """An `imagegen.Client` wired to `imagegen_sandbox`."""
        client = imagegen_sandbox.client()
        yield client
        _close_quietly(client)

    @pytest.fixture
    def imagegen_async_client(imagegen_sandbox: Sandbox) -> AsyncClient:
        """An `imagegen.AsyncClient` wired to `imagegen_sandbox` (a plain fixture, so it works
        under any async test plugin; it holds no socket to close)."""
        return imagegen_sandbox.async_client()

    @pytest.fixture
    def imagegen_sandbox_server(imagegen_sandbox: Sandbox) -> Iterator[ServedSandbox]:
        """`imagegen_sandbox` served by uvicorn on 127.0.0.1, on a free port."""
        with imagegen_sandbox.serve() as served:
            yield served
