"""`-v`/`--verbose`: every event of the client (`imagegen.events`) as one plain line on stderr.

    imagegen: request getImage 200 req_abc 12 ms
    imagegen: retry getStatus attempt 1 in 0.50 s (HTTP 503 SERVICE_UNAVAILABLE, ...)
    imagegen: pacing window 12.0 s
    imagegen: status 3f6c2a1e-... starting -> processing
    imagegen: download 3f6c2a1e-... #0 -> out/3f6c2a1e-...-0.png (123456 bytes)
    imagegen: reconcile found 3f6c2a1e-...

One formatting function per kind of event, here and nowhere else (`FORMATS`). A line is made
of the event's fields only: operations, ids, statuses, timings, paths and the library's own
one-line error summaries, which never hold the key. Where the line goes (above a live
display, or plain on stderr) is `Output.event`'s choice.

Imported only when `-v` is given, so a command without it never loads `imagegen.events`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ._display import one_line

if TYPE_CHECKING:
    from ..events import (
        DownloadEvent,
        Event,
        PacingEvent,
        ReconcileEvent,
        RequestEvent,
        RetryEvent,
        StatusEvent,
    )
    from ._output import Output

__all__ = ["FORMATS", "format_event", "printer"]

PREFIX: Final = "imagegen: "


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 1 else f"{value:.2f} s"


def _request(event: RequestEvent) -> str:
    parts = ["request", event.operation]
    parts.append("no answer" if event.status is None else str(event.status))
    if event.request_id:
        parts.append(event.request_id)
    parts.append(f"{event.elapsed * 1000:.0f} ms")
    line = " ".join(parts)
    # An answer's status says what happened; with none, the error is all there is to say.
    if event.status is None and event.error:
        line += f" ({event.error})"
    return line


def _retry(event: RetryEvent) -> str:
    return (
        f"retry {event.operation} attempt {event.attempt} in {_seconds(event.delay)} "
        f"({event.cause})"
    )


def _pacing(event: PacingEvent) -> str:
    if event.seconds is None:
        return f"pacing {event.limit} until {event.generation_id} finishes"
    line = f"pacing {event.limit} {_seconds(event.seconds)}"
    if event.generation_id:
        line += f" ({event.generation_id})"
    return line


def _reconcile(event: ReconcileEvent) -> str:
    if event.found:
        return f"reconcile found {event.generation_id}"
    return "reconcile not found (nothing was created)"


def _status(event: StatusEvent) -> str:
    if event.previous is None:
        return f"status {event.generation_id} {event.status}"
    return f"status {event.generation_id} {event.previous} -> {event.status}"


def _download(event: DownloadEvent) -> str:
    where = f"download {event.generation_id} #{event.index}"
    if event.error is not None:
        return f"{where} failed ({event.error})"
    return f"{where} -> {event.path} ({event.bytes} bytes)"


# kind -> its line; every kind of `imagegen.events.BY_KIND` has one (a test checks).
FORMATS: Final[dict[str, Callable[[Any], str]]] = {
    "request": _request,
    "retry": _retry,
    "pacing": _pacing,
    "reconcile": _reconcile,
    "status": _status,
    "download": _download,
}


def format_event(event: Event) -> str:
    """The `-v` line of `event`: one line, prefixed `imagegen: `."""
    return PREFIX + one_line(FORMATS[event.kind](event), 500)


def printer(out: Output) -> Callable[[Event], None]:
    """The `on_event` hook of a `-v` command: each event's line, through `out`."""

    def hook(event: Event) -> None:
        out.event(format_event(event))

    return hook
