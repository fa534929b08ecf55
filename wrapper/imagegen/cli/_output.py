"""Where each thing the CLI says goes.

- Results: stdout. Under `--json`, stdout holds one JSON document and nothing else (`batch`:
  JSON lines, one object per line); the progress lines a human or a log may still want go to
  stderr.
- `-v` lines (`_verbose.py`): stderr, or above the live line when the terminal shows one.
- Errors: one line on stderr (and, under `--json`, an `{"error": ...}` document on stdout).
- On a terminal (stdout is a TTY, not `--json`), waits are shown live with rich. Without rich
  (the `cli` extra not installed) a terminal gets the plain lines a pipe gets: decided when
  the output is made, before any request, so nothing fails half-way for want of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from .._clock import Clock
from ._display import LiveProgress, PlainProgress, Progress, stream_is_terminal
from ._json_output import write_json, write_json_line

if TYPE_CHECKING:
    from .._types import Generation

__all__ = ["Output"]


class Output:
    def __init__(
        self, stdout: TextIO, stderr: TextIO, *, json_mode: bool, json_lines: bool = False
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.json_mode = json_mode
        self.json_lines = json_lines
        # Whether to render for a person at a terminal, with rich.
        self.terminal = not json_mode and stream_is_terminal(stdout) and _rich_available()
        self._console: Any = None
        # The console of a live view on stderr (`batch`), while it runs: notes go above it.
        self.live_console: Any = None

    @property
    def console(self) -> Any:
        """A rich Console on stdout; only ever made on a terminal, so rich stays optional."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stdout, highlight=False)
        return self._console

    def say(self, line: str) -> None:
        """A line for the human: stdout, or stderr under --json (stdout is the document's)."""
        if self.terminal:
            self.console.print(line, markup=False, soft_wrap=True)
        else:
            print(line, file=self.stderr if self.json_mode else self.stdout, flush=True)

    def result(self, line: str) -> None:
        """A result line; suppressed under --json, where the document carries it."""
        if not self.json_mode:
            self.say(line)

    def document(self, document: object) -> None:
        if self.json_mode:
            (write_json_line if self.json_lines else write_json)(self.stdout, document)

    def note(self, line: str) -> None:
        """A remark on the way (a retry, a back-off): above the live line on a terminal, on
        stderr anywhere else."""
        if self.live_console is not None:
            self.live_console.print(line, markup=False, style="dim", soft_wrap=True)
        elif self.terminal:
            self.console.print(line, markup=False, style="dim", soft_wrap=True)
        else:
            print(line, file=self.stderr, flush=True)

    def event(self, line: str) -> None:
        """A `-v` line: stderr's. Where a live display is drawn on the terminal stderr goes to,
        through the display's console, which prints it above the live line (a plain write
        there would be overwritten by the next redraw, or break it)."""
        if self.live_console is not None:  # `batch`'s live line, on stderr
            self.live_console.print(line, markup=False, highlight=False, soft_wrap=True)
        elif self.terminal and stream_is_terminal(self.stderr):
            # A wait's live line is drawn on stdout's console, and stderr is that terminal too.
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stderr, flush=True)

    def error(self, line: str) -> None:
        print(line, file=self.stderr, flush=True)

    def progress(
        self,
        clock: Clock,
        expected: Callable[[Generation | None], float | None],
        *,
        footer: str | None = None,
        started: float | None = None,
    ) -> Progress:
        """The view of a wait; its elapsed time counts from `started` (the clock's monotonic
        time; default: now)."""
        if self.terminal:
            return LiveProgress(self.console, clock, expected, footer=footer, started=started)
        stream = self.stderr if self.json_mode else self.stdout
        return PlainProgress(stream, clock, expected, started=started)


def _rich_available() -> bool:
    try:
        import rich.console
        import rich.live
        import rich.spinner
        import rich.table
        import rich.text  # noqa: F401 - every rich module the live view and the table use
    except ImportError:
        return False
    return True
