"""Every method of `Client` and `AsyncClient` (and their `images`), written once, as a plan.

Each function here is a method's one definition: its signature is the method's signature in
both clients, its body the plan the client's runner performs (`_io.blocking` and
`_io.awaitable` make the two methods of it). The plans of single API calls, retries,
reconciliation and pacing are `_core`'s; waiting is `_polling`'s, downloading `_download`'s.
This module composes them into what users call: create, wait, download, generate, batches.

`_validation` is imported inside the plans that use it: it costs milliseconds to import (with
the generated models it loads), which `import imagegen` and building a client do not pay.
"""

from __future__ import annotations

import collections
import contextlib
import inspect
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack
from uuid import UUID

from ._core import ClientCore, GenerateItem, OnUpdate
from ._defaults import DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_WAIT_TIMEOUT
from ._errors import ImagegenError, InvalidRequestError
from ._io import Plan, Stream
from ._spec.calls import list_images_operation
from ._spec.create import CREATE_OPTIONS, CREATE_OPTIONS_HELP, CreateOptions
from ._types import (
    CreatedGeneration,
    Generation,
    GenerationPage,
    GenerationResult,
)

if TYPE_CHECKING:
    from imagegen._api.models import CreateImageRequest

    from . import _batch, _download, _polling, _validation

__all__ = ["ClientCalls", "ImagesCalls", "PageWalk"]


class ImagesCalls:
    """`client.images` and `async_client.images`: the methods of its create, and those that
    compose several calls (the generated ones are `_spec.calls.ImagesCalls`). `self` is the
    resource a method is called on, which has the client's core."""

    _core: ClientCore

    def create(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        **options: Unpack[CreateOptions],
    ) -> Plan[CreatedGeneration]:
        """Start a generation; returns its id, status and credit cost at once.

        `images` are https URLs (str) or local images (`pathlib.Path`, bytes), one kind per
        request. Checked before sending (`InvalidRequestError`); paced to the API's limits;
        retried only where nothing was created.
        """
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        return (yield from self._core.create_plan(body))

    def wait(
        self,
        generation_id: str | UUID | CreatedGeneration | Generation,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        on_update: OnUpdate | None = None,
        schedule: _polling.PollSchedule | None = None,
    ) -> Plan[Generation]:
        """Poll until the generation succeeds and return it.

        Raises `GenerationFailedError` if it fails, `WaitTimeoutError` after `timeout` seconds
        (resume with `images.wait(id)`). `on_update` is called once per change of status.
        """
        return (
            yield from self._core.wait_plan(
                generation_id, timeout=timeout, on_update=on_update, schedule=schedule
            )
        )

    def download(
        self,
        generation: Generation | str | UUID,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        strict: bool = True,
    ) -> Plan[_download.DownloadedFiles]:
        """Save the generation's outputs into `directory` (streamed; no API key is sent to the
        image host); returns the saved paths, a list with `.failed_outputs` and `.errors`.

        With `strict` (the default) an output that cannot be saved raises `DownloadError`.
        """
        return (
            yield from self._core.download_plan(
                generation, directory, max_bytes=max_bytes, strict=strict
            )
        )


class ClientCalls:
    """`Client` and `AsyncClient`: create, wait and download in one call, and batches of it
    (the generated methods are `_spec.calls.ClientCalls`)."""

    _core: ClientCore

    def generate(
        self,
        prompt: str,
        *,
        images: Sequence[_validation.ImageInput] | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        on_update: OnUpdate | None = None,
        download_to: str | os.PathLike[str] | None = None,
        **options: Unpack[CreateOptions],
    ) -> Plan[GenerationResult]:
        """Create a generation, wait for it, and (with `download_to`) save its outputs.

        The id is logged, and passed to `on_update` before any waiting, so an interrupted
        wait can be resumed with `images.wait(id)`.
        """
        from ._validation import build_create_request

        body = build_create_request(prompt, images=images, **options)
        check_download_to(download_to)
        created = yield from self._core.create_plan(body)
        return (yield from _finish(self._core, created, body, timeout, on_update, download_to))

    def generate_many(
        self,
        items: Iterable[GenerateItem],
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        download_to: str | os.PathLike[str] | None = None,
    ) -> Plan[list[GenerationResult | ImagegenError]]:
        """Generate each item at the pace the API allows: a prompt, or a dict of what a
        create takes (`prompt`, `images` and the create options; `timeout` and `download_to`
        are this call's, for every item). Results come in the order given, a failure in its
        place rather than raised.

        As many run at once as pacing lets generations be in progress; the next is created
        only when one of them is settled; each is waited for on a schedule learned from those
        of its kind already done (`_polling.LearnedDurations`)."""
        from ._polling import LearnedDurations
        from ._validation import build_create_request

        core = self._core
        learned = LearnedDurations()
        check_download_to(download_to)
        results: list[GenerationResult | ImagegenError | None] = []
        pending: collections.deque[tuple[int, CreatedGeneration, CreateImageRequest]]
        pending = collections.deque()
        limit = core.pacer.pacing.max_in_progress if core.pacer else 1

        def settle() -> Plan[None]:
            index, created, body = pending.popleft()
            try:
                results[index] = yield from _finish(
                    core, created, body, timeout, None, download_to, learned
                )
            except ImagegenError as exc:
                results[index] = exc

        for item in items:
            index = len(results)
            results.append(None)
            while len(pending) >= limit:
                yield from settle()
            try:
                body = build_create_request(**generate_kwargs(item))
                pending.append((index, (yield from core.create_plan(body)), body))
            except ImagegenError as exc:
                results[index] = exc
        while pending:
            yield from settle()
        return [r for r in results if r is not None]

    def batch(
        self,
        items: Iterable[GenerateItem],
        *,
        out: str | os.PathLike[str],
        journal: str | os.PathLike[str] | None = None,
        keys: Sequence[str] = (),
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        retry_failed: bool = False,
    ) -> Stream[_batch.BatchItem]:
        """Generate every item into `out`, durably: each result as it ends (a `BatchItem`,
        done or failed), in constant memory however many items there are.

        Items are those of `generate_many` (prompts, or dicts of `generate()` arguments), each
        checked before anything is sent. Each item's state is recorded in a journal (SQLite,
        `out/imagegen-batch.sqlite3` unless `journal` says where) before each step, so the same
        call after a crash or a Ctrl-C resumes: finished items are skipped, generations already
        made are waited for by id, a create whose answer was lost is looked for before it is
        sent again, and nothing is charged twice. Failed items stay failed unless
        `retry_failed`. `keys` are more API keys, each of another account: one worker per
        account, each paced to its own account's limits (the client's limiter, if shared).
        """
        from ._batch import batch_plan

        yield from batch_plan(
            self._core,
            items,
            out=out,
            journal=journal,
            keys=keys,
            timeout=timeout,
            retry_failed=retry_failed,
        )


