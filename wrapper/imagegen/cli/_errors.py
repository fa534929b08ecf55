"""The CLI's own failures: what the wrapper cannot know about (a missing key, a missing file,
an interrupted wait) but the user must be told, with an exit code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._exit_codes import ExitCode

if TYPE_CHECKING:
    from .._errors import ImagegenError

__all__ = ["CommandError", "Interrupted", "Resumable"]


class CommandError(Exception):
    """A failure found by the CLI itself, with the exit code and the advice to print.

    `kind`: the error's `type` in the `--json` document, when not "CommandError"; `document`:
    more top-level members of that document (a failed save lists the generation and the files
    it did save)."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: ExitCode,
        code: str | None = None,
        hint: str | None = None,
        kind: str | None = None,
        document: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code
        self.hint = hint
        self.kind = kind or type(self).__name__
        self.document = dict(document or {})


class Interrupted(Exception):
    """Ctrl-C while a command was working; `generation_id` when a generation already exists.

    `message`: what to say instead of the default; `document`: more top-level members of the
    `--json` document (a batch's summary)."""

    def __init__(
        self,
        generation_id: str | None,
        resume_command: str | None,
        note: str | None = None,
        *,
        message: str | None = None,
        document: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(generation_id)
        self.generation_id = generation_id
        self.resume_command = resume_command
        self.note = note
        self.message = message
        self.document = dict(document or {})


class Resumable(Exception):
    """`error` happened once the generation existed: it is reported as usual, with the
    generation's id and the command that picks the wait up again (None when nothing can)."""

    def __init__(
        self,
        error: CommandError | ImagegenError,
        generation_id: str,
        resume_command: str | None,
        note: str | None = None,
    ) -> None:
        super().__init__(generation_id)
        self.error = error
        self.generation_id = generation_id
        self.resume_command = resume_command
        self.note = note
