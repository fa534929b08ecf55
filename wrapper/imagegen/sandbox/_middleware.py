"""The ASGI layer around every request: X-Request-ID and Date on every answer, the clock brought
up to date, fault rules applied, answers counted per operation and status, and any unexpected
exception turned into the documented INTERNAL_SERVER_ERROR body.

`Date` is the sandbox clock's now, the clock every moment in a body (createdAt, timestamp) is
on, so a client can tell the sandbox's time from any answer; served by uvicorn, uvicorn's own
Date (real time) is switched off (`_server`), so there is exactly one.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

from ._bodies import error_body, json_bytes
from ._control import SandboxControl
from ._faults import ConnectionDropped, FaultRule
from ._lifecycle import http_date
from ._routes import OperationIndex

__all__ = ["SandboxMiddleware", "operation_of"]

Message: TypeAlias = MutableMapping[str, Any]
Scope: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]


def operation_of(method: str, path: str) -> str | None:
    """The spec's operationId of a request (`getFile` for output files); None otherwise."""
    return OperationIndex.from_spec().of(method, path)


class _Captured:
    """What the app sent, held back so a fault can change it."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def headers_without_length(self) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in self.headers if k.lower() != b"content-length"]


class SandboxMiddleware:
    def __init__(
        self, app: ASGIApp, control: SandboxControl, operations: OperationIndex | None = None
    ) -> None:
        self.app = app
        self.control = control
        # The app's own operations (what `create_app` routes); the spec's when not given.
        self.operations = operations if operations is not None else OperationIndex.from_spec()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        control = self.control
        control.tick()
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        operation = self.operations.of(scope["method"], path)
        request_id = control.next_request_id().encode()
        status_sent: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status_sent
            if message["type"] == "http.response.start":
                status_sent = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id))
                # The moment it is answered, on the sandbox's clock (a latency fault has moved
                # it since the request came in); unless a fault rule's headers give a Date.
                if not any(k.lower() == b"date" for k, _ in headers):
                    headers.append((b"date", http_date(control.clock.time()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        rules = control.take_faults(operation)
        try:
            await self._serve(scope, receive, send_with_id, rules)
        except ConnectionDropped:
            if operation is not None:
                control.count(operation, "dropped")
            raise
        except Exception:
            if status_sent is not None:
                raise
            await _send_json(send_with_id, 500, error_body("INTERNAL_SERVER_ERROR"))
        if operation is not None and status_sent is not None:
            control.count(operation, str(status_sent))

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, rules: list[FaultRule]
    ) -> None:
        latency = sum(rule.seconds for rule in rules if rule.kind == "latency")
        if latency:
            await self.control.clock.asleep(latency)
            self.control.tick()
        rule = next((rule for rule in rules if rule.kind != "latency"), None)
        if rule is None:
            await self.app(scope, receive, send)
            return
        kind = rule.kind
        if kind in ("status", "html", "non_json"):
            headers = [(b"content-type", rule.content_type.encode())]
            given = {name.lower() for name in rule.headers}
            if rule.wait is not None:
                waits = self.control.wait_headers(rule.wait)
                if rule.status != 429:
                    del waits["X-RateLimit-Reset"]
                headers += [
                    (k.lower().encode(), v.encode())
                    for k, v in waits.items()
                    if k.lower() not in given
                ]
            headers += [(k.lower().encode(), v.encode()) for k, v in rule.headers.items()]
            await _send(send, rule.status or 500, headers, rule.body)
            return
        if kind == "drop_before":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise ConnectionDropped("sandbox fault: connection dropped before the request")
        captured = _Captured()
        await self.app(scope, receive, captured.send)
        body = bytes(captured.body)
        if kind == "drop_after":
            await send({"type": "http.response.start", "status": captured.status, "headers": []})
            raise ConnectionDropped("sandbox fault: connection dropped after the request")
        if kind == "drop_during":
            await send(
                {
                    "type": "http.response.start",
                    "status": captured.status,
                    "headers": captured.headers,
                }
            )
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
            )
            raise ConnectionDropped("sandbox fault: connection dropped during the body")
        if kind == "truncate":
            body = body[: len(body) // 2]
        elif kind == "status_value":
            body = _with_status(body, rule.value or "canceled")
        await _send(send, captured.status, captured.headers_without_length(), body)


def _with_status(body: bytes, value: str) -> bytes:
    """The answer with every generation's `status` replaced by `value`."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    data = document.get("data") if isinstance(document, dict) else None
    if isinstance(data, dict):
        if "status" in data:
            data["status"] = value
        for item in data.get("generations") or []:
            if isinstance(item, dict):
                item["status"] = value
    return json_bytes(document)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_json(send: Send, status: int, body: object) -> None:
    await _send(send, status, [(b"content-type", b"application/json")], json_bytes(body))
