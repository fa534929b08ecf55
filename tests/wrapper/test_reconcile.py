"""Never charge twice: a create whose connection was lost after it was sent is looked for in
listImages before it is sent again; if it is there, it is returned and nothing is resent.

Exact cases run on a scripted MockTransport; the end-to-end ones on the in-process sandbox with
its "drop the connection after the request takes effect" fault, counting generations and
charges in the sandbox's own books.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import httpx
import pytest
from imagegen import (
    APIConnectionError,
    APITimeoutError,
    RetryPolicy,
    UnexpectedResponseError,
    VirtualClock,
)
from imagegen.testing import Sandbox

from .test_client_scripted import (
    GENERATION_ID,
    OTHER_ID,
    Script,
    created,
    error,
    generation,
    make_async_client,
    make_client,
    page,
)

PROMPT = "A lighthouse on a cliff at dusk"
POLICY = RetryPolicy(max_retries=2, initial_delay=1.0, jitter=0.0)
DROPPED = httpx.RemoteProtocolError("peer closed connection without sending complete message")


def _at(clock: VirtualClock, offset: float) -> str:
    """An ISO createdAt `offset` seconds from the clock's now (as the server would write it)."""
    moment = datetime.datetime.fromtimestamp(clock.time() + offset, datetime.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _listed(clock: VirtualClock, generation_id: str = GENERATION_ID, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "prompt": PROMPT,
        "status": "starting",
        "creditCost": 1,
        "createdAt": _at(clock, 0.5),
        "outputNumber": 1,
    }
    values.update(fields)
    status = values.pop("status")
    return generation(generation_id, status, **values)


def _posts(script: Script) -> int:
    return sum(1 for r in script.requests if r.method == "POST")


# -- found: returned, not resent -------------------------------------------------------------


@pytest.mark.parametrize(
    "lost", [DROPPED, httpx.ReadTimeout("no answer in time")], ids=["dropped", "read-timeout"]
)
def test_a_lost_create_found_in_the_list_is_returned_not_resent(lost: Exception) -> None:
    clock = VirtualClock()
    client, script = make_client(
        lost,
        lambda request: page(_listed(clock)),
        retry=POLICY,
        clock=clock,
    )
    result = client.images.create(PROMPT)
    assert result.id == GENERATION_ID
    assert result.credit_cost == 1
    assert script.methods() == ["POST /v1/images", "GET /v1/images"]
    assert _posts(script) == 1


def test_reconciling_happens_even_with_retries_disabled() -> None:
    clock = VirtualClock()
    client, script = make_client(
        DROPPED, lambda request: page(_listed(clock)), max_retries=0, clock=clock
    )
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


def test_the_match_uses_every_field_the_list_shows() -> None:
    clock = VirtualClock()
    listing = page(
        _listed(clock, OTHER_ID, prompt="Another prompt"),
        _listed(clock, OTHER_ID, outputNumber=2),
        _listed(clock, OTHER_ID, aspectRatio="1:1"),
        _listed(clock, OTHER_ID, name="Other name"),
        _listed(clock, OTHER_ID, isPublic=True),
        _listed(clock, OTHER_ID, createdAt=_at(clock, -3600)),  # long before the create
        _listed(clock, GENERATION_ID, aspectRatio="16:9", name="Lighthouse", isPublic=False),
    )
    client, script = make_client(DROPPED, listing, retry=POLICY, clock=clock)
    result = client.images.create(
        PROMPT, aspect_ratio="16:9", num_outputs=1, name="Lighthouse", is_public=False
    )
    assert result.id == GENERATION_ID
    assert _posts(script) == 1


def test_the_lost_create_is_logged_with_the_generation_found(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = VirtualClock()
    client, _ = make_client(DROPPED, page(_listed(clock)), retry=POLICY, clock=clock)
    with caplog.at_level(logging.WARNING, logger="imagegen"):
        client.images.create(PROMPT)
    messages = " | ".join(r.getMessage() for r in caplog.records)
    assert "may have taken effect" in messages
    assert GENERATION_ID in messages
    assert "instead of sending the create again" in messages


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_error_on_a_create_is_reconciled_too(status: int) -> None:
    clock = VirtualClock()
    gateway = httpx.Response(status, text="<html>gateway</html>", headers={"X-Request-ID": "gw"})
    client, script = make_client(gateway, page(_listed(clock)), retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert script.methods() == ["POST /v1/images", "GET /v1/images"]


def test_a_created_answer_that_cannot_be_read_is_found_in_the_list_not_resent() -> None:
    clock = VirtualClock()
    truncated = httpx.Response(201, content=b'{"success": true, "data": {"generationId": "7c9e')
    client, script = make_client(truncated, page(_listed(clock)), retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1
    assert script.sent_at[1] == script.sent_at[0]  # looked at once: it was created


def test_a_created_answer_that_cannot_be_read_and_is_not_listed_is_never_resent() -> None:
    clock = VirtualClock()
    truncated = httpx.Response(201, content=b"{")
    client, script = make_client(truncated, page(), created(), retry=POLICY, clock=clock)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.images.create(PROMPT)
    assert caught.value.status_code == 201
    assert _posts(script) == 1


# -- not found: sent again, once ---------------------------------------------------------------


def test_a_lost_create_not_in_the_list_is_sent_again() -> None:
    clock = VirtualClock()
    client, script = make_client(DROPPED, page(), created(OTHER_ID), retry=POLICY, clock=clock)
    result = client.images.create(PROMPT)
    assert result.id == OTHER_ID
    assert script.methods() == ["POST /v1/images", "GET /v1/images", "POST /v1/images"]
    assert script.bodies()[0] == script.bodies()[2] == {"prompt": PROMPT}


def test_a_generation_this_client_already_made_is_not_taken_for_the_lost_one() -> None:
    clock = VirtualClock()
    client, script = make_client(
        created(GENERATION_ID),
        DROPPED,
        page(_listed(clock)),  # lists only the first one, which this client made itself
        created(OTHER_ID),
        retry=POLICY,
        clock=clock,
        pacing=None,
    )
    first = client.images.create(PROMPT)
    second = client.images.create(PROMPT)  # same prompt; its connection is lost
    assert first.id == GENERATION_ID
    assert second.id == OTHER_ID
    assert _posts(script) == 3


def test_with_retries_disabled_a_lost_create_not_found_raises_the_connection_error() -> None:
    clock = VirtualClock()
    client, script = make_client(DROPPED, page(), max_retries=0, clock=clock)
    with pytest.raises(APIConnectionError) as caught:
        client.images.create(PROMPT)
    assert caught.value.request_sent is True
    assert _posts(script) == 1


def test_when_the_list_cannot_be_read_the_create_is_not_resent() -> None:
    clock = VirtualClock()
    client, script = make_client(
        httpx.ReadTimeout("no answer"),
        error(503),
        error(503),
        error(503),
        created(),
        retry=POLICY,
        clock=clock,
    )
    with pytest.raises(APITimeoutError) as caught:
        client.images.create(PROMPT)
    assert isinstance(caught.value.__cause__, Exception)
    assert _posts(script) == 1
    assert len(script.answers) == 1  # the 201 was never asked for


# -- async ---------------------------------------------------------------------------------------


async def test_async_lost_create_found_in_the_list() -> None:
    clock = VirtualClock()
    client, script = make_async_client(DROPPED, page(_listed(clock)), retry=POLICY, clock=clock)
    result = await client.images.create(PROMPT)
    assert result.id == GENERATION_ID
    assert _posts(script) == 1


async def test_async_lost_create_not_found_is_sent_again() -> None:
    clock = VirtualClock()
    client, script = make_async_client(
        DROPPED, page(), created(OTHER_ID), retry=POLICY, clock=clock
    )
    assert (await client.images.create(PROMPT)).id == OTHER_ID
    assert _posts(script) == 2


# -- end to end on the sandbox -------------------------------------------------------------------


def _charges(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [e for e in sandbox.control.ledger()["entries"] if e["kind"] == "charge"]


def test_sandbox_drop_after_create_takes_effect_one_generation_one_charge() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        sandbox.control.add_fault("createImage", "drop_after")
        result = client.images.create(PROMPT, resolution="2k")
        generations = sandbox.control.generations()
        assert [g["generationId"] for g in generations] == [result.id]
        charges = _charges(sandbox)
        assert len(charges) == 1
        assert charges[0]["amount"] == -2
        assert charges[0]["generationId"] == result.id
        counts = sandbox.control.request_counts()
        assert counts["createImage"] == {"dropped": 1}
        # And the generation found is a real one, which finishes normally.
        done = client.images.wait(result.id)
        assert done.succeeded


def test_sandbox_drop_before_create_takes_effect_is_sent_again_once() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        sandbox.control.add_fault("createImage", "drop_before")
        result = client.images.create(PROMPT)
        assert [g["generationId"] for g in sandbox.control.generations()] == [result.id]
        assert len(_charges(sandbox)) == 1
        counts = sandbox.control.request_counts()["createImage"]
        assert counts == {"dropped": 1, "201": 1}


def test_sandbox_truncated_created_answer_one_generation_one_charge() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        sandbox.control.add_fault("createImage", "truncate")
        result = client.images.create(PROMPT)
        assert [g["generationId"] for g in sandbox.control.generations()] == [result.id]
        assert len(_charges(sandbox)) == 1


async def test_sandbox_async_drop_after_one_generation_one_charge() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()
        sandbox.control.add_fault("createImage", "drop_after")
        result = await client.images.create(PROMPT)
        assert [g["generationId"] for g in sandbox.control.generations()] == [result.id]
        assert len(_charges(sandbox)) == 1


# -- served, on a clock that is not the client's ---------------------------------------------------

DAY = 86_400.0


@pytest.mark.parametrize("fault", ["drop_after", "truncate"])
@pytest.mark.parametrize("skew", [-DAY, DAY])
def test_served_sandbox_at_speed_60_on_another_clock_one_generation_one_charge(
    fault: str, skew: float
) -> None:
    # The served sandbox at --speed 60 runs its clock 60 times faster than real time; the
    # client's (virtual: no real sleeping) clock is a day off it on top. createdAt and the
    # server's Date are on the sandbox's clock, so only the server's own time places them.
    import time

    from imagegen import Client
    from imagegen.sandbox import DEFAULT_API_KEY, ScaledClock, create_app, running_server

    server_clock = ScaledClock(60)
    server_clock.advance(300)  # a few seconds of uptime at speed 60
    app = create_app(clock=server_clock)
    control = app.state.sandbox
    control.add_fault("createImage", fault)
    client_clock = VirtualClock(start=1000.0, epoch=time.time() + skew - 1000.0)
    with running_server(app) as base_url:
        client = Client(DEFAULT_API_KEY, base_url=base_url, clock=client_clock, retry=POLICY)
        with client:
            result = client.images.create(PROMPT, resolution="2k")
    assert [g["generationId"] for g in control.generations()] == [result.id]
    charges = [e for e in control.ledger()["entries"] if e["kind"] == "charge"]
    assert len(charges) == 1
