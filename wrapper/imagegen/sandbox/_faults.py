"""Fault rules: what the sandbox does wrong on purpose, per operation, a counted number of
times (or every time), then forgets.

Kinds:

- `status`: answer `status` with a documented body (`code` in `shape`), or `body` as given; a
  429 or 503 asks for a wait of `seconds` of the sandbox clock (default 1) in `Retry-After`
  (and `X-RateLimit-Reset` for 429), unless `headers` set them;
- `latency`: wait `seconds` on the sandbox clock, then answer normally;
- `drop_before` / `drop_after`: break the connection before the request takes effect, or
  after (the state has changed, the client never hears of it);
- `drop_during`: the status line and half the body, then a broken connection (downloads);
- `truncate`: a complete HTTP answer whose body is cut in half (invalid JSON);
- `html`: an HTML error page, as a proxy in front of the API would send (502 by default);
- `non_json`: a body that is not JSON (status 200 by default);
- `status_value`: the generation(s) in the answer report the status `value` (e.g. `canceled`).

A dropped connection raises `ConnectionDropped` inside the app after sending the response
start: in-process transports turn it into `httpx.RemoteProtocolError`, and uvicorn, which has
started a response it cannot finish, closes the connection.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

from .._spec.operations import OPERATIONS as SPEC_OPERATIONS
from ._bodies import (
    CODES,
    DETAIL_SERVICE_UNAVAILABLE,
    BodyShape,
    error_body,
    status_of,
    unknown_code,
)
from ._routes import FILE_OPERATION

__all__ = [
    "FAULT_KINDS",
    "OPERATIONS",
    "ConnectionDropped",
    "FaultKind",
    "FaultRule",
    "make_rule",
]

FaultKind = Literal[
    "status",
    "latency",
    "drop_before",
    "drop_after",
    "drop_during",
    "truncate",
    "html",
    "non_json",
    "status_value",
]
FAULT_KINDS: Final[tuple[str, ...]] = get_args(FaultKind)
# Every operation of the spec, and the sandbox's own output files.
OPERATIONS: Final[tuple[str, ...]] = (*SPEC_OPERATIONS, FILE_OPERATION)
_SHAPES: Final = ("error", "message", "detail", "status")
_ids = itertools.count(1)


class ConnectionDropped(Exception):
    """Raised inside the sandbox app to break the connection (a fault rule)."""


@dataclass
class FaultRule:
    """One rule; `times` None means every matching call. `hits` counts the calls it changed."""

    id: int
    operation: str
    kind: FaultKind
    times: int | None = 1
    status: int | None = None
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    value: str | None = None
    hits: int = 0
    # A 429 or 503 without its own Retry-After / X-RateLimit-Reset: the wait those headers ask
    # for, in sandbox seconds (converted to the client's when answered).
    wait: float | None = None

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, operation: str | None) -> bool:
        if operation is None or self.exhausted:
            return False
        return self.operation in ("*", operation)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "kind": self.kind,
            "times": self.times,
            "hits": self.hits,
            "remaining": None if self.times is None else max(self.times - self.hits, 0),
            "status": self.status,
            "headers": dict(self.headers),
            "wait": self.wait,
            "seconds": self.seconds,
            "value": self.value,
            "body": self.body.decode("utf-8", "replace"),
        }


_HTML_PAGE: Final = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def make_rule(
    operation: str = "*",
    kind: str = "status",
    *,
    times: int | None = 1,
    status: int | None = None,
    code: str | None = None,
    shape: str = "error",
    body: object = None,
    headers: dict[str, str] | None = None,
    seconds: float = 0.0,
    value: str | None = None,
) -> FaultRule:
    """Check the arguments and build a rule; ValueError says what is wrong."""
    import json

    if operation != "*" and operation not in OPERATIONS:
        raise ValueError(f"operation is '*' or one of {', '.join(OPERATIONS)}, not {operation!r}")
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind is one of {', '.join(FAULT_KINDS)}, not {kind!r}")
    if times is not None and times < 1:
        raise ValueError("times is a positive count, or None for every call")
    if shape not in _SHAPES:
        raise ValueError(f"shape is one of {', '.join(_SHAPES)}, not {shape!r}")
    if code is not None and code not in CODES:
        raise ValueError(unknown_code(code, "code is"))
    if not 0 <= seconds <= 3600:
        raise ValueError("seconds is between 0 and 3600")
    if status is not None and not 100 <= status <= 599:
        raise ValueError("status is an HTTP status code")
    rule_headers = dict(headers or {})
    content_type = "application/json"
    payload = b""
    wait: float | None = None
    if kind == "status":
        if status is None:
            status = status_of(code) if code is not None else 500
        if body is not None:
            payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        elif code is not None:
            payload = json.dumps(error_body(code, _shape(shape))).encode()
        elif status == 503:
            payload = json.dumps({"detail": DETAIL_SERVICE_UNAVAILABLE}).encode()
        else:
            payload = json.dumps(error_body("INTERNAL_SERVER_ERROR", _shape(shape))).encode()
        if status in (429, 503):
            wait = seconds or 1.0
    elif kind == "html":
        status = status or 502
        content_type = "text/html"
        payload = (
            body.encode() if isinstance(body, str) else _HTML_PAGE.format(status=status).encode()
        )
    elif kind == "non_json":
        status = status or 200
        content_type = "text/plain; charset=utf-8"
        payload = body.encode() if isinstance(body, str) else b"upstream answered: OK"
    elif kind == "status_value":
        value = value or "canceled"
    return FaultRule(
        id=next(_ids),
        operation=operation,
        kind=kind,  # type: ignore[arg-type]
        times=times,
        status=status,
        body=payload,
        content_type=content_type,
        headers=rule_headers,
        seconds=seconds,
        value=value,
        wait=wait,
    )


def _shape(shape: str) -> BodyShape:
    return shape  # type: ignore[return-value]  # checked by make_rule
