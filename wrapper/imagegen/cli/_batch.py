"""`imagegen batch PROMPTS --out DIR`: `client.batch` from the command line.

Every item of PROMPTS (`_batch_input`) is generated into DIR, durably: the library's journal
(DIR/imagegen-batch.sqlite3, or `--journal`) records each step before it is taken, so the same
command run again (after a Ctrl-C, a crash, a failure) goes on where the last run stopped,
charging no item twice. What this module adds is what a person or a script sees:

- each item as it ends: a line (`item 3 of 10 done: ...`), and under `--json` one JSON object
  a line on stdout (JSON lines), ending with a summary object;
- on a terminal (stderr is one, rich installed), a live line below them: done and failed
  counts, credits, elapsed time and an estimate of the time left (`eta_seconds`);
- at the end, a summary (counts, failure codes, credits, where things are) and, if any item
  is not done, the command that goes on (with `--retry-failed` for failed items); exit 0 only
  when every item is done, else `BATCH_INCOMPLETE`;
- Ctrl-C: the batch stops cleanly (closing the library's iterator runs its cleanup: nothing is
  half-recorded), and the counts and the resume command are printed; exit 130.

Counts before the run and after it come from the journal, read without its lock
(`JournalView`): a running batch holds the lock, and counts during the run are the items this
run has handed out.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from .._errors import InvalidRequestError
from ._batch_input import PromptSource, read_keys_file
from ._connect import Connection
from ._display import format_duration, one_line, stream_is_terminal
from ._errors import CommandError, Interrupted
from ._exit_codes import ExitCode, exit_code_for, hint_for
from ._out_dir import check_out_dir
from ._output import Output, _rich_available
from ._parser import DEFAULT_WAIT_TIMEOUT

if TYPE_CHECKING:
    from .._batch import BatchItem
    from .._core import GenerateItem
    from .._errors import ImagegenError
    from .._journal import JournalView

__all__ = ["cmd_batch", "eta_seconds"]

# The docs' time for one generation (text to image, the lower end of one to two minutes): the
# estimate before any item of this run has ended.
DOCS_SECONDS_PER_GENERATION: Final = 60.0
_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
_BATCH_ITEM = re.compile(r"batch item (\d+): (.*)", re.S)
_SHARED_ACCOUNT = re.compile(r"keys (\d+) and (\d+) of the batch \(counting the client's as 1\)")


def eta_seconds(
    left: int,
    finished: int,
    elapsed: float,
    accounts: int,
    *,
    min_per_item: float,
    since_last: float = 0.0,
) -> float:
    """Seconds until `left` more items end, on `accounts` accounts working one item each at a
    time: `left` x (seconds an item takes) / `accounts`.

    An item takes as long as this run's have on average (`finished` items ended `elapsed`
    seconds into the run, spread over the accounts), and never less than the account's rate
    bound allows (`min_per_item`: 6 s for 10 creates a minute); before any has ended, the docs'
    time for a generation. The `since_last` seconds since the last item ended (or since the
    start) are counted off, as the items in progress are that far along, but never below what
    the items not yet begun need."""
    if left <= 0:
        return 0.0
    accounts = max(1, accounts)
    if finished <= 0:
        per_item = DOCS_SECONDS_PER_GENERATION
    else:
        per_item = max(elapsed * accounts / finished, min_per_item)
    not_begun = left - min(accounts, left)
    return max(left * per_item / accounts - since_last, not_begun * per_item / accounts)


def _min_seconds_per_item() -> float:
    from .._pacing import Pacing

    pacing = Pacing()
    return pacing.window / pacing.creates_per_window


class _Tally:
    """Where the batch stands while it runs: the journal's counts from before this run, and the
    items this run has handed out since."""

    def __init__(self, source: PromptSource, before: dict[str, int], retry_failed: bool) -> None:
        self.source = source
        self.done_before = before["done"]
        # --retry-failed puts the failed items back: they are to do again.
        self.failed_before = 0 if retry_failed else before["failed"]
        self.done = 0
        self.failed = 0
        self.credits = 0
        self.started: float | None = None  # when the items were all read (the clock's)
        self.last_ended: float | None = None  # when this run's last item ended

    @property
    def total(self) -> int | None:
        return self.source.count if self.source.exhausted else None

    @property
    def left(self) -> int | None:
        total = self.total
        if total is None:
            return None
        return max(0, total - self.done_before - self.failed_before - self.done - self.failed)

    def record(self, item: BatchItem, now: float) -> None:
        self.last_ended = now
        if item.ok:
            self.done += 1
            self.credits += item.credits
        else:
            self.failed += 1


class _View:
    """How the run is shown: a line per item, and on a terminal a live line below them."""

    def __init__(self, out: Output, connection: Connection, tally: _Tally, accounts: int) -> None:
        self._out = out
        self._clock = connection.clock
        self._tally = tally
        self._accounts = accounts
        self._min_per_item = _min_seconds_per_item()
        self._live: Any = None
        self._console: Any = None
        self._spinner: Any = None
        # A live view on stderr, when a person watches it there.
        self._use_live = stream_is_terminal(out.stderr) and _rich_available()

    def start(self) -> None:
        if not self._use_live:
            return
        from rich.console import Console
        from rich.live import Live
        from rich.spinner import Spinner

        self._console = Console(file=self._out.stderr, highlight=False)
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            get_renderable=self._render,
            console=self._console,
            refresh_per_second=4,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()
        self._out.live_console = self._console

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        self._out.live_console = None

    def item(self, item: BatchItem) -> None:
        line = _item_line(item, self._tally.total)
        if self._out.json_mode:
            self._out.document(_item_document(item))
        # The human line: above the live line when stdout shares its terminal (or stdout is
        # the JSON lines'), else plain on stdout (or stderr under --json), as a log wants it.
        if self._live is not None and (self._out.json_mode or self._out.terminal):
            self._console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            self._out.say(line)
        if self._live is not None:
            self._live.refresh()  # the counts with this item, at once

    def _render(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        tally = self._tally
        text = Text()
        total = tally.total
        if total is None:
            text.append(f"reading the items: {tally.source.count}")
        else:
            done = tally.done_before + tally.done
            text.append(f"{done} of {total} done", style="bold green" if done else "default")
            if tally.failed or tally.failed_before:
                text.append(f", {tally.failed_before + tally.failed} failed", style="bold red")
            plural = "" if tally.credits == 1 else "s"
            text.append(f", {tally.credits} credit{plural} this run")
            if tally.started is not None:
                now = self._clock.monotonic()
                text.append(f"  {format_duration(now - tally.started)} elapsed", style="dim")
                left = tally.left or 0
                if left:
                    last = tally.last_ended if tally.last_ended is not None else tally.started
                    eta = eta_seconds(
                        left,
                        tally.done + tally.failed,
                        last - tally.started,
                        self._accounts,
                        min_per_item=self._min_per_item,
                        since_last=now - last,
                    )
                    text.append(f", about {format_duration(eta)} left", style="dim")
        grid = Table.grid(padding=(0, 1))
        grid.add_row(self._spinner, text)
        return grid


def cmd_batch(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    from .._journal import JOURNAL_NAME

    keys: list[str] = []
    key_lines: list[int] = []
    if args.keys_file is not None:
        if connection.in_process_sandbox:
            raise CommandError(
                "--keys-file cannot be used with --sandbox: the in-process sandbox has one account",
                exit_code=ExitCode.USAGE,
                hint="serve a sandbox with `imagegen sandbox` and add accounts to it (its "
                "control surface, see docs/sandbox.md), or leave --keys-file out",
            )
        keys, key_lines = read_keys_file(args.keys_file)
    check_out_dir(args.out)  # before anything: a batch must not buy images it cannot save
    journal = Path(args.journal) if args.journal is not None else Path(args.out) / JOURNAL_NAME
    fresh = not journal.exists()
    if not fresh and connection.sandbox is not None:
        # This sandbox, made for this command, would give the ids the last run's gave (the same
        # seed): an item created now would get, and save over, the files of one done then.
        connection.sandbox.unseed_ids()
    with PromptSource(args.prompts, sys.stdin) as source:
        tally = _Tally(source, _journal_counts(journal), args.retry_failed)
        view = _View(out, connection, tally, accounts=1 + len(keys))
        items = connection.client.batch(
            # A JSON line's keys are checked by the library, as any dict item's are.
            cast("Iterator[GenerateItem]", _timed(source, tally, connection)),
            out=args.out,
            journal=args.journal,
            keys=keys,
            timeout=args.timeout,
            retry_failed=args.retry_failed,
        )
        view.start()
        try:
            with _quiet_item_warnings():
                for item in items:
                    tally.record(item, connection.clock.monotonic())
                    view.item(item)
        except KeyboardInterrupt:
            _close(items)
            view.stop()
            _forget_if_unused(journal, fresh)
            raise _interrupted(args, connection, out, journal, tally) from None
        except BaseException as error:
            _close(items)
            view.stop()
            _forget_if_unused(journal, fresh)
            if isinstance(error, InvalidRequestError):
                raise _in_cli_terms(error, source, key_lines) from None
            raise
        finally:
            _close(items)
            view.stop()
    return _summary(args, connection, out, journal, tally)


def _timed(
    source: PromptSource, tally: _Tally, connection: Connection
) -> Iterator[str | dict[str, Any]]:
    """The items, and the moment the last was read: the run's elapsed time counts from it."""
    yield from source
    tally.started = connection.clock.monotonic()


