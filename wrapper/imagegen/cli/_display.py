"""How a wait is shown, and the small formatting helpers every command uses.

Two renderings of a wait. On a terminal, a rich live line redrawn ten times a second (status,
elapsed, expected). Anywhere else (a pipe, a log, a test), one plain line per status change, so
logs stay readable and greppable. rich is imported only when the live view is used.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import attrs

from .._clock import Clock

if TYPE_CHECKING:
    from .._types import Generation

__all__ = [
    "LiveProgress",
    "PlainProgress",
    "Progress",
    "SavedImage",
    "format_duration",
    "one_line",
    "stream_is_terminal",
]


@attrs.frozen
class SavedImage:
    path: Path
    size: tuple[int, int] | None

    def describe(self) -> str:
        return f"{self.path} ({self.size[0]}x{self.size[1]})" if self.size else str(self.path)


def stream_is_terminal(stream: TextIO) -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s"


def one_line(text: str, limit: int = 300) -> str:
    """`text` on one line, and not a page long (a 5xx body may be a whole HTML page)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class Progress(Protocol):
    """The view of one wait: started, told of each poll, stopped with a closing line."""

    def start(self) -> None: ...

    def update(self, generation: Generation) -> None: ...

    def stop(self, closing: str | None) -> None: ...

    @property
    def elapsed(self) -> float: ...


class _Timing:
    """Elapsed and expected time of a wait, on the client's clock (the sandbox's when sped up).

    Elapsed counts from `started` (a `clock.monotonic()` moment: when the create was answered)
    or else from when the view was made (when `imagegen wait` began). Never from the
    generation's `created_at`: that is the server's clock, which may be any distance from ours
    (a served sandbox's runs N times faster).
    """

    def __init__(
        self,
        clock: Clock,
        expected: Callable[[Generation | None], float | None],
        started: float | None = None,
    ) -> None:
        self._clock = clock
        self._expected = expected
        self._started = clock.monotonic() if started is None else started
        self.generation: Generation | None = None

    def observe(self, generation: Generation) -> None:
        self.generation = generation

    @property
    def elapsed(self) -> float:
        return self._clock.monotonic() - self._started

    @property
    def expected(self) -> float | None:
        return self._expected(self.generation)

    @property
    def status(self) -> str:
        return str(self.generation.status) if self.generation is not None else "waiting"


class PlainProgress:
    """One line per status change, for pipes and logs."""

    def __init__(
        self,
        stream: TextIO,
        clock: Clock,
        expected: Callable[[Generation | None], float | None],
        *,
        started: float | None = None,
    ) -> None:
        self._stream = stream
        self._timing = _Timing(clock, expected, started)
        self._last_status: str | None = None

    @property
    def elapsed(self) -> float:
        return self._timing.elapsed

    def start(self) -> None:
        pass

    def update(self, generation: Generation) -> None:
        self._timing.observe(generation)
        status = str(generation.status)
        # The end of a wait is said by the closing line, with the total time.
        if status == self._last_status or generation.is_terminal:
            return
        self._last_status = status
        detail = f"elapsed {format_duration(self._timing.elapsed)}"
        expected = self._timing.expected
        if expected is not None:
            detail += f", expected about {format_duration(expected)}"
        self._print(f"status: {status} ({detail})")

    def stop(self, closing: str | None) -> None:
        if closing:
            self._print(closing)

    def _print(self, line: str) -> None:
        print(line, file=self._stream, flush=True)


_STATUS_STYLES = {
    "starting": "yellow",
    "processing": "cyan",
    "succeeded": "bold green",
    "failed": "bold red",
}


class LiveProgress:
    """A live line on the terminal: spinner, status, elapsed and expected time."""

    def __init__(
        self,
        console: Any,  # rich.console.Console; rich is imported lazily
        clock: Clock,
        expected: Callable[[Generation | None], float | None],
        *,
        footer: str | None = None,
        started: float | None = None,
    ) -> None:
        self._console = console
        self._timing = _Timing(clock, expected, started)
        self._footer = footer
        self._live: Any = None
        self._spinner: Any = None

    @property
    def elapsed(self) -> float:
        return self._timing.elapsed

    def start(self) -> None:
        from rich.live import Live
        from rich.spinner import Spinner

        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            get_renderable=self._render,
            console=self._console,
            refresh_per_second=10,
            transient=True,  # the closing line replaces it
        )
        self._live.start()

    def update(self, generation: Generation) -> None:
        self._timing.observe(generation)

    def stop(self, closing: str | None) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        if closing:
            self._console.print(closing, highlight=False, markup=False, soft_wrap=True)

    def _render(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        status = self._timing.status
        line = Text()
        line.append(status, style=_STATUS_STYLES.get(status, "magenta"))
        line.append(f"  {format_duration(self._timing.elapsed)} elapsed", style="default")
        expected = self._timing.expected
        if expected is not None and self._timing.elapsed <= expected:
            line.append(f", expected about {format_duration(expected)}", style="dim")
        elif expected is not None:
            line.append(f", over the usual {format_duration(expected)}", style="dim")
        grid = Table.grid(padding=(0, 1))
        grid.add_row(self._spinner, line)
        if self._footer is None:
            return grid
        return Group(grid, Text(self._footer, style="dim"))