def _list_create_options(*methods: Callable[..., object]) -> None:
    """Each method taking the create options lists them in its docstring (`help()` shows it)."""
    for method in methods:
        method.__doc__ = f"{inspect.cleandoc(method.__doc__ or '')}\n\n{CREATE_OPTIONS_HELP}"


_list_create_options(ImagesCalls.create, ClientCalls.generate)


class PageWalk:
    """`images.iter`: the pages to ask for, and each generation once (a generation created
    while walking shifts the pages by one: the one seen twice is skipped)."""

    def __init__(self, core: ClientCore, page_size: int) -> None:
        self._core = core
        self._page_size = page_size
        self._offset = 0
        self._seen: set[str] = set()
        self._done = False

    def next_page(self) -> Plan[GenerationPage] | None:
        """The plan of the next page, or None once the last was read."""
        if self._done:
            return None
        return self._core.call_plan(
            list_images_operation(limit=self._page_size, offset=self._offset)
        )

    def unseen(self, page: GenerationPage) -> Iterator[Generation]:
        self._done = not page.generations or not page.has_more
        self._offset += len(page.generations)
        for generation in page.generations:
            if generation.id not in self._seen:
                self._seen.add(generation.id)
                yield generation


# -- what generate() adds to a create ---------------------------------------------------------


def _finish(
    core: ClientCore,
    created: CreatedGeneration,
    body: CreateImageRequest,
    wait_timeout: float | None,
    on_update: OnUpdate | None,
    download_to: str | os.PathLike[str] | None,
    learned: _polling.LearnedDurations | None = None,
) -> Plan[GenerationResult]:
    with created_generation(created):
        # The wait looks at once, so `on_update` hears of the generation before any waiting.
        generation = yield from core.wait_plan(
            created.id,
            timeout=wait_timeout,
            on_update=on_update,
            schedule=schedule_for(body, learned),
        )
        if learned is not None:
            learned.record(*request_kind(body), generation)
        paths: tuple[Path, ...] = ()
        if download_to is not None:
            paths = tuple((yield from core.download_plan(generation, download_to)))
        return GenerationResult(generation=generation, paths=paths)


def request_kind(body: CreateImageRequest) -> tuple[str | None, int]:
    """What a generation's duration depends on: its resolution and its reference images."""
    from imagegen._api.types import Unset

    references = 0
    for images in (body.images_url, body.images_base64):
        if not isinstance(images, Unset):
            references += len(images)
    resolution = None if isinstance(body.resolution, Unset) else str(body.resolution)
    return resolution, references


def schedule_for(
    body: CreateImageRequest, learned: _polling.LearnedDurations | None = None
) -> _polling.PollSchedule:
    from . import _polling

    if learned is not None:
        return learned.schedule(*request_kind(body))
    return _polling.PollSchedule.for_request(*request_kind(body))


def generate_kwargs(item: GenerateItem) -> dict[str, Any]:
    if isinstance(item, str):
        return {"prompt": item}
    if isinstance(item, Mapping):
        kwargs = dict(item)
        unknown = set(kwargs) - {"prompt", "images", *CREATE_OPTIONS}
        if "prompt" not in kwargs or unknown:
            problem = f"unknown keys {sorted(unknown)}" if unknown else "no 'prompt'"
            # The keys are the Python names: the spec's own JSON name is pointed to its key.
            renamed = sorted(
                f"{name!r} for {facts['json_name']!r}"
                for name, facts in CREATE_OPTIONS.items()
                if facts.get("json_name") in unknown
            )
            if renamed:
                problem += f" (use {', '.join(renamed)})"
            raise InvalidRequestError(
                f"a generate_many item must be a prompt or a dict of generate() arguments with a "
                f"'prompt'; this one has {problem}",
                field="items",
            )
        return kwargs
    raise InvalidRequestError(
        f"a generate_many item must be a prompt (str) or a dict, got {type(item).__name__}",
        field="items",
    )


def check_download_to(download_to: str | os.PathLike[str] | None) -> None:
    """Refuse a `download_to` that cannot be written before anything is created and charged."""
    if download_to is not None:
        from ._download import check_target

        check_target(download_to)


@contextlib.contextmanager
def created_generation(created: CreatedGeneration) -> Iterator[None]:
    """Whatever fails from here on carries the id of the generation already made (and charged),
    so it can be picked up again with `images.wait(id)`."""
    try:
        yield
    except ImagegenError as exc:
        if exc.generation_id is None:
            exc.generation_id = created.id
        raise
