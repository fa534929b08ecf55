"""Every one of the 24 documented codes, and each of the four body shapes, produced on purpose
the way docs/sandbox.md says (its table), each answer checked against the spec."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import httpx
import pytest
from imagegen._api.models import ErrorCode

from ._support import Api, b64, image_bytes

Producer = Callable[[Api], Awaitable[httpx.Response]]
SERVER_SIDE = [
    "FAILED_TO_VALIDATE_TOKEN",
    "FETCH_FAILED",
    "IMAGE_UPLOAD_FAILED",
    "GENERATION_UPDATE_FAILED",
    "GENERATION_INIT_FAILED",
    "CREDIT_PROCESSING_FAILED",
    "GENERATION_START_FAILED",
    "INTERNAL_SERVER_ERROR",
]


async def unknown_key(api: Api) -> httpx.Response:
    return await api.call("GET", "/v1/account", key="ig_test_" + "0" * 32)


async def no_key(api: Api) -> httpx.Response:
    return await api.call("GET", "/v1/account", key=None)


async def malformed_key(api: Api) -> httpx.Response:
    return await api.call("GET", "/v1/account", key="hunter2")


async def not_json(api: Api) -> httpx.Response:
    return await api.call("POST", "/v1/images", content=b"{prompt")


async def out_of_bounds(api: Api) -> httpx.Response:
    return await api.create(num_outputs=5)


async def not_a_uuid(api: Api) -> httpx.Response:
    return await api.call("GET", "/v1/images/12345")


async def nsfw(api: Api) -> httpx.Response:
    return await api.create(prompt="something sandbox:nsfw")


async def too_big(api: Api) -> httpx.Response:
    return await api.create(images_base64=[b64(image_bytes() + bytes(10 * 2**20))])


async def nobody_listens(api: Api) -> httpx.Response:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return await api.create(images_url=[f"http://127.0.0.1:{port}/ref.png"])


async def short_of_credits(api: Api) -> httpx.Response:
    poor = api.control.add_account(credits=1)
    return await api.create(key=poor.api_key, resolution="2k")


async def deleted_account(api: Api) -> httpx.Response:
    gone = api.control.add_account()
    api.control.delete_account(gone.account_id)
    return await api.call("GET", "/v1/account", key=gone.api_key)


async def unknown_generation(api: Api) -> httpx.Response:
    return await api.call("GET", "/v1/images/00000000-0000-4000-8000-000000000000")


async def eleven_creates(api: Api) -> httpx.Response:
    api.control.set_limits(api.control.default_account_id, max_concurrent=None)
    for _ in range(10):
        assert (await api.create()).status_code == 201
    return await api.create()


async def one_in_progress(api: Api) -> httpx.Response:
    await api.created_id()
    return await api.create()


async def not_an_image(api: Api) -> httpx.Response:
    return await api.create(images_base64=[b64(b"plain text")])


async def loopback_404(api: Api) -> httpx.Response:
    from ._support import answer, loopback_server

    with loopback_server(lambda request: answer(request, 404, b"gone")) as origin:
        return await api.create(images_url=[f"{origin}/ref.png"])


PRODUCERS: dict[str, Producer] = {
    "AUTHENTICATION_FAILED": unknown_key,
    "MISSING_API_TOKEN": no_key,
    "INVALID_API_TOKEN": malformed_key,
    "INVALID_JSON": not_json,
    "VALIDATION_ERROR": out_of_bounds,
    "INVALID_GENERATION_ID": not_a_uuid,
    "NSFW_CONTENT_DETECTED": nsfw,
    "IMAGE_SIZE_LIMIT_EXCEEDED": too_big,
    "IMAGE_DOWNLOAD_FAILED": nobody_listens,
    "INSUFFICIENT_CREDITS": short_of_credits,
    "ACCOUNT_NOT_FOUND": deleted_account,
    "GENERATION_NOT_FOUND": unknown_generation,
    "RATE_LIMIT_ERROR": eleven_creates,
    "CONCURRENT_GENERATION_ERROR": one_in_progress,
    "INVALID_IMAGE": not_an_image,
    "IMAGE_INACCESSIBLE": loopback_404,
}


def code_of(body: dict[str, object]) -> object:
    return body.get("error") or body.get("message")


def test_the_table_covers_all_24_documented_codes() -> None:
    assert set(PRODUCERS) | set(SERVER_SIDE) == {code.value for code in ErrorCode}
    assert len(ErrorCode) == 24


@pytest.mark.parametrize("code", sorted(PRODUCERS))
async def test_each_client_side_code_has_a_natural_cause(api: Api, code: str) -> None:
    from imagegen.sandbox._bodies import CODES

    response = await PRODUCERS[code](api)
    assert response.status_code == CODES[code][0]
    assert code_of(response.json()) == code


@pytest.mark.parametrize("code", SERVER_SIDE)
async def test_each_server_side_code_by_fault_rule(api: Api, code: str) -> None:
    api.control.add_fault("getImage", "status", code=code)
    response = await api.call("GET", "/v1/images/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 500
    assert response.json()["error"] == code


@pytest.mark.parametrize("code", SERVER_SIDE)
async def test_each_server_side_code_by_prompt_trigger(api: Api, code: str) -> None:
    response = await api.create(prompt=f"a fox sandbox:error={code}")
    assert response.status_code == 500
    assert response.json()["error"] == code
    assert api.control.generations() == []
    assert (await api.credits())["total"] == 1000


@pytest.mark.parametrize("code", ["INVALID_IMAGE", "IMAGE_INACCESSIBLE", "NSFW_CONTENT_DETECTED"])
async def test_failure_codes_of_a_generation_by_prompt_trigger(api: Api, code: str) -> None:
    generation_id = await api.created_id(prompt=f"a fox sandbox:fail={code}")
    api.clock.advance(5)
    assert (await api.get(generation_id))["failureReason"] == code


async def test_an_unexpected_error_is_internal_server_error(api: Api) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("boom")

    api.control.authenticate = broken  # type: ignore[method-assign]
    response = await api.call("GET", "/v1/status")
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"


# -- the four body shapes -----------------------------------------------------------------


async def test_shape_1_error(api: Api) -> None:
    body = (await no_key(api)).json()
    assert set(body) == {"success", "error", "message"}


async def test_shape_2_the_code_as_the_message(api: Api) -> None:
    by_trigger = await api.create(
        prompt="a fox sandbox:error=INSUFFICIENT_CREDITS sandbox:shape=message"
    )
    api.control.add_fault("createImage", "status", code="INSUFFICIENT_CREDITS", shape="message")
    by_fault = await api.create()
    for response in (by_trigger, by_fault):
        assert response.status_code == 402
        assert response.json() == {"success": False, "message": "INSUFFICIENT_CREDITS"}


async def test_shape_3_detail(api: Api) -> None:
    other = api.control.add_account()
    theirs = await api.created_id(key=other.api_key)
    answers = [
        await api.create(prompt=""),
        await api.create(resolution="8k"),
        await api.call("GET", f"/v1/images/{theirs}"),
    ]
    assert [set(response.json()) for response in answers] == [{"detail"}] * 3
    assert answers[2].json() == {"detail": "Generation not found"}


async def test_shape_4_status_failed(api: Api) -> None:
    body = (await not_an_image(api)).json()
    assert body == {"status": "failed", "message": "INVALID_IMAGE"}
    triggered = await api.create(prompt="x sandbox:error=IMAGE_INACCESSIBLE")
    assert triggered.json() == {"status": "failed", "message": "IMAGE_INACCESSIBLE"}
