"""`Client` and `AsyncClient`: the SDK's entry points, with their `images` resources.

Both are made of the same plans: each method is `blocking(plan)` in `Client` and
`awaitable(plan)` in `AsyncClient`, so the two cannot drift apart. The methods of single API
calls are generated from the spec (`_spec.calls`, where `_operations` says); those here compose
calls (`_calls`: create, wait, download, generate, batches). all they differ in is
the runner (`_io.SyncIO`, `_io.AsyncIO`) and how they close. Requests are built by the
generated client's `_get_kwargs` (paths, parameters and bodies come from the spec), answers read
by `_parsing`, and every decision (retries, reconciling a lost create, pacing, redirects, the
key) is made once, in `_core`'s plans.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx

from ._calls import ClientCalls, ImagesCalls, PageWalk
from ._clock import Clock
from ._core import DEFAULT, AuthHeader, ClientCore
from ._io import AsyncIO, SyncIO, awaitable, awaitable_stream, blocking, blocking_stream
from ._observe import OnEvent
from ._pacing import Pacing
from ._retry import RetryPolicy
from ._spec.calls import AsyncClientMethods, AsyncImagesMethods, ClientMethods, ImagesMethods
from ._types import Generation
from .limiter import Limiter

__all__ = ["AsyncClient", "AsyncImages", "Client", "Images"]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class _Configured(Generic[HttpT]):
    """The configuration both clients take, checked once (`ClientCore`), and what each kind of
    client is made of: its http client class, its runner and its `images` resource (given as
    class keywords by `Client` and `AsyncClient`)."""

    _http_type: type[HttpT]
    _runner: Callable[[HttpT, Clock], SyncIO | AsyncIO]
    _resource: Callable[[Any], Images | AsyncImages]

    def __init_subclass__(
        cls,
        *,
        http: type[HttpT],
        runner: Callable[[HttpT, Clock], SyncIO | AsyncIO],
        resource: Callable[[Any], Images | AsyncImages],
    ) -> None:
        super().__init_subclass__()
        cls._http_type, cls._runner, cls._resource = http, runner, resource

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT,
        max_retries: int = 2,
        http_client: HttpT | None = None,
        clock: Clock | None = None,
        auth_header: AuthHeader = "bearer",
        retry: RetryPolicy | None = None,
        pacing: Pacing | None = Pacing(),  # noqa: B008 - frozen, safe to share
        limiter: Limiter | str | None = None,
        on_event: OnEvent | None = None,
        app_info: str | None = None,
    ) -> None:
        self._core = ClientCore(
            api_key=api_key,
            base_url=base_url,
            auth_header=auth_header,
            max_retries=max_retries,
            retry=retry,
            pacing=pacing,
            limiter=limiter,
            clock=clock,
            http_client=http_client,
            http_type=self._http_type,
            timeout=timeout,
            on_event=on_event,
            app_info=app_info,
        )
        http = self._core.http
        assert isinstance(http, self._http_type)  # ClientCore checked it
        self._http: HttpT = http
        self._io = type(self)._runner(http, self._core.clock)
        self.images = type(self)._resource(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._core.summary()})"


class _Resource:
    """`images`: the methods of a resource run on its client's core and runner."""

    _io: SyncIO | AsyncIO

    def __init__(self, client: Client | AsyncClient) -> None:
        self._core = client._core
        self._io = client._io


# -- the synchronous client -----------------------------------------------------------------


class Images(ImagesMethods, _Resource):
    """`client.images`: create, get, list, iterate, wait for and download generations."""

    _io: SyncIO

    create = blocking(ImagesCalls.create)
    wait = blocking(ImagesCalls.wait)
    download = blocking(ImagesCalls.download)

    def iter(self, *, page_size: int = 100) -> Iterator[Generation]:
        """Every generation, newest first, a page at a time (each listed once)."""
        walk = PageWalk(self._core, page_size)
        while (page := walk.next_page()) is not None:
            yield from walk.unseen(self._io.run(page))


class Client(
    ClientMethods,
    _Configured[httpx.Client],
    http=httpx.Client,
    runner=SyncIO,
    resource=Images,
):
    """The imagegen API, synchronously.

    `api_key` and `base_url` default to `IMAGEGEN_API_KEY` and `IMAGEGEN_BASE_URL`. `timeout` is
    per request (seconds or an `httpx.Timeout`). `max_retries=0` disables retries (or pass a
    `RetryPolicy` as `retry`). `pacing=None` turns client-side pacing off. `limiter` shares the
    pacing with every client of the account (`imagegen.limiter`): a `Limiter`, or a URL
    (`sqlite:///PATH`, `redis://HOST:PORT/DB`); it defaults to `IMAGEGEN_LIMITER_URL`, else to
    this client alone. `on_event` is called with each event of `imagegen.events` (requests,
    retries, pacing waits, reconciliations, status changes, downloads) as it happens.
    `http_client` may be any `httpx.Client` (it is closed only by its owner); `clock` is for
    tests.

    Every request says `User-Agent: imagegen-python/V httpx/V python/V`, then `app_info` (your
    application, such as `"myapp/1.2 (+https://example.com)"`: printable ASCII) after a space;
    a User-Agent that `http_client` sets itself is sent instead, as it is. Each result of a
    call carries its answer's request id and rate-limit headers as `.response`
    (`ResponseInfo`).
    """

    generate = blocking(ClientCalls.generate)
    generate_many = blocking(ClientCalls.generate_many)
    batch = blocking_stream(ClientCalls.batch)

    _io: SyncIO
    images: Images

    def close(self) -> None:
        """Close the http client, if this client made it."""
        if self._core.owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


# -- the asynchronous client ----------------------------------------------------------------


class AsyncImages(AsyncImagesMethods, _Resource):
    """`async_client.images`: the same methods as `Images`, awaitable."""

    _io: AsyncIO

    create = awaitable(ImagesCalls.create)
    wait = awaitable(ImagesCalls.wait)
    download = awaitable(ImagesCalls.download)

    async def iter(self, *, page_size: int = 100) -> AsyncIterator[Generation]:
        """Every generation, newest first, a page at a time (each listed once)."""
        walk = PageWalk(self._core, page_size)
        while (page := walk.next_page()) is not None:
            for generation in walk.unseen(await self._io.run(page)):
                yield generation


class AsyncClient(
    AsyncClientMethods,
    _Configured[httpx.AsyncClient],
    http=httpx.AsyncClient,
    runner=AsyncIO,
    resource=AsyncImages,
):
    """The imagegen API, awaitable; the same arguments and behaviour as `Client`."""

    generate = awaitable(ClientCalls.generate)
    generate_many = awaitable(ClientCalls.generate_many)
    batch = awaitable_stream(ClientCalls.batch)

    _io: AsyncIO
    images: AsyncImages

    async def close(self) -> None:
        """Close the http client, if this client made it."""
        if self._core.owns_http:
            await self._http.aclose()

    async def aclose(self) -> None:
        await self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
