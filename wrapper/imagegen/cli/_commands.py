"""The subcommands. Each takes the parsed arguments, a connection and the output, and returns
an exit code; failures are raised and turned into an error line by `_main`."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._download import DownloadError
from .._errors import (
    GenerationFailedError,
    ImagegenError,
    InvalidRequestError,
    NotFoundError,
    WaitTimeoutError,
)
from ._batch import cmd_batch
from ._connect import Connection
from ._display import SavedImage, format_duration, one_line
from ._errors import CommandError, Interrupted, Resumable
from ._exit_codes import ExitCode
from ._image_size import image_size
from ._json_output import to_jsonable
from ._out_dir import check_out_dir
from ._output import Output
from ._parser import DEFAULT_WAIT_TIMEOUT

if TYPE_CHECKING:
    from .._types import Generation

__all__ = ["COMMANDS"]

Command = Callable[[argparse.Namespace, Connection, Output], int]

_WATCH_FOOTER = "Ctrl-C stops watching; the generation goes on and can be resumed."


def _credits(count: int) -> str:
    return f"{count} credit" if count == 1 else f"{count} credits"


def _reference_images(values: Sequence[str] | None) -> list[str | Path]:
    """--image values: https (or http, refused by the wrapper with a clear message) URLs stay
    strings; anything else is a local file, checked here so a typo is named plainly."""
    images: list[str | Path] = []
    for value in values or ():
        if value.lower().startswith(("https://", "http://")):
            images.append(value)
            continue
        path = Path(value).expanduser()
        if not path.is_file():
            raise CommandError(
                f"--image {value}: no such file",
                exit_code=ExitCode.USAGE,
                hint="give a JPEG, PNG or WEBP file, or an https URL",
            )
        images.append(path)
    return images


def _resume_command(
    generation_id: str,
    args: argparse.Namespace,
    connection: Connection,
    out_dir: str | None,
) -> str | None:
    """The exact command that picks the wait up again; None when nothing could be resumed."""
    if connection.in_process_sandbox:
        return None
    parts = ["imagegen", "wait", generation_id]
    if out_dir is not None:
        parts += ["--out", out_dir]
    if args.timeout != DEFAULT_WAIT_TIMEOUT:
        parts += ["--timeout", f"{args.timeout:g}"]
    parts += connection.resume_options
    if args.json:
        parts.append("--json")
    return shlex.join(parts)


def _resume_note(connection: Connection) -> str | None:
    """What the user must know besides the resume command."""
    if connection.in_process_sandbox:
        return (
            "the in-process sandbox ended with this command, so there is nothing to resume; "
            "`imagegen sandbox` serves one that outlives a command"
        )
    if connection.key_from_flag:
        return "pass your key again with --api-key (it is never printed), or set IMAGEGEN_API_KEY"
    return None


def _expected_for_request(
    resolution: str | None, reference_images: int
) -> Callable[[Generation | None], float | None]:
    """How long a generation made with these parameters should take, as the polling expects."""
    from .._polling import expected_duration

    seconds = float(expected_duration(resolution, reference_images))
    return lambda generation: seconds


def _expected_for_generation(generation: Generation | None) -> float | None:
    """The same, for a generation known only by what getImage says (a resumed wait): the
    polling reads its resolution from the credit rule and its reference images from it."""
    from .._polling import PollSchedule

    if generation is None:
        return None
    return PollSchedule.for_generation(generation).expected


def cmd_generate(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    images = _reference_images(args.images)
    out_dir: str = args.out if args.out is not None else "."
    if args.out is not None or not args.no_wait:
        check_out_dir(out_dir)  # before the create: a charge must not buy an unsavable image
    # --timeout bounds the whole command: the create's back-offs (its retry budget is cut to
    # fit, see `_connect`) and then the wait, which gets what is left.
    started = connection.clock.monotonic()
    try:
        created = connection.client.images.create(
            args.prompt,
            images=images or None,
            # Checked against the spec while parsing (`_create_options`).
            **(args.create_options or {}),
        )
    except KeyboardInterrupt:
        raise Interrupted(None, None, connection.create_watch.interrupted_note()) from None
    except ImagegenError as error:
        # Should the library ever fail a create that did make a generation, it names it.
        made: object = getattr(error, "generation_id", None)
        if not isinstance(made, str):
            raise
        resume = _resume_command(made, args, connection, out_dir)
        raise Resumable(error, made, resume, _resume_note(connection)) from None
    answered = connection.clock.monotonic()  # the wait's elapsed time counts from here
    resume = _resume_command(created.id, args, connection, out_dir)
    if args.no_wait:
        # Every attribute of the answer (a field the spec adds shows with no edit here).
        out.document({**to_jsonable(created), "resume_command": resume})
        out.result(
            f"generation {created.id} created ({_credits(created.credit_cost)}), {created.status}"
        )
        if resume is not None:
            out.result(f"wait for it with: {resume}")
        return ExitCode.OK
    # The id first, before any waiting: whatever happens next, the generation can be found.
    out.say(f"generation {created.id} created ({_credits(created.credit_cost)})")
    remaining = max(0.0, args.timeout - (answered - started))
    return _resumable(
        created.id,
        resume,
        connection,
        out,
        lambda: _wait_and_save(
            created.id,
            args,
            connection,
            out,
            timeout=remaining,
            out_dir=Path(out_dir),
            resume=resume,
            expected=_expected_for_request(
                (args.create_options or {}).get("resolution"), len(images)
            ),
            started=answered,
        ),
    )


def cmd_wait(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    out_dir: str | None = args.out
    if out_dir is not None:
        check_out_dir(out_dir)  # before the wait, not after it
    resume = _resume_command(args.generation_id, args, connection, out_dir)
    out.say(f"waiting for generation {args.generation_id}")
    return _resumable(
        args.generation_id,
        resume,
        connection,
        out,
        lambda: _wait_and_save(
            args.generation_id,
            args,
            connection,
            out,
            timeout=args.timeout,
            out_dir=Path(out_dir) if out_dir is not None else None,
            resume=resume,
            expected=_expected_for_generation,
        ),
        waiting_for_known_id=False,
    )


def _resumable(
    generation_id: str,
    resume: str | None,
    connection: Connection,
    out: Output,
    run: Callable[[], int],
    *,
    waiting_for_known_id: bool = True,
) -> int:
    """Run the part of a command that follows the create: whatever fails there is reported
    with the generation's id and the command that picks the wait up again."""
    try:
        return run()
    except Interrupted:
        raise
    except (CommandError, ImagegenError) as error:
        if not _worth_resuming(error, waiting_for_known_id=waiting_for_known_id):
            raise
        raise Resumable(error, generation_id, resume, _resume_note(connection)) from None
    except Exception:  # a bug: it shows as one, but the generation must not be lost
        if resume is not None:
            out.error(f"imagegen: generation {generation_id} goes on; resume with: {resume}")
        raise


