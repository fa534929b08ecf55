"""A generation status this client does not know (the docs speak of cancelled generations) is
read, not refused: the generation holds the raw string, is neither terminal, succeeded nor
failed, and only a wait on it ends, at once, with `UnexpectedResponseError`. So one such item
no longer fails a whole list page, nor the reconciliation that reads that page."""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
import pytest
from imagegen import (
    CreatedGeneration,
    Generation,
    GenerationStatus,
    RetryPolicy,
    UnexpectedResponseError,
    VirtualClock,
)
from imagegen._errors import UNEXPECTED_RESPONSE
from imagegen._parsing import parse_response
from imagegen.testing import Sandbox

from .test_client_scripted import (
    GENERATION_ID,
    OTHER_ID,
    generation,
    make_async_client,
    make_client,
    ok,
    page,
)

THIRD_ID = "3f2e1d0c-9b8a-4f6e-8d5c-4b3a29180706"


def _answer(body: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", "X-Request-ID": "req_1"},
        request=httpx.Request("GET", "https://api.example.com/v1/images"),
    )


def _page_body(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "success": True,
        "data": {"generations": list(items), "total": len(items), "limit": 20, "offset": 0},
    }


def test_a_list_item_with_an_unknown_status_does_not_fail_the_page() -> None:
    items = [
        generation(GENERATION_ID, "succeeded", prompt="one", outputImages=["https://x/a.png"]),
        generation(OTHER_ID, "canceled", prompt="two", creditCost=1),
        generation(THIRD_ID, "processing", prompt="three"),
    ]
    result = parse_response("listImages", _answer(_page_body(*items)))
    first, second, third = result.generations
    assert second.id == OTHER_ID
    assert second.status == "canceled"
    assert not isinstance(second.status, GenerationStatus)
    assert (second.prompt, second.credit_cost) == ("two", 1)
    assert not second.is_terminal
    assert not second.succeeded
    assert not second.failed
    # The others are read as before, their status the enum member.
    assert first.status is GenerationStatus.SUCCEEDED
    assert first.succeeded
    assert first.is_terminal
    assert first.output_images == ("https://x/a.png",)
    assert third.status is GenerationStatus.PROCESSING
    assert not third.is_terminal
    assert result.total == 3


@pytest.mark.parametrize("status", ["canceled", "CANCELLED", "", "Succeeded", " failed"])
def test_get_image_with_an_unknown_status_returns_the_generation(status: str) -> None:
    body = {"success": True, "data": generation(GENERATION_ID, status, prompt="p")}
    result = parse_response("getImage", _answer(body))
    assert isinstance(result, Generation)
    assert result.status == status
    assert type(result.status) is not GenerationStatus
    assert result.prompt == "p"
    assert not result.is_terminal
    assert not result.succeeded
    assert not result.failed


def test_create_image_with_an_unknown_status_returns_the_created_generation() -> None:
    body = {
        "success": True,
        "data": {"generationId": GENERATION_ID, "status": "queued", "creditCost": 2},
    }
    result = parse_response("createImage", _answer(body, 201))
    assert result == CreatedGeneration(id=GENERATION_ID, status="queued", credit_cost=2)


def test_known_statuses_are_still_the_enum_members() -> None:
    for member in GenerationStatus:
        body = {"success": True, "data": generation(GENERATION_ID, member.value)}
        assert parse_response("getImage", _answer(body)).status is member
        listed = parse_response("listImages", _answer(_page_body(generation(status=member))))
        assert listed.generations[0].status is member


@pytest.mark.parametrize("status", [5, None, True, ["succeeded"], {"v": "succeeded"}])
@pytest.mark.parametrize("operation", ["getImage", "listImages"])
def test_a_status_that_is_not_a_string_is_still_an_unexpected_response(
    status: object, operation: str
) -> None:
    # A wrong type is not an unknown value of the enum: the answer breaks the spec, as any
    # other wrongly typed field does, and the page fails (with the generated model's words).
    item = {"generationId": GENERATION_ID, "status": status}
    body = _page_body(item) if operation == "listImages" else {"success": True, "data": item}
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_response(operation, _answer(body))
    assert "'status'" in caught.value.message
    assert caught.value.code == UNEXPECTED_RESPONSE


# -- waits end at once on it, with the answer's details ----------------------------------------


def _assert_names_the_generation(error: UnexpectedResponseError, generation_id: str) -> None:
    assert error.code == UNEXPECTED_RESPONSE
    assert error.status_code == 200
    assert "'canceled'" in error.message
    assert generation_id in error.message
    assert f"images.get({generation_id!r})" in error.message
    # As when getImage itself refused the answer: the raw body and the request id are kept.
    assert json.loads(error.body)["data"]["status"] == "canceled"
    assert error.request_id


