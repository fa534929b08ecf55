"""Fault injection per operation: counted, then cleared; each kind does what it says."""

from __future__ import annotations

import json

import httpx
import pytest
from imagegen.sandbox import ConnectionDropped

from ._support import Api

# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True


async def test_a_status_fault_answers_a_documented_body_then_clears(api: Api) -> None:
    rule = api.control.add_fault("createImage", "status", code="GENERATION_INIT_FAILED", times=2)
    for _ in range(2):
        response = await api.create()
        assert response.status_code == 500
        assert response.json() == {
            "success": False,
            "error": "GENERATION_INIT_FAILED",
            "message": "Could not initialize your generation request. Please try again.",
        }
        assert response.headers["x-request-id"]
    assert rule.hits == 2
    assert api.control.faults() == []
    assert (await api.create()).status_code == 201
    assert (await api.credits())["total"] == 999  # only the real create was charged


async def test_faults_apply_only_to_their_operation(api: Api) -> None:
    api.control.add_fault("getAccount", "status", status=503, times=None)
    assert (await api.call("GET", "/v1/status")).status_code == 200
    for _ in range(3):
        response = await api.call("GET", "/v1/account")
        assert response.status_code == 503
        assert response.json() == {"detail": "Service temporarily unavailable"}
        assert response.headers["retry-after"] == "1"
    (rule,) = api.control.faults()
    assert rule.hits == 3
    api.control.clear_faults()
    assert (await api.call("GET", "/v1/account")).status_code == 200


async def test_any_operation_and_explicit_bodies(api: Api) -> None:
    api.control.add_fault("*", "status", status=429, code="RATE_LIMIT_ERROR", seconds=7)
    limited = await api.call("GET", "/v1/images")
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-reset"] == limited.headers["retry-after"] == "7"
    api.control.add_fault(
        "getStatus",
        "status",
        status=402,
        body={"success": False, "message": "INSUFFICIENT_CREDITS"},
    )
    short = await api.call("GET", "/v1/status", check=False)
    assert (short.status_code, short.json()) == (
        402,
        {"success": False, "message": "INSUFFICIENT_CREDITS"},
    )


@pytest.mark.parametrize(
    ("code", "shape", "status", "body"),
    [
        (
            "INSUFFICIENT_CREDITS",
            "error",
            402,
            {
                "success": False,
                "error": "INSUFFICIENT_CREDITS",
                "message": "Not enough "
                "credits to complete this request. Required: 2 credits. Please add more "
                "credits to your account.",
            },
        ),
        (
            "INSUFFICIENT_CREDITS",
            "message",
            402,
            {"success": False, "message": "INSUFFICIENT_CREDITS"},
        ),
        # The status shape is documented only for the image codes (a 400), and every answer
        # here is checked against the spec, which lists each status's codes.
        ("INVALID_IMAGE", "status", 400, {"status": "failed", "message": "INVALID_IMAGE"}),
    ],
)
async def test_shapes(
    api: Api, code: str, shape: str, status: int, body: dict[str, object]
) -> None:
    api.control.add_fault("createImage", "status", code=code, shape=shape)
    response = await api.create()
    assert (response.status_code, response.json()) == (status, body)


async def test_given_headers_win(api: Api) -> None:
    api.control.add_fault(
        "createImage",
        "status",
        code="RATE_LIMIT_ERROR",
        headers={"x-ratelimit-reset": "1800000060"},
    )
    response = await api.create()
    assert response.headers.get_list("x-ratelimit-reset") == ["1800000060"]
    assert response.headers["retry-after"] == "1"


async def test_latency_moves_the_sandbox_clock(api: Api) -> None:
    api.control.add_fault("getStatus", "latency", seconds=30)
    before = api.clock.monotonic()
    assert (await api.call("GET", "/v1/status")).status_code == 200
    assert api.clock.monotonic() - before == 30
    assert (await api.call("GET", "/v1/status")).status_code == 200
    assert api.clock.monotonic() - before == 30


async def test_drop_before_the_request_takes_effect(api: Api) -> None:
    api.control.add_fault("createImage", "drop_before")
    with pytest.raises(ConnectionDropped):
        await api.create()
    assert api.control.generations() == []
    assert (await api.credits())["total"] == 1000
    assert api.control.request_counts()["createImage"] == {"dropped": 1}


