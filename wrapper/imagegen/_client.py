"""`Client` and `AsyncClient`: the SDK's entry points, with their `images` resources.

Each request is built by the generated client's `_get_kwargs` (paths, parameters and bodies come
from the spec), sent through the caller's httpx client or one made here, and answered by
`_parsing.parse_response`. Every decision (retries, reconciling a lost create, pacing, redirects,
the key) is made once, in `_core`'s plans; the two clients only run those plans, one with
blocking I/O and one with awaits, and orchestrate create + wait + download.

`_validation`, `_polling` and `_download` are imported inside the methods that use them: each
costs milliseconds to import (with the generated models and the parser they load), which
`import imagegen` and building a client do not pay; see `_core`'s docstring for the figures.
"""

from __future__ import annotations

import collections
import os
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack
from uuid import UUID

import httpx

from ._clock import Clock
from ._core import (
    DEFAULT,
    MAX_REDIRECTS,
    Action,
    AuthHeader,
    ClientCore,
    GenerateItem,
    OnUpdate,
    Operation,
    Plan,
    Send,
    Sleep,
    account_operation,
    check_download_to,
    created_generation,
    generate_kwargs,
    get_operation,
    id_of,
    list_operation,
    schedule_for,
    status_operation,
    timeout_for,
)
from ._defaults import DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_WAIT_TIMEOUT
from ._errors import ImagegenError, InvalidRequestError
from ._pacing import Pacing
from ._retry import RetryPolicy
from ._types import (
    Account,
    ConnectionStatus,
    CreatedGeneration,
    Generation,
    GenerationPage,
    GenerationResult,
)

if TYPE_CHECKING:
    import asyncio

    from imagegen_api.models import CreateImageRequest

    from . import _download, _polling, _validation
    from ._spec.create import CreateOptions

__all__ = ["AsyncClient", "AsyncImages", "Client", "Images"]

T = TypeVar("T")

# -- the synchronous client -----------------------------------------------------------------


