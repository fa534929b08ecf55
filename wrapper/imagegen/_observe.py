"""A client's `on_event` hook: where every event is handed out (the events are `events`).

The plans call `Observer.emit(kind, **fields)` at each thing worth seeing; with no hook that is
one attribute test, and the events module is never imported (`import imagegen` and a client
without a hook do not pay for its classes). A hook that raises never breaks the call: its first
failure is logged with the traceback, later ones are dropped (a broken hook would otherwise
fill the log once per request).
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequestError

if TYPE_CHECKING:
    from .events import Event

__all__ = ["Observer", "OnEvent"]

logger = logging.getLogger("imagegen")

OnEvent = Callable[["Event"], object]


class Observer:
    """Calls the hook with each event, safely."""

    __slots__ = ("_failed", "hook")

    def __init__(self, hook: OnEvent | None) -> None:
        if hook is not None and not callable(hook):
            raise InvalidRequestError(
                f"on_event must be a callable taking one event, not {type(hook).__name__}",
                field="on_event",
            )
        self.hook = hook
        self._failed = False

    def emit(self, kind: str, **fields: Any) -> None:
        """Hand the hook the event of `kind` (`events.BY_KIND`) made of `fields`."""
        if self.hook is None:
            return
        from .events import BY_KIND

        event = BY_KIND[kind](**fields)
        handling = sys.exc_info()[1]
        try:
            outcome = self.hook(event)
        except Exception as exc:
            if exc.__context__ is handling is not None:
                # Emitted while the plan handles an error (a dropped connection, a 503): that
                # error is no part of the hook's failure, so its traceback is not logged with it.
                exc.__suppress_context__ = True
            self._failure(kind)
            return
        if inspect.isawaitable(outcome):
            # An `async def` hook: it is called, never awaited (it runs in the calling thread
            # or event loop, as every hook). Closed, so Python warns of no coroutine left over.
            close = getattr(outcome, "close", None)
            if close is not None:
                close()
            self._failure(kind, awaitable=True)

    def _failure(self, kind: str, *, awaitable: bool = False) -> None:
        if self._failed:
            return
        self._failed = True
        if awaitable:
            logger.error(
                "the on_event hook returned an awaitable on a %s event: it is called, not "
                "awaited, so make it a plain function; later failures of the hook are not logged",
                kind,
            )
            return
        logger.exception(
            "the on_event hook raised on a %s event; the call goes on, and later "
            "failures of the hook are not logged",
            kind,
        )