def _close(items: Iterator[BatchItem]) -> None:
    """Stop the library's iterator: its plan's cleanup runs (the journal is closed)."""
    close = getattr(items, "close", None)
    if close is not None:
        close()


@contextlib.contextmanager
def _quiet_item_warnings() -> Iterator[None]:
    """The library logs each failed item as a warning, which the CLI would show as a note:
    the item's own line says it already."""

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("batch item ")

    logger = logging.getLogger("imagegen")
    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _open_view(journal: Path) -> JournalView | None:
    from .._journal import JournalView

    return JournalView.open(journal)


def _journal_counts(journal: Path) -> dict[str, int]:
    view = _open_view(journal)
    if view is None:
        return dict.fromkeys(("queued", "sending", "created", "done", "failed"), 0)
    with view:
        return view.counts()


def _forget_if_unused(journal: Path, fresh: bool) -> None:
    """A journal this run made and then stopped before sending anything (a bad line, a bad
    key, Ctrl-C while reading) holds only queued items: it is removed, so that a corrected
    PROMPTS is not taken for another batch's."""
    if not fresh:
        return
    with contextlib.suppress(InvalidRequestError, OSError):
        view = _open_view(journal)
        if view is not None:
            with view:
                counts = view.counts()
            if any(count for state, count in counts.items() if state != "queued"):
                return
        for suffix in ("", "-wal", "-shm", ".lock"):
            journal.with_name(journal.name + suffix).unlink(missing_ok=True)


