"""The CLI's own failures: what the wrapper cannot know about (a missing key, a missing file,
an interrupted wait) but the user must be told, with an exit code."""

from __future__ import annotations

from ._exit_codes import ExitCode

__all__ = ["CommandError", "Interrupted"]


class CommandError(Exception):
    """A failure found by the CLI itself, with the exit code and the advice to print."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: ExitCode,
        code: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code
        self.hint = hint


class Interrupted(Exception):
    """Ctrl-C while a command was working; `generation_id` when a generation already exists."""

    def __init__(
        self,
        generation_id: str | None,
        resume_command: str | None,
        note: str | None = None,
    ) -> None:
        super().__init__(generation_id)
        self.generation_id = generation_id
        self.resume_command = resume_command
        self.note = note