async def test_drop_after_the_request_took_effect(api: Api) -> None:
    api.control.add_fault("createImage", "drop_after")
    with pytest.raises(ConnectionDropped):
        await api.create()
    (generation,) = api.control.generations()
    assert generation["status"] == "starting"
    assert (await api.credits())["total"] == 999
    listed = (await api.call("GET", "/v1/images")).json()["data"]["generations"]
    assert [g["generationId"] for g in listed] == [generation["generationId"]]


async def test_drop_during_the_body(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:duration=1")
    api.clock.advance(1)
    url = (await api.get(generation_id))["outputImages"][0]
    api.control.add_fault("getFile", "drop_during")
    with pytest.raises(ConnectionDropped):
        await api.call("GET", url)
    assert (await api.call("GET", url)).status_code == 200
    assert api.control.request_counts()["getFile"] == {"dropped": 1, "200": 1}


async def test_truncated_body(api: Api) -> None:
    api.control.add_fault("getAccount", "truncate")
    response = await api.call("GET", "/v1/account", check=False)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        response.json()
    whole = (await api.call("GET", "/v1/account")).content
    assert whole.startswith(response.content)
    assert len(response.content) == len(whole) // 2


async def test_html_error_page(api: Api) -> None:
    api.control.add_fault("listImages", "html")
    response = await api.call("GET", "/v1/images", check=False)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text
    api.control.add_fault("listImages", "html", status=503)
    assert (await api.call("GET", "/v1/images", check=False)).status_code == 503


async def test_non_json_body(api: Api) -> None:
    api.control.add_fault("getStatus", "non_json")
    response = await api.call("GET", "/v1/status", check=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_status_value_reports_an_unknown_status(api: Api) -> None:
    generation_id = await api.created_id()
    api.control.add_fault("getImage", "status_value", value="canceled")
    api.control.add_fault("listImages", "status_value")
    got = await api.call("GET", f"/v1/images/{generation_id}", check=False)
    listed = await api.call("GET", "/v1/images", check=False)
    assert got.json()["data"]["status"] == "canceled"
    assert listed.json()["data"]["generations"][0]["status"] == "canceled"
    assert (await api.get(generation_id))["status"] == "starting"


async def test_request_counts(api: Api) -> None:
    await api.create()
    await api.create(prompt="")
    api.control.add_fault("getStatus", "status", status=500)
    await api.call("GET", "/v1/status")
    await api.call("GET", "/v1/status")
    assert api.control.request_counts() == {
        "createImage": {"201": 1, "422": 1},
        "getStatus": {"500": 1, "200": 1},
    }


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"operation": "deleteEverything"}, "operation"),
        ({"kind": "explode"}, "kind"),
        ({"code": "NOT_A_CODE"}, "code"),
        ({"times": 0}, "times"),
        ({"shape": "round"}, "shape"),
        ({"status": 99}, "status"),
    ],
)
def test_bad_rules_are_refused(api: Api, arguments: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        api.control.add_fault(**arguments)  # type: ignore[arg-type]


async def test_an_app_error_is_the_documented_internal_server_error(api: Api) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("boom")

    api.control.page = broken  # type: ignore[method-assign]
    response = await api.call("GET", "/v1/images")
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"
    assert response.headers["x-request-id"]


async def test_dropped_connection_through_the_async_sandbox_transport(api: Api) -> None:
    from imagegen.sandbox import AsyncSandboxTransport

    api.control.add_fault("getStatus", "drop_after")
    async with httpx.AsyncClient(
        transport=AsyncSandboxTransport(api.app), base_url="http://127.0.0.1"
    ) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/v1/status")


def test_dropped_connections_break_the_response_when_served_by_uvicorn() -> None:
    from imagegen import VirtualClock
    from imagegen.sandbox import DEFAULT_API_KEY, create_app, running_server

    app = create_app(clock=VirtualClock())
    control = app.state.sandbox
    with running_server(app) as base_url, httpx.Client(base_url=base_url) as http:
        headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
        for kind in ("drop_before", "drop_after"):
            control.add_fault("createImage", kind)
            # Closed mid-response: "peer closed the connection" or a reset, as the OS has it.
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                http.post("/images", json={"prompt": "a fox"}, headers=headers)
        # before: nothing was created; after: it was
        assert len(control.generations()) == 1
        assert http.get("/status", headers=headers).status_code == 200
    control.close()