def _in_cli_terms(
    error: InvalidRequestError, source: PromptSource, key_lines: list[int]
) -> CommandError | InvalidRequestError:
    """The library's refusals of an item or a key, with the line of PROMPTS or of the keys
    file they are about."""
    item = _BATCH_ITEM.fullmatch(error.message)
    if item is not None:
        number = int(item.group(1))
        problem = item.group(2).replace("a generate_many item must be", "an item must be", 1)
        hint = None
        if source.jsonl:
            from .._spec.create import CREATE_OPTIONS

            hint = "each line's keys are generate()'s arguments: " + ", ".join(
                ["prompt", "images", *CREATE_OPTIONS]
            )
        return CommandError(
            f"PROMPTS {source.where(number)}: {problem}", exit_code=ExitCode.USAGE, hint=hint
        )
    shared = _SHARED_ACCOUNT.match(error.message)
    if error.field == "keys" and shared is not None:

        def which(number: int) -> str:
            if number == 1:
                return "the key of --api-key / IMAGEGEN_API_KEY"
            return f"the key on line {key_lines[number - 2]} of --keys-file"

        first, second = int(shared.group(1)), int(shared.group(2))
        rest = error.message[shared.end() :].lstrip()
        return CommandError(
            f"{which(first)} and {which(second)} {rest}",
            exit_code=ExitCode.USAGE,
            hint="list one key per account in --keys-file, none of the main key's account",
        )
    return error


