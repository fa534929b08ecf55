"""Every request says who sends it: `User-Agent: imagegen-python/V httpx/V python/V`, then the
caller's `app_info`; a User-Agent the caller's own http client sets is never overridden."""

from __future__ import annotations

import logging
import platform
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import imagegen
import pytest
from imagegen.testing import Sandbox

OURS = (
    f"imagegen-python/{imagegen.__version__} httpx/{httpx.__version__} "
    f"python/{platform.python_version()}"
)
APP = "myapp/1.2 (+https://example.com)"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def _every_call(client: imagegen.Client) -> None:
    """One call of every operation (and a wait, which polls)."""
    client.status()
    client.account()
    created = client.images.create("A fox sandbox:duration=5")
    client.images.get(created.id)
    client.images.list()
    client.images.wait(created.id)


def test_the_format_is_exact_on_every_api_request(sandbox: Sandbox) -> None:
    assert re.fullmatch(r"imagegen-python/\d\S* httpx/\d\S* python/3\.\d+\.\S+", OURS), OURS
    seen: list[httpx.Request] = []
    client = sandbox.client(http_client=sandbox.http_client(event_hooks={"request": [seen.append]}))
    _every_call(client)
    paths = {request.url.path for request in seen}
    assert {"/v1/status", "/v1/account", "/v1/images"} <= paths
    assert [request.headers["user-agent"] for request in seen] == [OURS] * len(seen)


async def test_the_async_client_sends_the_same(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    http = sandbox.async_http_client(event_hooks={"request": [record]})
    async with sandbox.async_client(http_client=http, app_info=APP) as client:
        await client.status()
        created = await client.images.create("A fox")
        await client.images.get(created.id)
    await http.aclose()
    assert len(seen) == 3
    assert {request.headers["user-agent"] for request in seen} == {f"{OURS} {APP}"}


def test_app_info_is_appended_after_a_space(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(event_hooks={"request": [seen.append]})
    client = sandbox.client(http_client=http, app_info=f"  {APP} ")
    _every_call(client)
    assert {request.headers["user-agent"] for request in seen} == {f"{OURS} {APP}"}


def test_clients_the_sdk_makes_send_it_too() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"success": False, "message": "SERVICE_UNAVAILABLE"})

    # Its own http client, as one gets it without http_client=: sent with the same header.
    client = imagegen.Client(api_key="k", base_url="http://127.0.0.1:9", max_retries=0)
    client._http._transport = httpx.MockTransport(answer)  # the client it made
    with pytest.raises(imagegen.ServiceUnavailableError):
        client.status()
    assert seen[0].headers["user-agent"] == OURS


@pytest.mark.parametrize(
    ("app_info", "words"),
    [
        ("myapp/1.2\r\nX-Injected: 1", "line break at position 9"),
        ("myapp/1.2\n", "line break at position 9"),
        ("myapp\t1.2", "'\\t' at position 5"),
        ("myäpp/1.2", "'ä' at position 2"),
        ("myapp\x7f", "'\\x7f' at position 5"),
        ("", "app_info is empty"),
        ("   ", "app_info is empty"),
        (b"myapp/1.2", "must be a string"),
    ],
)
def test_a_bad_app_info_is_refused_before_anything_is_sent(app_info: object, words: str) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))
    )
    for make in (imagegen.Client, imagegen.AsyncClient):
        transport_client = http if make is imagegen.Client else None
        with pytest.raises(imagegen.InvalidRequestError) as caught:
            make(
                api_key="k",
                base_url="http://127.0.0.1:9",
                app_info=app_info,  # type: ignore[arg-type]
                http_client=transport_client,  # type: ignore[arg-type]
            )
        assert caught.value.field == "app_info"
        assert words in str(caught.value)
        assert 'such as app_info="myapp/1.2 (+https://example.com)"' in str(caught.value)
    assert sent == []


def test_a_user_agent_the_callers_http_client_sets_is_kept(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(
        headers={"User-Agent": "theirs/3.0"}, event_hooks={"request": [seen.append]}
    )
    _every_call(sandbox.client(http_client=http))
    assert {request.headers["user-agent"] for request in seen} == {"theirs/3.0"}
    # With app_info too: theirs is sent as it is, and the log says app_info is not.
    seen.clear()
    with caplog.at_level(logging.WARNING, logger="imagegen"):
        sandbox.client(http_client=http, app_info=APP).status()
    assert [request.headers["user-agent"] for request in seen] == ["theirs/3.0"]
    assert "app_info is not sent" in caplog.text


async def test_a_user_agent_the_callers_async_http_client_sets_is_kept(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    http = sandbox.async_http_client(
        headers={"user-agent": "theirs/3.0"}, event_hooks={"request": [record]}
    )
    async with sandbox.async_client(http_client=http) as client:
        await client.status()
    await http.aclose()
    assert [request.headers["user-agent"] for request in seen] == ["theirs/3.0"]


def test_a_callers_http_client_with_httpxs_default_gets_ours(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(event_hooks={"request": [seen.append]})
    assert http.headers["user-agent"] == f"python-httpx/{httpx.__version__}"  # the control
    sandbox.client(http_client=http).status()
    assert seen[0].headers["user-agent"] == OURS
    assert http.headers["user-agent"] == f"python-httpx/{httpx.__version__}"  # theirs untouched


def test_downloads_from_the_image_host_send_it_too(sandbox: Sandbox, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(event_hooks={"request": [seen.append]})
    client = sandbox.client(http_client=http, app_info=APP)
    client.generate("A fox sandbox:duration=5", num_outputs=2, download_to=tmp_path)
    files = [request for request in seen if "/files/" in request.url.path]
    assert len(files) == 2
    assert {request.headers["user-agent"] for request in files} == {f"{OURS} {APP}"}
    assert all("authorization" not in request.headers for request in files)


def test_downloads_keep_the_callers_user_agent(sandbox: Sandbox, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(
        headers={"User-Agent": "theirs/3.0"}, event_hooks={"request": [seen.append]}
    )
    sandbox.client(http_client=http).generate("A fox sandbox:duration=5", download_to=tmp_path)
    files = [request for request in seen if "/files/" in request.url.path]
    assert [request.headers["user-agent"] for request in files] == ["theirs/3.0"]


def test_the_header_is_made_once_per_client(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[None] = []
    real = platform.python_version

    def counted() -> str:
        calls.append(None)
        return real()

    monkeypatch.setattr(platform, "python_version", counted)
    client = sandbox.client()
    assert len(calls) == 1
    _every_call(client)
    assert len(calls) == 1
