"""Support for the client tests (no tests in here): a scripted httpx transport for exact faults.

Each request takes the next scripted answer (a response, or an exception to raise), and every
request is recorded with the virtual time it was sent at. Used by the retry, reconcile, client
and secrets tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from imagegen import AsyncClient, Client, VirtualClock

BASE_URL = "https://api.test/v1"
API_KEY = "sk-test-0123456789abcdef"
GENERATION_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
OTHER_ID = "9b2d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def error(status: int, code: str | None = None, **headers: str) -> httpx.Response:
    body: dict[str, Any] = (
        {"success": False, "error": code, "message": f"{code} happened."}
        if code
        else {"detail": "Service temporarily unavailable"}
    )
    return httpx.Response(status, json=body, headers={"X-Request-ID": f"req_{status}", **headers})


def ok(data: dict[str, Any], status: int = 200, **extra: Any) -> httpx.Response:
    return httpx.Response(
        status, json={"success": True, **extra, "data": data}, headers={"X-Request-ID": "req_ok"}
    )


# What every generation the API reports carries (the spec's required fields), with values for
# a just-made text-to-image generation; `createdAt` is the VirtualClock's start, as a server
# would write it.
GENERATION_FIELDS: dict[str, Any] = {
    "name": None,
    "prompt": "A lighthouse on a cliff at dusk",
    "aspectRatio": "1:1",
    "modelProvider": "imagegen",
    "outputNumber": 1,
    "outputSuccess": 0,
    "outputFailed": 0,
    "currentImage": 0,
    "deletedImage": 0,
    "outputImages": [],
    "creditCost": 1,
    "failureReason": None,
    "createdAt": "2027-01-15T08:00:00Z",
    "isPublic": False,
    "imageInput": [],
}


def generation(
    generation_id: str = GENERATION_ID, status: str = "succeeded", **fields: Any
) -> dict[str, Any]:
    return {"generationId": generation_id, "status": status, **GENERATION_FIELDS, **fields}


def created(generation_id: str = GENERATION_ID, cost: int = 1) -> httpx.Response:
    return ok({"generationId": generation_id, "status": "starting", "creditCost": cost}, 201)


def page(*items: dict[str, Any], total: int | None = None) -> httpx.Response:
    return ok(
        {
            "generations": list(items),
            "total": len(items) if total is None else total,
            "limit": 20,
            "offset": 0,
        }
    )


STATUS_OK = ok(
    {
        "accountId": "5b0c6a3e-2f4d-4c1e-9a57-3d2b8f6e1a90",
        "apiKeyId": "0e8f7a61-4b2c-4d3e-8f9a-1b2c3d4e5f60",
        "apiKeyName": "production",
        "timestamp": "2027-01-15T08:00:00Z",
    },
    message="API connection successful",
)


class Script:
    """The answers to give, in order, and the requests seen."""

    def __init__(self, clock: VirtualClock, *answers: Answer) -> None:
        self.clock = clock
        self.answers: list[Answer] = list(answers)
        self.requests: list[httpx.Request] = []
        self.sent_at: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        self.sent_at.append(self.clock.monotonic())
        if not self.answers:
            raise AssertionError(f"unscripted request: {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            # A fresh copy, so one scripted response may be given more than once.
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        return answer(request)

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]

    def methods(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def make_client(*answers: Answer, **kwargs: Any) -> tuple[Client, Script]:
    clock = kwargs.pop("clock", None) or VirtualClock()
    script = Script(clock, *answers)
    http = httpx.Client(transport=httpx.MockTransport(script))
    kwargs.setdefault("base_url", BASE_URL)
    client = Client(API_KEY, http_client=http, clock=clock, **kwargs)
    return client, script


def make_async_client(*answers: Answer, **kwargs: Any) -> tuple[AsyncClient, Script]:
    clock = kwargs.pop("clock", None) or VirtualClock()
    script = Script(clock, *answers)
    http = httpx.AsyncClient(transport=httpx.MockTransport(script))
    kwargs.setdefault("base_url", BASE_URL)
    client = AsyncClient(API_KEY, http_client=http, clock=clock, **kwargs)
    return client, script