def _worth_resuming(error: BaseException, *, waiting_for_known_id: bool) -> bool:
    """Whether waiting again could end otherwise. Not for a generation that ended failed, nor,
    for `imagegen wait ID`, for an ID that is no generation."""
    if isinstance(error, GenerationFailedError):
        return False
    if waiting_for_known_id:
        return True
    if isinstance(error, NotFoundError):
        return False
    return not (isinstance(error, InvalidRequestError) and error.field == "generation_id")


def _wait_and_save(
    generation_id: str,
    args: argparse.Namespace,
    connection: Connection,
    out: Output,
    *,
    timeout: float,
    out_dir: Path | None,
    resume: str | None,
    expected: Callable[[Generation | None], float | None],
    started: float | None = None,
) -> int:
    progress = out.progress(connection.clock, expected, footer=_WATCH_FOOTER, started=started)
    progress.start()
    try:
        generation = connection.client.images.wait(
            generation_id, timeout=timeout, on_update=progress.update
        )
    except KeyboardInterrupt:
        progress.stop(f"stopped watching after {format_duration(progress.elapsed)}")
        raise Interrupted(generation_id, resume, _resume_note(connection)) from None
    except GenerationFailedError as error:
        progress.update(error.generation)
        progress.stop(f"status: failed after {format_duration(progress.elapsed)}")
        raise
    except WaitTimeoutError as error:
        status = error.last_status or "not finished"
        progress.stop(f"still {status} after {format_duration(progress.elapsed)}")
        raise CommandError(
            f"generation {generation_id} is still {status} after the --timeout of "
            f"{args.timeout:g} s",
            exit_code=ExitCode.WAIT_TIMEOUT,
            # The resume command is printed after the error line (see `_main`).
            hint="it may still finish: resume with the command below"
            if resume
            else "give it a longer --timeout",
        ) from None
    except BaseException:
        progress.stop(None)
        raise
    progress.update(generation)
    progress.stop(f"status: {generation.status} after {format_duration(progress.elapsed)}")
    if out_dir is None:
        for url in generation.output_images:
            out.result(f"output {url}")
        out.document({"generation": generation, "files": []})
        return ExitCode.OK
    return _save(generation, connection, out, out_dir, resume)


