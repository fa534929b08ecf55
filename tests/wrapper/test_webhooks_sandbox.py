"""The webhooks the sandbox delivers parse with imagegen.webhooks, and agree with getImage."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from imagegen import ErrorCode, GenerationFailedError
from imagegen.testing import Sandbox
from imagegen.webhooks import WebhookEvent, parse

HOOK = "http://127.0.0.1:9/hooks/imagegen"


class Receiver:
    """A webhook endpoint: parses each delivery the way a user's handler would."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == HOOK
        self.events.append(parse(request.content))
        return httpx.Response(200)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def test_success_webhook_matches_the_generation(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.control.webhook_transport = httpx.MockTransport(receiver)
    client = sandbox.client()
    generation = client.generate(
        "A lighthouse sandbox:duration=20", num_outputs=2, webhook_url=HOOK
    ).generation
    sandbox.advance(1.0)  # deliveries run on the sandbox clock
    (event,) = receiver.events
    assert event.succeeded
    assert event.generation_id == generation.id
    assert event.output_images == generation.output_images
    assert event.credit_cost == generation.credit_cost
    assert event.code is None


def test_failure_webhook_carries_the_code(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.control.webhook_transport = httpx.MockTransport(receiver)
    client = sandbox.client()
    with pytest.raises(GenerationFailedError) as caught:
        client.generate(
            "A fox sandbox:fail=IMAGE_INACCESSIBLE sandbox:duration=5", webhook_url=HOOK
        )
    sandbox.advance(1.0)
    (event,) = receiver.events
    assert event.failed
    assert event.generation_id == caught.value.generation.id
    assert event.code is ErrorCode.IMAGE_INACCESSIBLE
    assert event.code == caught.value.code
