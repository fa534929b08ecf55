"""Webhooks: the WebhookEvent POSTed to loopback URLs when a generation ends, retried with
backoff on the sandbox clock, every attempt recorded; never sent anywhere else."""

from __future__ import annotations

import http.server
import json
from typing import Any

import httpx
import pytest

from tests.spec import spec_model

from ._support import ARBITRARY_CLOCK_STARTS, ORIGIN, Api, answer, loopback_server

# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True
# Every test at 0 and at origins far from it (floating-point rounding shows only there).
CLOCK_STARTS = (0.0, *ARBITRARY_CLOCK_STARTS)


class Receiver:
    """Answers webhook POSTs with the given statuses in turn (then 200), keeping the bodies."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: http.server.BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", "0"))
        self.bodies.append(json.loads(request.rfile.read(length)))
        status = self.statuses.pop(0) if self.statuses else 200
        answer(request, status, b"ok", "text/plain")


def assert_is_a_webhook_event(payload: dict[str, Any]) -> None:
    validator = spec_model.validator_at("/components/schemas/WebhookEvent")
    errors = list(validator.iter_errors(payload))
    assert not errors, errors[0].message


async def test_success_is_posted_once_the_generation_ends(api: Api) -> None:
    receiver = Receiver()
    with loopback_server(receiver) as origin:
        generation_id = await api.created_id(
            webhook_url=f"{origin}/hooks/imagegen", num_outputs=2, resolution="2k"
        )
        api.clock.advance(10)
        assert api.control.wait_for_webhooks()
        assert receiver.bodies == []  # not yet: it has not ended
        api.clock.advance(300)  # no request: the clock's listener finishes it
        assert api.control.wait_for_webhooks()
    (event,) = receiver.bodies
    assert_is_a_webhook_event(event)
    assert event["generationId"] == generation_id
    assert event["status"] == "succeeded"
    assert event["creditCost"] == 4
    assert event["failureReason"] is None
    assert "message" not in event
    assert event["outputImages"] == [
        f"{ORIGIN}/files/{generation_id}/0.png",
        f"{ORIGIN}/files/{generation_id}/1.png",
    ]
    (delivery,) = api.control.webhook_deliveries()
    assert delivery["delivered"] is True
    assert delivery["attempt"] == 1
    assert delivery["statusCode"] == 200
    assert delivery["payload"] == event


async def test_failure_carries_the_code_in_message(api: Api) -> None:
    receiver = Receiver()
    with loopback_server(receiver) as origin:
        generation_id = await api.created_id(
            prompt="x sandbox:fail=INVALID_IMAGE", webhook_url=f"{origin}/hook"
        )
        api.clock.advance(5)
        assert api.control.wait_for_webhooks()
    (event,) = receiver.bodies
    assert_is_a_webhook_event(event)
    assert event == {
        "generationId": generation_id,
        "status": "failed",
        "message": "INVALID_IMAGE",
        "outputImages": [],
        "creditCost": 1,
        "failureReason": "INVALID_IMAGE",
    }


async def test_failed_attempts_are_retried_with_backoff_on_the_clock(api: Api) -> None:
    receiver = Receiver(500, 503)
    with loopback_server(receiver) as origin:
        await api.created_id(prompt="x sandbox:duration=10", webhook_url=f"{origin}/hook")
        api.clock.advance(10)
        assert api.control.wait_for_webhooks()
        assert len(receiver.bodies) == 1
        api.clock.advance(0.9)
        assert api.control.wait_for_webhooks()
        assert len(receiver.bodies) == 1  # the first retry waits 1 s
        api.clock.advance(0.1)
        assert api.control.wait_for_webhooks()
        assert len(receiver.bodies) == 2
        api.clock.advance(2)  # the second waits 2 s
        assert api.control.wait_for_webhooks()
        assert len(receiver.bodies) == 3
        api.clock.advance(100)
        assert api.control.wait_for_webhooks()
    assert len(receiver.bodies) == 3  # delivered: no more attempts
    deliveries = api.control.webhook_deliveries()
    assert [(d["attempt"], d["statusCode"], d["delivered"]) for d in deliveries] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    # Epoch-like clock values leave only microseconds of precision in a difference.
    gaps = [d["at"] - deliveries[0]["at"] for d in deliveries]
    assert gaps == pytest.approx([0, 1, 3], abs=1e-5)


async def test_an_unreachable_receiver_gets_six_attempts(api: Api) -> None:
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    api.control.webhook_transport = httpx.MockTransport(refuse)
    await api.created_id(prompt="x sandbox:duration=1", webhook_url="http://127.0.0.1:9/hook")
    for _ in range(10):
        api.clock.advance(20)
    deliveries = api.control.webhook_deliveries()
    assert len(calls) == len(deliveries) == 6
    assert all(d["delivered"] is False and "ConnectError" in d["error"] for d in deliveries)
    assert [d["attempt"] for d in deliveries] == [1, 2, 3, 4, 5, 6]


async def test_an_inline_transport_delivers_at_once(api: Api) -> None:
    received: list[dict[str, Any]] = []

    def accept(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        assert request.headers["content-type"] == "application/json"
        return httpx.Response(204)

    api.control.webhook_transport = httpx.MockTransport(accept)
    generation_id = await api.created_id(
        prompt="x sandbox:stuck", webhook_url="http://localhost:8765/hook"
    )
    api.clock.advance(60)
    (event,) = received
    assert_is_a_webhook_event(event)
    assert event["generationId"] == generation_id
    assert event["status"] == "failed"
    assert "message" not in event  # a cancellation has no documented code
    assert "cancelled" in event["failureReason"]


async def test_non_loopback_urls_are_never_contacted(api: Api) -> None:
    calls: list[httpx.Request] = []
    api.control.webhook_transport = httpx.MockTransport(
        lambda request: calls.append(request) or httpx.Response(200)
    )
    await api.created_id(prompt="x sandbox:duration=1", webhook_url="https://hooks.example.com/a")
    api.clock.advance(100)
    assert calls == []
    (delivery,) = api.control.webhook_deliveries()
    assert delivery["delivered"] is False
    assert delivery["attempt"] == 0
    assert "loopback" in delivery["error"]


async def test_no_webhook_url_no_delivery(api: Api) -> None:
    await api.created_id(prompt="x sandbox:duration=1")
    api.clock.advance(100)
    assert api.control.webhook_deliveries() == []


async def test_every_success_is_posted_as_succeeded_with_its_outputs(api: Api) -> None:
    # The event is rendered at the moment the generation ends: at any clock origin, that
    # moment must be the end, never a rounding error before it ("processing", no outputs).
    received: list[dict[str, Any]] = []

    def accept(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(200)

    api.control.webhook_transport = httpx.MockTransport(accept)
    ids = [
        await api.created_id(prompt=f"prompt {index}", webhook_url="http://127.0.0.1:8765/hook")
        for index in range(20)
    ]
    api.clock.advance(300)
    assert sorted(event["generationId"] for event in received) == sorted(ids)
    for event in received:
        assert_is_a_webhook_event(event)
        assert (event["status"], len(event["outputImages"])) == ("succeeded", 1), event
        # The event says what getImage says of the generation once it has ended.
        view = await api.get(event["generationId"])
        assert (view["status"], view["outputImages"]) == ("succeeded", event["outputImages"])
