"""What a client does, as it does it: one typed event per request, retry, pacing wait,
reconciliation, change of a wait's status and download.

Pass `on_event=` to `Client` or `AsyncClient`: a callable taking one event, called in the
calling thread (or event loop) the moment each happens. `Client` and `AsyncClient` send the
same events in the same order, since both run the same plans. A hook that raises never breaks
the call: the first failure is logged (with its traceback) and later ones are dropped.

The table of events (when each comes, what it holds) is in docs/client.md, "Events"; each
class below says the same in its docstring.

Every event is a frozen attrs record with a `kind` (the lowercase name: `"request"`, ...)
and `attributes()`, its fields as a flat dict of str, int, float and bool (None left out), as
OpenTelemetry's span events take them:

    from opentelemetry import trace
    client = Client(on_event=lambda e: trace.get_current_span().add_event(
        f"imagegen.{e.kind}", e.attributes()))

`import imagegen` does not import this module: a client with no hook never does.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeAlias

import attrs

__all__ = [
    "DownloadEvent",
    "Event",
    "PacingEvent",
    "ReconcileEvent",
    "RequestEvent",
    "RetryEvent",
    "StatusEvent",
]


class _Attributes:
    kind: ClassVar[str]

    def attributes(self) -> dict[str, str | int | float | bool]:
        """The fields as a flat dict (None left out), for a span event or a log record."""
        values: dict[str, Any] = attrs.asdict(self)  # type: ignore[arg-type]
        return {name: value for name, value in values.items() if value is not None}


@attrs.frozen(kw_only=True)
class RequestEvent(_Attributes):
    """An API request was answered (`status`), or failed with no answer (`error`)."""

    kind: ClassVar[str] = "request"
    operation: str
    method: str
    status: int | None
    request_id: str | None = None
    elapsed: float = 0.0
    error: str | None = None


@attrs.frozen(kw_only=True)
class RetryEvent(_Attributes):
    """A failed call is tried again after `delay` seconds (`attempt` 1 is the first retry)."""

    kind: ClassVar[str] = "retry"
    operation: str
    attempt: int
    delay: float
    cause: str


@attrs.frozen(kw_only=True)
class PacingEvent(_Attributes):
    """A create waits for the account's limits: room in the create `window`, the account's
    in-progress `lease` another client holds, or this client's own generation `in_progress`."""

    kind: ClassVar[str] = "pacing"
    limit: Literal["window", "lease", "in_progress"]
    seconds: float | None
    generation_id: str | None = None


@attrs.frozen(kw_only=True)
class ReconcileEvent(_Attributes):
    """A create whose outcome was unknown was looked for in listImages."""

    kind: ClassVar[str] = "reconcile"
    found: bool
    generation_id: str | None = None


@attrs.frozen(kw_only=True)
class StatusEvent(_Attributes):
    """A waited-for generation's status changed (or was first seen: `previous` None)."""

    kind: ClassVar[str] = "status"
    generation_id: str
    status: str
    previous: str | None = None


@attrs.frozen(kw_only=True)
class DownloadEvent(_Attributes):
    """An output was saved to `path` (`bytes` long), or given up on (`error`)."""

    kind: ClassVar[str] = "download"
    generation_id: str
    index: int
    path: str | None = None
    bytes: int = 0
    error: str | None = None


Event: TypeAlias = (
    RequestEvent | RetryEvent | PacingEvent | ReconcileEvent | StatusEvent | DownloadEvent
)

# kind -> class, for `_observe`.
BY_KIND: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (RequestEvent, RetryEvent, PacingEvent, ReconcileEvent, StatusEvent, DownloadEvent)
}