def _save(
    generation: Generation, connection: Connection, out: Output, out_dir: Path, resume: str | None
) -> int:
    errors: dict[str, str] = {}
    unsaved: str | None = None  # why nothing could be saved at all
    try:
        paths: Sequence[Path] = connection.client.images.download(generation, out_dir)
    except DownloadError as error:  # some saved, some not: show both
        paths, errors = error.files, dict(error.errors)
    except KeyboardInterrupt:
        raise Interrupted(generation.id, resume, _resume_note(connection)) from None
    except OSError as error:  # the directory went away or the disk filled since the check
        paths, unsaved = [], error.strerror or str(error)
    saved = [SavedImage(Path(path), image_size(Path(path))) for path in paths]
    for file in saved:
        out.result(f"saved {file.describe()}")
    if generation.output_failed:
        out.say(f"note: the service failed to make {generation.output_failed} of the outputs")
    files = [
        {
            "path": str(file.path),
            "width": file.size[0] if file.size else None,
            "height": file.size[1] if file.size else None,
        }
        for file in saved
    ]
    if saved and not errors and unsaved is None:
        out.document({"generation": generation, "files": files})
        return ExitCode.OK
    # The resume command, printed after the error line, tries the download again.
    hint = "try the download again" if resume else "run the command again"
    if unsaved is not None:
        message = f"the outputs could not be saved in {out_dir}: {unsaved}"
    elif errors:
        reasons = "; ".join(f"{url}: {one_line(reason, 200)}" for url, reason in errors.items())
        message = f"{len(errors)} output(s) could not be saved: {reasons}"
    else:
        message = f"generation {generation.id} succeeded but lists no output URL"
        hint = f"check later with: imagegen get {generation.id}"
    raise CommandError(
        message,
        exit_code=ExitCode.DOWNLOAD_FAILED,
        hint=hint,
        kind="DownloadError",
        document={"generation": generation, "files": files},
    )


def cmd_get(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    generation = connection.client.images.get(args.generation_id)
    out.document(generation)
    if not out.json_mode:
        for line in _describe_generation(generation):
            out.say(line)
    return ExitCode.OK


def _describe_generation(generation: Generation) -> list[str]:
    rows: list[tuple[str, object]] = [
        ("id", generation.id),
        ("status", generation.status),
        ("name", generation.name),
        ("prompt", generation.prompt),
        ("aspect ratio", generation.aspect_ratio),
        ("model", generation.model_provider),
        ("created", generation.created_at.isoformat()),
        ("credits", generation.credit_cost),
        ("failure", generation.failure_reason),
        ("total time", f"{generation.total_time:g}s" if generation.total_time else None),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{label + ':':<{width}}{value}" for label, value in rows if value is not None]
    for index, url in enumerate(generation.output_images):
        lines.append(f"{('outputs:' if index == 0 else ''):<{width}}{url}")
    for index, reference in enumerate(generation.image_input):
        lines.append(f"{('references:' if index == 0 else ''):<{width}}{reference}")
    return lines


def cmd_list(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    images = connection.client.images
    generations: tuple[Generation, ...]
    if args.all:
        generations = tuple(images.iter())
        out.document({"generations": generations, "total": len(generations)})
        total = len(generations)
    else:
        page = images.list(limit=args.limit, offset=args.offset)
        generations, total = page.generations, page.total
        out.document(page)
    if out.json_mode:
        return ExitCode.OK
    if out.terminal and generations:
        _print_table(out, generations)
    else:
        for generation in generations:
            created = generation.created_at.isoformat()
            out.say(
                f"{generation.id}  {generation.status!s:<10}  {created}  "
                f"{one_line(generation.prompt, 60)}"
            )
    shown = f"{len(generations)} of {total} generations"
    if not args.all and args.offset:
        shown += f", from offset {args.offset}"
    out.say(shown)
    return ExitCode.OK


def _print_table(out: Output, generations: Sequence[Generation]) -> None:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    # The id is what the user copies into `imagegen wait`/`get`: never cut it; cut the prompt.
    # Fits 80 columns with a dozen characters of prompt.
    table.add_column("id", no_wrap=True, min_width=36)
    table.add_column("status", no_wrap=True)
    table.add_column("created", no_wrap=True)
    table.add_column("prompt", overflow="ellipsis", no_wrap=True)
    for generation in generations:
        table.add_row(
            generation.id,
            str(generation.status),
            generation.created_at.strftime("%Y-%m-%d %H:%M"),
            one_line(generation.prompt, 60),
        )
    out.console.print(table)


def cmd_account(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    account = connection.client.account()
    out.document(account)
    if out.json_mode:
        return ExitCode.OK
    credits = account.credits
    sources = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("free", credits.free),
            ("purchased", credits.purchased),
            ("refunded", credits.refunded),
            ("redeemed", credits.redeemed),
            ("bonus", credits.bonus),
            ("affiliate", credits.affiliate),
        )
        if value
    )
    who = " ".join(
        part for part in (account.name, f"<{account.email}>" if account.email else None) if part
    )
    out.say(f"account: {who} ({account.id})" if who else f"account: {account.id}")
    out.say(f"credits: {credits.total}" + (f" ({sources})" if sources else ""))
    key = account.api_key
    if key.name or key.prefix:
        out.say(f"api key: {key.name or '(unnamed)'} ({key.prefix or '?'}...)")
    return ExitCode.OK


def cmd_ping(args: argparse.Namespace, connection: Connection, out: Output) -> int:
    status = connection.client.status()
    out.document(status)
    key = f", key {status.api_key_name!r}" if status.api_key_name else ""
    out.result(
        f"ok: {status.message or 'API connection successful'} (account {status.account_id}{key})"
    )
    return ExitCode.OK


COMMANDS: dict[str, Command] = {
    "generate": cmd_generate,
    "batch": cmd_batch,
    "wait": cmd_wait,
    "get": cmd_get,
    "list": cmd_list,
    "account": cmd_account,
    "ping": cmd_ping,
}
