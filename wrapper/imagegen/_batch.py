"""A durable batch: `client.batch(items, out=...)` and `imagegen batch`.

Each item goes queued -> sending -> created -> done (or failed), and the journal (`_journal`)
records each state before the step it names, so a batch killed at any moment and run again
finishes every item once, charging each once:

- a `done` item is skipped; a `created` one is waited for by its id (on the account that made
  it) and saved;
- a `sending` one (the process died between recording the send and recording the answer) is
  looked for in listImages first (`ClientCore.find_lost_plan`): sent again only if no
  generation of the account matches it;
- outputs are written to a temporary file and renamed into place (`_download`), and the
  temporary files a killed download left are removed when the batch starts again (as is the
  probe file of a check that the directory is writable, killed between its two steps).

One worker per account: the API runs one generation at a time per account, so a worker takes
the next item once its last is saved. With a pool of keys (`keys=`, each of its own account)
there are as many workers, interleaved in this one plan (`interleave`): each runs until it
sleeps, and the one whose sleep ends first goes next. No threads: the same plan runs in `Client`
and `AsyncClient`, on any clock. Pacing (the window and the lease, through the client's
limiter) is each worker's own account's.

Constant memory: items go into the journal as they are read, and each result is handed out
(`Emit`) as it ends, never kept.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._calls import generate_kwargs, request_kind
from ._clock import Clock
from ._errors import (
    AuthenticationError,
    GenerationFailedError,
    ImagegenError,
    InvalidRequestError,
    NotFoundError,
)
from ._io import Action, Emit, Plan, Sleep, Stream, WithCreateLock
from ._journal import JOURNAL_NAME, Journal, JournalItem, encode_item, iter_partial_files
from ._polling import LearnedDurations
from ._spec.calls import get_status_operation

if TYPE_CHECKING:
    from ._core import ClientCore, GenerateItem

__all__ = ["BatchItem", "batch_plan", "interleave"]

logger = logging.getLogger("imagegen")


@attrs.frozen(kw_only=True)
class BatchItem:
    """One item of a batch, as it ended in this run: `index` is its place in the items given
    (from 0). A failed item has its `error` (and the id of its generation, if one was made)."""

    index: int
    prompt: str
    status: Literal["done", "failed"]
    generation_id: str | None = None
    paths: tuple[Path, ...] = ()
    credits: int = 0
    error: ImagegenError | None = attrs.field(default=None, eq=False)

    @property
    def ok(self) -> bool:
        return self.status == "done"


def batch_plan(
    core: ClientCore,
    items: Iterable[GenerateItem],
    *,
    out: str | os.PathLike[str],
    journal: str | os.PathLike[str] | None,
    keys: Iterable[str],
    timeout: float | None,
    retry_failed: bool,
) -> Stream[BatchItem]:
    """The whole batch: items into the journal, then one worker per account until none is left."""
    from ._download import check_target, iter_write_checks

    directory = check_target(out)
    cores = [core, *(core.for_key(key) for key in keys)]
    log = Journal(journal if journal is not None else directory / JOURNAL_NAME)
    try:
        log.check_out(directory)
        # Every item is checked before anything is sent: a bad one stops the batch here.
        total = log.ingest(_checked(items))
        if retry_failed:
            log.retry_failed()
        for path, generation_id in iter_partial_files(directory):
            if log.known([generation_id]):
                with contextlib.suppress(OSError):
                    path.unlink()
        # A run killed while `check_target` proved the directory writable left its probe.
        for path in iter_write_checks(directory):
            with contextlib.suppress(OSError):
                path.unlink()
        accounts = []
        for index, worker_core in enumerate(cores):
            try:
                accounts.append((yield from _account_of(worker_core)))
            except AuthenticationError as exc:
                if index == 0:
                    raise
                # Say which: the client's own key is not the one at fault.
                raise InvalidRequestError(
                    f"keys[{index - 1}] (key {index + 1} of the batch, counting the client's as "
                    f"1) was refused: {exc.message}; nothing was created",
                    field="keys",
                ) from exc
        _refuse_shared_accounts(accounts)
        for worker_core, account in zip(cores, accounts, strict=True):
            if worker_core.pacer is not None:
                # A run after a crash: the server's window still counts the last run's creates.
                since = worker_core.clock.time() - worker_core.pacer.pacing.window
                sent = log.sent_since(account, since)
                yield from worker_core.limits_plan(
                    functools.partial(worker_core.pacer.recall, sent)
                )
        counts = log.counts()
        logger.info(
            "batch: %d items, %d done, %d failed, %d to go, on %d account(s)",
            total,
            counts["done"],
            counts["failed"],
            total - counts["done"] - counts["failed"],
            len(cores),
        )
        learned = LearnedDurations()
        workers = [
            _work(c, account, log, directory, timeout, learned)
            for c, account in zip(cores, accounts, strict=True)
        ]
        yield from workers[0] if len(workers) == 1 else interleave(workers, core.clock)
        stranded = log.waiting_on_other_accounts(accounts)
        if stranded:
            logger.warning(
                "batch: %d item(s) were created on an account whose key this run lacks; run "
                "again with that account's key to finish them",
                stranded,
            )
    finally:
        log.close()


def _checked(items: Iterable[GenerateItem]) -> Iterator[str]:
    """Each item as journal text, once it is known to make a valid create."""
    from ._validation import build_create_request

    for index, item in enumerate(items):
        try:
            kwargs = generate_kwargs(item)
            build_create_request(**kwargs)
        except InvalidRequestError as exc:
            raise InvalidRequestError(
                f"batch item {index + 1}: {exc.message}; nothing was sent", field=exc.field
            ) from None
        yield encode_item(kwargs)


def _account_of(core: ClientCore) -> Plan[str]:
    """The account id of the core's key (getStatus): what the journal and the limits key by."""
    status = yield from core.call_plan(get_status_operation())
    account = str(status.account_id)
    if core.pacer is not None and core.pacer.account is None:
        core.pacer.account = account
    return account


