"""What is known of a create at any moment, so Ctrl-C before it returns says the truth.

A create may take a while before it returns: the client paces it, backs off after a 429 (a
minute, if the API asks), and after a connection lost mid-request it waits, then looks in
listImages for what the request may have made. Ctrl-C can come at any of these points, and
what the user must be told differs: nothing was created, or the outcome is unknown, or the API
has not answered yet. The watch sees the create requests go and their answers come back (httpx
event hooks on the CLI's HTTP client) and the client's sleeps (through the clock it is given).

The client sends a create again only once the earlier attempts are known to have made nothing
(see `imagegen._retry`), so the latest attempt decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from .._clock import Clock
from .._errors import APIError
from .._operations import OPERATIONS, Kind
from .._retry import Outcome, decide
from .._spec.operations import OPERATIONS as SPEC_OPERATIONS

__all__ = ["CreateWatch", "WatchedClock"]

_LIST = "`imagegen list`"


# The method and path of every create (`_operations`: the operations that cost credits), as the
# spec gives them. None has a path parameter today; one that had would not match here.
_CREATES = frozenset(
    (facts["method"], facts["path"])
    for name, facts in SPEC_OPERATIONS.items()
    if OPERATIONS[name].kind is Kind.CREATE
)


def _is_create(request: httpx.Request) -> bool:
    path = request.url.path.rstrip("/")
    return any(request.method == method and path.endswith(end) for method, end in _CREATES)


class CreateWatch:
    """The latest create attempt: sent or not, its answer's status, whether the client has
    slept since (a back-off, or the wait before looking for a lost create)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = False
        self._status: int | None = None
        self._slept = False

    @property
    def event_hooks(self) -> dict[str, list[Callable[..., Any]]]:
        """For `httpx.Client(event_hooks=...)`."""
        return {"request": [self._on_request], "response": [self._on_response]}

    def _on_request(self, request: httpx.Request) -> None:
        if _is_create(request):
            with self._lock:
                self._sent, self._status, self._slept = True, None, False

    def _on_response(self, response: httpx.Response) -> None:
        if _is_create(response.request):
            with self._lock:
                self._status = response.status_code

    def slept(self) -> None:
        with self._lock:
            self._slept = True

    def interrupted_note(self) -> str:
        """What is known of the create, for a Ctrl-C before it returned."""
        with self._lock:
            sent, status, slept = self._sent, self._status, self._slept
        if not sent:
            return "nothing was created: the create had not been sent yet"
        if status is None and not slept:
            return (
                "the API had not answered yet; if the request reached it, the generation shows "
                f"in {_LIST}"
            )
        if status is None:
            why = "the connection failed before an answer came"
        elif 200 <= status <= 299:
            # A complete 2xx would have returned: this one broke off after its status line.
            why = f"the API's answer (HTTP {status}) broke off before the generation's id"
        elif decide(APIError("", status_code=status, code=""), creates=True) is not Outcome.RETRY:
            why = f"a gateway answered HTTP {status}, not the API"
        else:
            return (
                f"nothing was created: the API answered HTTP {status}, and the client was "
                "waiting to send the create again"
            )
        return f"the create's outcome is unknown ({why}); check with {_LIST}"


class WatchedClock:
    """The client's clock, telling the watch when the client sleeps."""

    def __init__(self, clock: Clock, watch: CreateWatch) -> None:
        self._clock = clock
        self._watch = watch

    def monotonic(self) -> float:
        return self._clock.monotonic()

    def time(self) -> float:
        return self._clock.time()

    def sleep(self, seconds: float) -> None:
        self._watch.slept()
        self._clock.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        self._watch.slept()
        await self._clock.asleep(seconds)