def test_a_wait_on_an_unknown_status_ends_with_unexpected_response() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        made = client.images.create("A fox sandbox:status=canceled sandbox:duration=5")
        sandbox.advance(10)
        assert client.images.get(made.id).status == "canceled"
        with pytest.raises(UnexpectedResponseError) as caught:
            client.images.wait(made.id)
        _assert_names_the_generation(caught.value, made.id)
        listed = client.images.list()
        assert [g.status for g in listed.generations] == ["canceled"]


async def test_an_async_wait_on_an_unknown_status_ends_with_unexpected_response() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()
        made = await client.images.create("A fox sandbox:status=canceled sandbox:duration=5")
        sandbox.advance(10)
        assert (await client.images.get(made.id)).status == "canceled"
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.images.wait(made.id)
        _assert_names_the_generation(caught.value, made.id)
        listed = await client.images.list()
        assert [g.status for g in listed.generations] == ["canceled"]


def test_generate_ends_at_the_first_answer_with_the_unknown_status() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        seen: list[str] = []
        with pytest.raises(UnexpectedResponseError) as caught:
            client.generate(
                "A fox sandbox:status=canceled sandbox:duration=5",
                on_update=lambda g: seen.append(str(g.status)),
            )
        assert "'canceled'" in caught.value.message
        assert "canceled" not in seen  # the wait ended on it; nothing reported it as progress
        assert sandbox.clock.monotonic() < 30


def test_a_scripted_get_with_an_unknown_status_ends_the_wait_with_its_details() -> None:
    answer = ok(generation(GENERATION_ID, "canceled"))
    client, script = make_client(answer)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.images.wait(GENERATION_ID)
    assert caught.value.request_id == "req_ok"
    assert caught.value.body == answer.content.decode()
    assert script.methods() == ["GET /v1/images/" + GENERATION_ID]


# -- reconciliation reads the list: one unknown item does not stop it ----------------------------


POLICY = RetryPolicy(max_retries=2, initial_delay=1.0, jitter=0.0)
DROPPED = httpx.RemoteProtocolError("peer closed connection without sending complete message")


def _listing(clock: VirtualClock) -> httpx.Response:
    moment = datetime.datetime.fromtimestamp(clock.time() + 0.5, datetime.UTC).isoformat()
    mine = {"prompt": "A lighthouse", "creditCost": 1, "createdAt": moment, "outputNumber": 1}
    return page(
        generation(OTHER_ID, "canceled", prompt="an older one"),
        generation(GENERATION_ID, "starting", **mine),
    )


def test_a_lost_create_is_found_in_a_list_holding_an_unknown_status() -> None:
    clock = VirtualClock()
    client, script = make_client(
        DROPPED, lambda request: _listing(clock), retry=POLICY, clock=clock
    )
    assert client.images.create("A lighthouse").id == GENERATION_ID
    assert script.methods() == ["POST /v1/images", "GET /v1/images"]


async def test_an_async_lost_create_is_found_in_a_list_holding_an_unknown_status() -> None:
    clock = VirtualClock()
    client, script = make_async_client(
        DROPPED, lambda request: _listing(clock), retry=POLICY, clock=clock
    )
    assert (await client.images.create("A lighthouse")).id == GENERATION_ID
    assert script.methods() == ["POST /v1/images", "GET /v1/images"]


def test_a_lost_create_listed_with_an_unknown_status_is_returned_with_it() -> None:
    clock = VirtualClock()

    def listing(request: httpx.Request) -> httpx.Response:
        moment = datetime.datetime.fromtimestamp(clock.time() + 0.5, datetime.UTC).isoformat()
        return page(generation(GENERATION_ID, "queued", prompt="A lighthouse", createdAt=moment))

    client, _ = make_client(DROPPED, listing, retry=POLICY, clock=clock)
    result = client.images.create("A lighthouse")
    assert (result.id, result.status) == (GENERATION_ID, "queued")


# -- pacing: a generation in an unknown status does not hold the next create back --------------


def test_the_next_create_does_not_wait_out_a_generation_in_an_unknown_status() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        first = client.images.create("A fox sandbox:status=canceled sandbox:duration=5")
        sandbox.advance(10)
        assert client.images.get(first.id).status == "canceled"  # seen: not terminal, still paced
        before = sandbox.clock.monotonic()
        second = client.images.create("A second fox")
        # The pacer looked at the first once (its wait ended on the unknown status) and let the
        # create go, instead of waiting out max_wait (300 s) for it to end.
        assert sandbox.clock.monotonic() - before < 1.0
        assert second.id != first.id
