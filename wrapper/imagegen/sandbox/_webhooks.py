"""Webhook delivery: the WebhookEvent POSTed to a generation's `webhook_url` when it ends.

Only loopback URLs are ever contacted; any other is recorded as not delivered. An attempt
that fails (no connection, or an answer that is not 2xx) is tried again after 1, 2, 4, 8 and
16 seconds of the sandbox clock: six attempts in all. Attempts run in a worker thread (so a
receiver on the caller's own event loop can answer), or inline when a transport is set
(`SandboxControl.webhook_transport`, e.g. an in-process app). Every attempt is recorded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from .._net import is_loopback_url

__all__ = ["BACKOFF", "WebhookDispatcher"]

BACKOFF: Final = (1.0, 2.0, 4.0, 8.0, 16.0)
_TIMEOUT: Final = 5.0


@dataclass
class _Pending:
    generation_id: str
    url: str
    payload: dict[str, Any]
    due_at: float
    attempt: int = 1


@dataclass
class WebhookDispatcher:
    now: Callable[[], float]  # the sandbox clock's monotonic()
    epoch: Callable[[], float]  # ... and its time()
    transport: httpx.BaseTransport | None = None
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    _pending: list[_Pending] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _idle: threading.Condition = field(init=False)
    _in_flight: int = 0
    _queue: queue.Queue[_Pending] = field(default_factory=queue.Queue)
    _worker: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._idle = threading.Condition(self._lock)

    def enqueue(self, generation_id: str, url: str, payload: dict[str, Any]) -> None:
        if not is_loopback_url(url):
            self._record(
                generation_id,
                url,
                payload,
                0,
                None,
                "not delivered: the sandbox posts webhooks to loopback hosts only",
            )
            return
        with self._lock:
            self._pending.append(_Pending(generation_id, url, payload, self.now()))

    def run_due(self) -> None:
        """Attempt every delivery that is due on the clock."""
        now = self.now()
        with self._lock:
            due = [item for item in self._pending if item.due_at <= now]
            self._pending = [item for item in self._pending if item.due_at > now]
            if self.transport is None:
                self._in_flight += len(due)
        for item in sorted(due, key=lambda item: item.due_at):
            if self.transport is not None:
                self._attempt(item, self.transport)
            else:
                self._ensure_worker()
                self._queue.put(item)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no attempt is running in the worker thread; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def records(self) -> list[dict[str, Any]]:
        """Every attempt so far, oldest first (copies)."""
        with self._lock:
            return [dict(record) for record in self.deliveries]

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    "generationId": p.generation_id,
                    "url": p.url,
                    "attempt": p.attempt,
                    "dueAt": p.due_at,
                }
                for p in self._pending
            ]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self.deliveries.clear()

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="imagegen-sandbox-webhooks", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                self._attempt(item, None)
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _attempt(self, item: _Pending, transport: httpx.BaseTransport | None) -> None:
        status: int | None = None
        error: str | None = None
        try:
            with httpx.Client(
                transport=transport, timeout=_TIMEOUT, trust_env=False, follow_redirects=False
            ) as http:
                response = http.post(
                    item.url,
                    json=item.payload,
                    headers={"User-Agent": "imagegen-sandbox-webhooks"},
                )
            status = response.status_code
        except Exception as exc:  # a failed attempt, whatever failed: recorded, retried
            error = f"{type(exc).__name__}: {exc}"
        delivered = status is not None and 200 <= status < 300
        self._record(item.generation_id, item.url, item.payload, item.attempt, status, error)
        if not delivered and item.attempt <= len(BACKOFF):
            retry = _Pending(
                item.generation_id,
                item.url,
                item.payload,
                self.now() + BACKOFF[item.attempt - 1],
                item.attempt + 1,
            )
            with self._lock:
                self._pending.append(retry)

    def _record(
        self,
        generation_id: str,
        url: str,
        payload: dict[str, Any],
        attempt: int,
        status: int | None,
        error: str | None,
    ) -> None:
        record = {
            "generationId": generation_id,
            "url": url,
            "attempt": attempt,
            "at": self.epoch(),
            "statusCode": status,
            "delivered": status is not None and 200 <= status < 300,
            "error": error,
            "payload": payload,
        }
        with self._lock:
            self.deliveries.append(record)
