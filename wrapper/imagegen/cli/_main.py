"""`imagegen`: parse, run the command, turn any failure into one line and an exit code."""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from .._errors import APIError, GenerationFailedError, ImagegenError, InvalidRequestError
from ._commands import COMMANDS
from ._connect import connect, sandbox_extra_missing
from ._display import one_line
from ._errors import CommandError, Interrupted, Resumable
from ._exit_codes import ExitCode, exit_code_for, hint_for
from ._fields import cli_message, option_for
from ._output import Output
from ._parser import build_parser

__all__ = ["main"]

_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the process's arguments); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error argparse has printed
        return _exit_status(exit_.code)
    out = Output(
        sys.stdout,
        sys.stderr,
        json_mode=bool(getattr(args, "json", False)),
        # `batch --json` writes JSON lines: one object per item, then its summary.
        json_lines=args.command == "batch",
    )
    if args.command == "sandbox":  # uvicorn logs for itself
        return _run(args, out)
    # The client says when it retries or backs off (a 429 may mean a minute of waiting): show
    # that as notes, above the live line on a terminal, instead of raw log records.
    notes = _NotesHandler(out)
    logger = logging.getLogger("imagegen")
    logger.addHandler(notes)
    try:
        return _run(args, out)
    except BrokenPipeError:  # `imagegen list --json | head`: the reader left; say no more
        _silence_stdout()
        return ExitCode.ERROR
    finally:
        logger.removeHandler(notes)


def _run(args: argparse.Namespace, out: Output) -> int:
    try:
        if args.command == "sandbox":
            return _serve_sandbox(args, out)
        on_event = None
        if args.verbose:
            from ._verbose import printer

            on_event = printer(out)
        with connect(args, on_event) as connection:
            return COMMANDS[args.command](args, connection, out)
    except Interrupted as interrupted:
        return _report_interrupted(out, interrupted)
    except KeyboardInterrupt:
        return _report_interrupted(out, Interrupted(None, None))
    except Resumable as resumable:
        return _report_error(out, resumable.error, resumable)
    except (CommandError, ImagegenError) as error:
        return _report_error(out, error)


def _silence_stdout() -> None:
    # Python flushes stdout at exit and would complain of the broken pipe a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


class _NotesHandler(logging.Handler):
    def __init__(self, out: Output) -> None:
        super().__init__(logging.WARNING)
        self._out = out

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._out.note(f"imagegen: {record.getMessage()}")
        except Exception:  # a log line must never break the command
            self.handleError(record)


def _exit_status(code: object) -> int:
    if code is None:
        return ExitCode.OK
    if isinstance(code, int):
        return code
    return ExitCode.USAGE


def _serve_sandbox(args: argparse.Namespace, out: Output) -> int:
    try:
        from ..sandbox import serve
    except ImportError:
        raise sandbox_extra_missing() from None
    try:
        serve(port=args.port, speed=args.speed, seed=args.seed, out=out.stdout)
    except KeyboardInterrupt:  # the way to stop a server: not a failure
        pass
    except OSError as error:
        raise CommandError(
            f"cannot serve on 127.0.0.1:{args.port}: {error.strerror or error}",
            exit_code=ExitCode.ERROR,
            hint="pick another port with --port (0 picks any free one)",
        ) from None
    return ExitCode.OK


def _error_fields(error: CommandError | ImagegenError) -> dict[str, Any]:
    """What an error line and an `{"error": ...}` document say; never the key (the wrapper's
    errors do not hold it, and nothing here reads a request)."""
    # The library names its Python arguments; the user typed options.
    message = cli_message(error) if isinstance(error, InvalidRequestError) else None
    fields: dict[str, Any] = {
        "type": type(error).__name__,
        "code": None,
        "message": one_line(message or str(getattr(error, "message", None) or error)),
        "status_code": None,
        "request_id": None,
    }
    if isinstance(error, CommandError):
        fields.update(
            type=error.kind, exit_code=int(error.exit_code), code=error.code, hint=error.hint
        )
        return fields
    fields["exit_code"] = int(exit_code_for(error))
    fields["hint"] = None if isinstance(error, InvalidRequestError) else hint_for(error)
    code = getattr(error, "code", None)
    # A failed generation's code is its raw failure reason when that names no code (a
    # cancelled one says a sentence); the message carries that, `code` stays a code or None.
    fields["code"] = str(code) if code is not None and _CODE.fullmatch(str(code)) else None
    if isinstance(error, APIError):
        fields.update(status_code=error.status_code, request_id=error.request_id)
    if isinstance(error, InvalidRequestError) and error.field:
        fields["field"] = error.field
        fields["option"] = option_for(error.field)
    if isinstance(error, GenerationFailedError):
        generation = error.generation
        fields["generation_id"] = generation.id
        reason = generation.failure_reason
        if reason and reason not in fields["message"]:
            fields["message"] += f" ({one_line(reason, 200)})"
    return fields


def _report_error(
    out: Output, error: CommandError | ImagegenError, resumable: Resumable | None = None
) -> int:
    fields = _error_fields(error)
    if resumable is not None:
        fields.update(
            generation_id=resumable.generation_id,
            resume_command=resumable.resume_command,
            note=resumable.note if resumable.resume_command else None,
        )
    line = "imagegen: error: "
    if fields["code"]:
        line += f"{fields['code']}: "
    line += fields["message"].rstrip(".")
    where = []
    if fields["status_code"] is not None:
        where.append(f"HTTP {fields['status_code']}")
    if fields["request_id"]:
        where.append(f"request id {fields['request_id']}")
    if where:
        line += f" ({', '.join(where)})"
    line += "."
    if fields["hint"]:
        line += f" What to do: {fields['hint']}."
    out.error(line)
    if fields.get("resume_command"):
        out.error(f"resume with: {fields['resume_command']}")
        if fields["note"]:
            out.error(f"note: {fields['note']}")
    extra = error.document if isinstance(error, CommandError) else {}
    out.document({**extra, "error": fields})
    return int(fields["exit_code"])


def _report_interrupted(out: Output, interrupted: Interrupted) -> int:
    if interrupted.message is not None:
        message = interrupted.message
    elif interrupted.generation_id is None:
        message = "interrupted"
    else:
        message = (
            f"interrupted: stopped watching generation {interrupted.generation_id}; "
            "the generation goes on"
        )
    out.error(message)
    if interrupted.resume_command:
        out.error(f"resume with: {interrupted.resume_command}")
    if interrupted.note:
        out.error(f"note: {interrupted.note}")
    out.document(
        {
            **interrupted.document,
            "error": {
                "exit_code": int(ExitCode.INTERRUPTED),
                "type": "Interrupted",
                "code": "INTERRUPTED",
                "message": message,
                "generation_id": interrupted.generation_id,
                "resume_command": interrupted.resume_command,
                "note": interrupted.note,
            },
        }
    )
    return ExitCode.INTERRUPTED