def _error_fields(error: ImagegenError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    code = getattr(error, "code", None)
    return {
        "type": type(error).__name__,
        "code": str(code) if code is not None and _CODE.fullmatch(str(code)) else None,
        "message": one_line(str(getattr(error, "message", None) or error)),
        "exit_code": int(exit_code_for(error)),
        "hint": hint_for(error),
    }


def _item_document(item: BatchItem) -> dict[str, Any]:
    return {
        "type": "item",
        "item": item.index + 1,
        "prompt": item.prompt,
        "status": item.status,
        "generation_id": item.generation_id,
        "paths": [str(path) for path in item.paths],
        "credits": item.credits,
        "error": _error_fields(item.error),
    }


def _item_line(item: BatchItem, total: int | None) -> str:
    where = f"item {item.index + 1}" + (f" of {total}" if total is not None else "")
    prompt = one_line(item.prompt, 60)
    if item.ok:
        credits = f"{item.credits} credit{'' if item.credits == 1 else 's'}"
        saved = ", ".join(str(path) for path in item.paths) or "no output"
        return f"{where} done: {prompt!r} ({credits}) -> {saved}"
    fields = _error_fields(item.error) or {}
    reason = fields.get("message") or "failed"
    if fields.get("code") and fields["code"] not in reason:
        reason = f"{fields['code']}: {reason}"
    return f"{where} failed: {prompt!r}: {one_line(reason, 200)}"


def _resume_command(args: argparse.Namespace, connection: Connection, *, retry_failed: bool) -> str:
    """The command that goes on with this batch: its PROMPTS, --out, --journal, --keys-file
    (the file, never a key), --timeout, the connection's options and --json."""
    parts = ["imagegen", "batch", args.prompts, "--out", args.out]
    if args.journal is not None:
        parts += ["--journal", args.journal]
    if args.keys_file is not None:
        parts += ["--keys-file", args.keys_file]
    if args.timeout != DEFAULT_WAIT_TIMEOUT:
        parts += ["--timeout", f"{args.timeout:g}"]
    if retry_failed:
        parts.append("--retry-failed")
    if connection.in_process_sandbox:
        parts.append("--sandbox")
        if args.sandbox_speed is not None:
            parts += ["--sandbox-speed", f"{args.sandbox_speed:g}"]
    parts += connection.resume_options
    if args.json:
        parts.append("--json")
    return shlex.join(parts)


def _resume_notes(
    args: argparse.Namespace, connection: Connection, *, interrupted: bool
) -> list[str]:
    notes = []
    if args.prompts == "-":
        notes.append("give it the same items on stdin, in the same order")
    if connection.key_from_flag:
        notes.append(
            "pass your key again with --api-key (it is never printed), or set IMAGEGEN_API_KEY"
        )
    if connection.in_process_sandbox and interrupted:
        notes.append(
            "the in-process sandbox ended with this command: items done stay done, but a "
            "generation it had in progress is gone (its item will fail); `imagegen sandbox` "
            "serves one that outlives a command"
        )
    return notes


def _final_counts(journal: Path) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    view = _open_view(journal)
    if view is None:
        zero = dict.fromkeys(("queued", "sending", "created", "done", "failed"), 0)
        return zero, dict(zero), {}
    with view:
        return view.counts(), view.credits_by_state(), view.failed_codes()


def _summary_document(
    args: argparse.Namespace,
    connection: Connection,
    journal: Path,
    tally: _Tally,
    *,
    interrupted: bool,
) -> tuple[dict[str, Any], list[str]]:
    """The summary (for --json) and its lines (for people)."""
    counts, credits, codes = _final_counts(journal)
    total = sum(counts.values())
    done, failed = counts["done"], counts["failed"]
    left = total - done - failed
    complete = total > 0 and done == total
    if interrupted or left:
        resume: str | None = _resume_command(args, connection, retry_failed=args.retry_failed)
    else:
        resume = None
    retry = _resume_command(args, connection, retry_failed=True) if failed else None
    if interrupted:
        exit_code = ExitCode.INTERRUPTED
    else:
        exit_code = ExitCode.OK if complete else ExitCode.BATCH_INCOMPLETE
    document: dict[str, Any] = {
        "type": "summary",
        "total": total,
        "done": done,
        "failed": failed,
        "left": left,
        "failed_codes": codes,
        "credits": credits["done"],
        "credits_of_failed": credits["failed"],
        "this_run": {"done": tally.done, "failed": tally.failed, "credits": tally.credits},
        "out": args.out,
        "journal": str(journal),
        "exit_code": int(exit_code),
        "resume_command": resume,
        "retry_failed_command": retry,
    }
    run = f"this run: {tally.done} done, {tally.failed} failed"
    if complete:
        lines = [f"all {total} items done ({run})"]
    else:
        counted = f"{total} items: {done} done, {failed} failed"
        if codes:
            counted += " (" + ", ".join(f"{code} {count}" for code, count in codes.items()) + ")"
        lines = [f"{counted}, {left} left ({run})"]
    spent = f"credits: {credits['done']}"
    if credits["failed"]:
        spent += (
            f", and {credits['failed']} for the failed items (a failed generation's are refunded)"
        )
    lines.append(spent)
    lines.append(f"images in {args.out}, journal {journal}")
    if failed and not interrupted:
        noun = "item" if failed == 1 else "items"
        lines.append(f"{failed} {noun} failed; to try again: {retry}")
    if left and not interrupted:
        lines.append(f"{left} not finished; to go on: {resume}")
    return document, lines


def _summary(
    args: argparse.Namespace, connection: Connection, out: Output, journal: Path, tally: _Tally
) -> int:
    document, lines = _summary_document(args, connection, journal, tally, interrupted=False)
    for line in lines:
        out.say(line)
    if document["resume_command"] or document["retry_failed_command"]:
        for note in _resume_notes(args, connection, interrupted=False):
            out.say(f"note: {note}")
    out.document(document)
    return int(document["exit_code"])


def _interrupted(
    args: argparse.Namespace, connection: Connection, out: Output, journal: Path, tally: _Tally
) -> Interrupted:
    document, lines = _summary_document(args, connection, journal, tally, interrupted=True)
    for line in lines[1:]:  # the counts are the message's
        out.say(line)
    if tally.total is None:
        message = f"interrupted while reading the items ({tally.source.count} read)"
    else:
        message = (
            f"interrupted: {document['done']} of {document['total']} items done, "
            f"{document['left']} left"
        )
        if document["failed"]:
            message += f", {document['failed']} failed"
        # The generation being waited for goes on at the API; the resume waits for it by id.
        message += "; the batch goes on where it stopped when run again"
    notes = _resume_notes(args, connection, interrupted=True)
    return Interrupted(
        None,
        document["resume_command"],
        "; ".join(notes) if notes else None,
        message=message,
        document=document,
    )