def _refuse_shared_accounts(accounts: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, account in enumerate(accounts):
        if account in seen:
            raise InvalidRequestError(
                f"keys {seen[account] + 1} and {index + 1} of the batch (counting the client's "
                f"as 1) are of one account ({account}): a pool needs one key per account (keys "
                "of one account share its limits, so they add nothing)",
                field="keys",
            )
        seen[account] = index


def _work(
    core: ClientCore,
    account: str,
    log: Journal,
    directory: Path,
    timeout: float | None,
    learned: LearnedDurations,
) -> Stream[BatchItem]:
    """One account's worker: the next item for it, until there is none."""
    while (item := log.next_item(account)) is not None:
        ended = yield from _run_item(core, account, log, item, directory, timeout, learned)
        yield Emit(ended)


def _run_item(
    core: ClientCore,
    account: str,
    log: Journal,
    item: JournalItem,
    directory: Path,
    timeout: float | None,
    learned: LearnedDurations,
) -> Plan[BatchItem]:
    from ._validation import build_create_request

    prompt = str(item.request.get("prompt", ""))
    generation_id, credits = item.generation_id, item.credits
    sent = item.state == "sending"
    try:
        body = build_create_request(**item.request)
        if item.state == "sending" and item.sent_at is not None:
            found = yield from core.find_lost_plan(body, item.sent_at, log.known)
            if found is not None:
                log.created(item.position, found.id, found.credit_cost)
                generation_id, credits = found.id, found.credit_cost
        if generation_id is None:
            log.sending(item.position, account, core.clock.time())
            sent = True
            created = yield from core.create_plan(body)
            log.created(item.position, created.id, created.credit_cost)
            generation_id, credits = created.id, created.credit_cost
        if item.state == "created" and core.pacer is not None:
            # Made by a run that stopped: in progress, it holds the account's one slot.
            yield from core.limits_plan(functools.partial(core.pacer.record_create, generation_id))
        kind = request_kind(body)
        generation = yield from core.wait_plan(
            generation_id, timeout=timeout, schedule=learned.schedule(*kind)
        )
        learned.record(*kind, generation)
        paths = tuple((yield from core.download_plan(generation, directory)))
    except ImagegenError as exc:
        if exc.generation_id is None and generation_id is not None:
            exc.generation_id = generation_id
        code = str(getattr(exc, "code", None) or type(exc).__name__)
        log.failed(item.position, code, str(exc), retry_from=_retry_from(exc, generation_id, sent))
        logger.warning("batch item %d failed: %s", item.position + 1, exc)
        error: ImagegenError | None = exc
        paths = ()
    else:
        log.done(item.position, paths)
        error = None
    return BatchItem(
        index=item.position,
        prompt=prompt,
        status="done" if error is None else "failed",
        generation_id=generation_id,
        paths=paths,
        credits=credits,
        error=error,
    )


def _retry_from(exc: ImagegenError, generation_id: str | None, sent: bool) -> str:
    """Where a retry of a failed item starts (`Journal.failed`)."""
    if isinstance(exc, GenerationFailedError):
        return "queued"  # it ended failed (and refunded): only a new create can make it
    if isinstance(exc, NotFoundError) and generation_id is not None:
        return "queued"  # its account has no such generation (deleted?): nothing to wait for
    if generation_id is not None:
        return "created"  # a wait that timed out, a download that failed: it may yet be saved
    return "sending" if sent else "queued"


def interleave(plans: list[Stream[Any]], clock: Clock) -> Stream[Any]:
    """Run several plans as one: each runs until it sleeps, and the one whose sleep ends first
    runs next. Their other actions (requests, reads, results) pass through as they come, so
    one runner performs them all; a failure goes back to the plan whose action it was.

    The create lock (`WithCreateLock`) is not taken here: its plan runs in turn with the
    others. Each plan is of a client of its own account, so no two share a lock.
    """
    # Per plan, the stack of generators it runs (a create's plan on top of its worker's).
    stacks: list[list[Stream[Any]]] = [[plan] for plan in plans]
    ready: deque[tuple[int, Any, BaseException | None]] = deque(
        (index, None, None) for index in range(len(plans))
    )
    sleeping: list[tuple[float, int]] = []  # (wake at, index): a heap
    try:
        while ready or sleeping:
            if not ready:
                wake, index = heapq.heappop(sleeping)
                delay = wake - clock.monotonic()
                if delay > 0:
                    yield Sleep(delay)
                ready.append((index, None, None))
                continue
            index, outcome, failure = ready.popleft()
            stack = stacks[index]
            try:
                if failure is None:
                    action: Action | Emit[Any] = stack[-1].send(outcome)
                else:
                    action = stack[-1].throw(failure)
            except StopIteration as done:
                stack.pop()
                if stack:  # a nested plan returned: its value goes to the one below
                    ready.appendleft((index, done.value, None))
                continue
            except Exception as exc:
                stack.pop()
                if not stack:
                    raise
                ready.appendleft((index, None, exc))
                continue
            if isinstance(action, Sleep):
                heapq.heappush(sleeping, (clock.monotonic() + action.seconds, index))
            elif isinstance(action, WithCreateLock):
                stack.append(action.plan)
                ready.appendleft((index, None, None))
            elif isinstance(action, Emit):
                yield action
                ready.append((index, None, None))  # the others' turn, after a result
            else:
                try:
                    result = yield action
                except Exception as exc:  # the plan whose action it was decides
                    ready.appendleft((index, None, exc))
                else:
                    ready.appendleft((index, result, None))
    finally:
        for stack in stacks:
            while stack:
                stack.pop().close()