class Images:
    """`client.images`: create, get, list, iterate, wait for and download generations."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        **options: Unpack[CreateOptions],
    ) -> CreatedGeneration:
        """Start a generation; returns its id, status and credit cost at once.

        `images` are https URLs (str) or local images (`pathlib.Path`, bytes), one kind per
        request. Checked before sending (`InvalidRequestError`); paced to the API's limits;
        retried only where nothing was created.
        """
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        return self._client._create(body)

    def get(self, generation_id: str | UUID) -> Generation:
        """The generation as it is now."""
        return self._client._call(get_operation(generation_id))  # type: ignore[no-any-return]

    def list(self, *, limit: int = 20, offset: int = 0) -> GenerationPage:
        """One page of generations, newest first."""
        return self._client._call(list_operation(limit, offset))  # type: ignore[no-any-return]

    def iter(self, *, page_size: int = 100) -> Iterator[Generation]:
        """Every generation, newest first, a page at a time (each listed once)."""
        seen: set[str] = set()
        offset = 0
        while True:
            page = self.list(limit=page_size, offset=offset)
            for generation in page.generations:
                if generation.id not in seen:
                    seen.add(generation.id)
                    yield generation
            if not page.generations or not page.has_more:
                return
            offset += len(page.generations)

    def wait(
        self,
        generation_id: str | UUID | CreatedGeneration | Generation,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        on_update: OnUpdate | None = None,
        schedule: _polling.PollSchedule | None = None,
    ) -> Generation:
        """Poll until the generation succeeds and return it.

        Raises `GenerationFailedError` if it fails, `WaitTimeoutError` after `timeout` seconds
        (resume with `images.wait(id)`). `on_update` is called once per change of status.
        """
        from ._polling import wait_until_done

        def fetch(generation_id: str, deadline: float | None) -> Generation:
            return self._client._call(get_operation(generation_id), deadline)  # type: ignore[no-any-return]

        return wait_until_done(
            fetch,
            generation_id=str(id_of(generation_id)),
            clock=self._client._core.clock,
            timeout=timeout,
            on_update=on_update,
            schedule=schedule,
        )

    def download(
        self,
        generation: Generation | str | UUID,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        strict: bool = True,
    ) -> _download.DownloadedFiles:
        """Save the generation's outputs into `directory` (streamed; no API key is sent to the
        image host); returns the saved paths, a list with `.failed_outputs` and `.errors`.

        With `strict` (the default) an output that cannot be saved raises `DownloadError`.
        """
        if not isinstance(generation, Generation):
            generation = self.get(generation)
        from ._download import download_outputs

        return download_outputs(
            self._client._http,
            generation,
            directory,
            max_bytes=max_bytes,
            strict=strict,
            retry=self._client._core.retry,
            clock=self._client._core.clock,
        )


class Client:
    """The imagegen API, synchronously.

    `api_key` and `base_url` default to `IMAGEGEN_API_KEY` and `IMAGEGEN_BASE_URL`. `timeout` is
    per request (seconds or an `httpx.Timeout`). `max_retries=0` disables retries (or pass a
    `RetryPolicy` as `retry`). `pacing=None` turns client-side pacing off. `http_client` may be
    any `httpx.Client` (it is closed only by its owner); `clock` is for tests.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        auth_header: AuthHeader = "bearer",
        retry: RetryPolicy | None = None,
        pacing: Pacing | None = Pacing(),  # noqa: B008 - frozen, safe to share
    ) -> None:
        self._core = ClientCore(
            api_key=api_key,
            base_url=base_url,
            auth_header=auth_header,
            max_retries=max_retries,
            retry=retry,
            pacing=pacing,
            clock=clock,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise InvalidRequestError(
                "http_client must be an httpx.Client (use AsyncClient for an httpx.AsyncClient)",
                field="http_client",
            )
        self._owns_http = http_client is None
        self._timeout = timeout_for(timeout, self._owns_http)
        # One we make gets the client's timeout as its default too, so the requests it sends
        # that are not API calls (downloads of outputs) wait no longer and no shorter; a
        # caller's http client keeps its own.
        self._http = http_client if http_client is not None else httpx.Client(timeout=self._timeout)
        self._create_lock = threading.Lock()
        self.images = Images(self)

    # -- the API ---------------------------------------------------------------------------

    def status(self) -> ConnectionStatus:
        """Check the key and the connection."""
        return self._call(status_operation())  # type: ignore[no-any-return]

    def account(self) -> Account:
        """The account behind the key, with its credits."""
        return self._call(account_operation())  # type: ignore[no-any-return]

    def generate(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        on_update: OnUpdate | None = None,
        download_to: str | os.PathLike[str] | None = None,
        **options: Unpack[CreateOptions],
    ) -> GenerationResult:
        """Create a generation, wait for it, and (with `download_to`) save its outputs.

        The id is logged, and passed to `on_update` before any waiting, so an interrupted
        wait can be resumed with `images.wait(id)`.
        """
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        check_download_to(download_to)
        created = self._create(body)
        return self._finish(created, body, timeout, on_update, download_to)

    def generate_many(
        self,
        items: Iterable[GenerateItem],
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        download_to: str | os.PathLike[str] | None = None,
    ) -> list[GenerationResult | ImagegenError]:
        """Generate each item (a prompt, or a dict of `generate()` arguments) at the pace the
        API allows; results in the order given, a failure in its place rather than raised."""
        from ._validation import build_create_request

        check_download_to(download_to)
        results: list[GenerationResult | ImagegenError | None] = []
        pending: collections.deque[tuple[int, CreatedGeneration, CreateImageRequest]]
        pending = collections.deque()
        limit = self._core.pacer.pacing.max_in_progress if self._core.pacer else 1
        for item in items:
            index = len(results)
            results.append(None)
            while len(pending) >= limit:
                self._settle(results, pending.popleft(), timeout, download_to)
            try:
                body = build_create_request(**generate_kwargs(item))
                pending.append((index, self._create(body), body))
            except ImagegenError as exc:
                results[index] = exc
        while pending:
            self._settle(results, pending.popleft(), timeout, download_to)
        return [r for r in results if r is not None]

    # -- context and lifetime ----------------------------------------------------------------

    def close(self) -> None:
        """Close the http client, if this client made it."""
        if self._owns_http:
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

    def __repr__(self) -> str:
        return f"Client({self._core.summary()})"

    # -- I/O -----------------------------------------------------------------------------

    def _send(self, operation: Operation) -> httpx.Response:
        request = self._core.build(self._http, operation, self._timeout)
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._http.send(request, follow_redirects=False, stream=True)
            except httpx.RequestError as exc:
                raise self._core.connection_error(exc) from exc
            following = self._core.follow(request, response)
            if following is None:
                try:
                    response.read()
                except httpx.RequestError as exc:
                    response.close()
                    raise self._core.broken_answer(operation, response, exc) from exc
                return response
            response.close()
            request = following
        return response

    def _run(self, plan: Plan[T]) -> T:
        """Run a plan of `_core`: perform each step it asks for, hand back the outcome."""
        outcome: Any = None
        failure: ImagegenError | None = None
        try:
            while True:
                try:
                    action = plan.send(outcome) if failure is None else plan.throw(failure)
                except StopIteration as done:
                    return done.value  # type: ignore[no-any-return]
                outcome, failure = None, None
                try:
                    outcome = self._perform(action)
                except ImagegenError as exc:
                    failure = exc
        finally:
            # Anything else (Ctrl-C, a cancelled task, a bug) leaves the plan suspended: close
            # it, so its own `finally` blocks run (pacing forgets what it was waiting for).
            plan.close()

    def _perform(self, action: Action) -> Any:
        if isinstance(action, Send):
            return self._send(action.operation)
        if isinstance(action, Sleep):
            return self._core.clock.sleep(action.seconds)
        return self.images.wait(action.generation_id, timeout=action.timeout)

    def _call(self, operation: Operation, deadline: float | None = None) -> Any:
        return self._run(self._core.call_plan(operation, deadline))

    def _create(self, body: CreateImageRequest) -> CreatedGeneration:
        with self._create_lock:  # one create at a time, so pacing sees them all
            return self._run(self._core.create_plan(body))

    def _finish(
        self,
        created: CreatedGeneration,
        body: CreateImageRequest,
        wait_timeout: float | None,
        on_update: OnUpdate | None,
        download_to: str | os.PathLike[str] | None,
    ) -> GenerationResult:
        with created_generation(created):
            generation = self.images.wait(
                created.id, timeout=wait_timeout, on_update=on_update, schedule=schedule_for(body)
            )
            paths: tuple[Path, ...] = ()
            if download_to is not None:
                paths = tuple(self.images.download(generation, download_to))
            return GenerationResult(generation=generation, paths=paths)

    def _settle(
        self,
        results: list[GenerationResult | ImagegenError | None],
        entry: tuple[int, CreatedGeneration, CreateImageRequest],
        wait_timeout: float | None,
        download_to: str | os.PathLike[str] | None,
    ) -> None:
        index, created, body = entry
        try:
            results[index] = self._finish(created, body, wait_timeout, None, download_to)
        except ImagegenError as exc:
            results[index] = exc


# -- the asynchronous client ----------------------------------------------------------------


class AsyncImages:
    """`async_client.images`: the awaitable twin of `Images`."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def create(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        **options: Unpack[CreateOptions],
    ) -> CreatedGeneration:
        """Start a generation; see `Images.create`."""
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        return await self._client._create(body)

    async def get(self, generation_id: str | UUID) -> Generation:
        """The generation as it is now."""
        return await self._client._call(get_operation(generation_id))  # type: ignore[no-any-return]

    async def list(self, *, limit: int = 20, offset: int = 0) -> GenerationPage:
        """One page of generations, newest first."""
        return await self._client._call(list_operation(limit, offset))  # type: ignore[no-any-return]

    async def iter(self, *, page_size: int = 100) -> AsyncIterator[Generation]:
        """Every generation, newest first, a page at a time (each listed once)."""
        seen: set[str] = set()
        offset = 0
        while True:
            page = await self.list(limit=page_size, offset=offset)
            for generation in page.generations:
                if generation.id not in seen:
                    seen.add(generation.id)
                    yield generation
            if not page.generations or not page.has_more:
                return
            offset += len(page.generations)

    async def wait(
        self,
        generation_id: str | UUID | CreatedGeneration | Generation,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - on the Clock
        on_update: OnUpdate | None = None,
        schedule: _polling.PollSchedule | None = None,
    ) -> Generation:
        """Poll until the generation succeeds; see `Images.wait`."""
        from ._polling import await_until_done

        async def fetch(generation_id: str, deadline: float | None) -> Generation:
            return await self._client._call(get_operation(generation_id), deadline)  # type: ignore[no-any-return]

        return await await_until_done(
            fetch,
            generation_id=str(id_of(generation_id)),
            clock=self._client._core.clock,
            timeout=timeout,
            on_update=on_update,
            schedule=schedule,
        )

    async def download(
        self,
        generation: Generation | str | UUID,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        strict: bool = True,
    ) -> _download.DownloadedFiles:
        """Save the generation's outputs into `directory` (streamed; no API key is sent to the
        image host); returns the saved paths, a list with `.failed_outputs` and `.errors`.

        With `strict` (the default) an output that cannot be saved raises `DownloadError`.
        """
        if not isinstance(generation, Generation):
            generation = await self.get(generation)
        from ._download import adownload_outputs

        return await adownload_outputs(
            self._client._http,
            generation,
            directory,
            max_bytes=max_bytes,
            strict=strict,
            retry=self._client._core.retry,
            clock=self._client._core.clock,
        )


class AsyncClient:
    """The imagegen API, awaitable; the same arguments and behaviour as `Client`."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        auth_header: AuthHeader = "bearer",
        retry: RetryPolicy | None = None,
        pacing: Pacing | None = Pacing(),  # noqa: B008 - frozen, safe to share
    ) -> None:
        self._core = ClientCore(
            api_key=api_key,
            base_url=base_url,
            auth_header=auth_header,
            max_retries=max_retries,
            retry=retry,
            pacing=pacing,
            clock=clock,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise InvalidRequestError(
                "http_client must be an httpx.AsyncClient (use Client for an httpx.Client)",
                field="http_client",
            )
        self._owns_http = http_client is None
        self._timeout = timeout_for(timeout, self._owns_http)
        self._http = (  # with the client's timeout, as in Client
            http_client if http_client is not None else httpx.AsyncClient(timeout=self._timeout)
        )
        self._create_lock: asyncio.Lock | None = None
        self.images = AsyncImages(self)

    async def status(self) -> ConnectionStatus:
        """Check the key and the connection."""
        return await self._call(status_operation())  # type: ignore[no-any-return]

    async def account(self) -> Account:
        """The account behind the key, with its credits."""
        return await self._call(account_operation())  # type: ignore[no-any-return]

    async def generate(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - on the Clock
        on_update: OnUpdate | None = None,
        download_to: str | os.PathLike[str] | None = None,
        **options: Unpack[CreateOptions],
    ) -> GenerationResult:
        """Create, wait (and download); see `Client.generate`."""
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        check_download_to(download_to)
        created = await self._create(body)
        return await self._finish(created, body, timeout, on_update, download_to)

    async def generate_many(
        self,
        items: Iterable[GenerateItem],
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - on the Clock
        download_to: str | os.PathLike[str] | None = None,
    ) -> list[GenerationResult | ImagegenError]:
        """Generate a batch at the pace the API allows; see `Client.generate_many`."""
        from ._validation import build_create_request

        check_download_to(download_to)
        results: list[GenerationResult | ImagegenError | None] = []
        pending: collections.deque[tuple[int, CreatedGeneration, CreateImageRequest]]
        pending = collections.deque()
        limit = self._core.pacer.pacing.max_in_progress if self._core.pacer else 1
        for item in items:
            index = len(results)
            results.append(None)
            while len(pending) >= limit:
                await self._settle(results, pending.popleft(), timeout, download_to)
            try:
                body = build_create_request(**generate_kwargs(item))
                pending.append((index, await self._create(body), body))
            except ImagegenError as exc:
                results[index] = exc
        while pending:
            await self._settle(results, pending.popleft(), timeout, download_to)
        return [r for r in results if r is not None]

    async def close(self) -> None:
        """Close the http client, if this client made it."""
        if self._owns_http:
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

    def __repr__(self) -> str:
        return f"AsyncClient({self._core.summary()})"

    async def _send(self, operation: Operation) -> httpx.Response:
        request = self._core.build(self._http, operation, self._timeout)
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = await self._http.send(request, follow_redirects=False, stream=True)
            except httpx.RequestError as exc:
                raise self._core.connection_error(exc) from exc
            following = self._core.follow(request, response)
            if following is None:
                try:
                    await response.aread()
                except httpx.RequestError as exc:
                    await response.aclose()
                    raise self._core.broken_answer(operation, response, exc) from exc
                return response
            await response.aclose()
            request = following
        return response

    async def _run(self, plan: Plan[T]) -> T:
        """Run a plan of `_core`, awaiting each step; the twin of `Client._run`."""
        outcome: Any = None
        failure: ImagegenError | None = None
        try:
            while True:
                try:
                    action = plan.send(outcome) if failure is None else plan.throw(failure)
                except StopIteration as done:
                    return done.value  # type: ignore[no-any-return]
                outcome, failure = None, None
                try:
                    outcome = await self._perform(action)
                except ImagegenError as exc:
                    failure = exc
        finally:
            plan.close()  # as in Client._run

    async def _perform(self, action: Action) -> Any:
        if isinstance(action, Send):
            return await self._send(action.operation)
        if isinstance(action, Sleep):
            return await self._core.clock.asleep(action.seconds)
        return await self.images.wait(action.generation_id, timeout=action.timeout)

    async def _call(self, operation: Operation, deadline: float | None = None) -> Any:
        return await self._run(self._core.call_plan(operation, deadline))

    async def _create(self, body: CreateImageRequest) -> CreatedGeneration:
        if self._create_lock is None:
            import asyncio  # here: an AsyncClient is running in asyncio by now

            self._create_lock = asyncio.Lock()
        async with self._create_lock:  # one create at a time, so pacing sees them all
            return await self._run(self._core.create_plan(body))

    async def _finish(
        self,
        created: CreatedGeneration,
        body: CreateImageRequest,
        wait_timeout: float | None,
        on_update: OnUpdate | None,
        download_to: str | os.PathLike[str] | None,
    ) -> GenerationResult:
        with created_generation(created):
            generation = await self.images.wait(
                created.id, timeout=wait_timeout, on_update=on_update, schedule=schedule_for(body)
            )
            paths: tuple[Path, ...] = ()
            if download_to is not None:
                paths = tuple(await self.images.download(generation, download_to))
            return GenerationResult(generation=generation, paths=paths)

    async def _settle(
        self,
        results: list[GenerationResult | ImagegenError | None],
        entry: tuple[int, CreatedGeneration, CreateImageRequest],
        wait_timeout: float | None,
        download_to: str | os.PathLike[str] | None,
    ) -> None:
        index, created, body = entry
        try:
            results[index] = await self._finish(created, body, wait_timeout, None, download_to)
        except ImagegenError as exc:
            results[index] = exc
