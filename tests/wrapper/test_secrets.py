"""The API key stays secret: not in reprs, exceptions or DEBUG logs; never a default header of the
http client (so downloads carry none); never over plain http except to loopback; never forwarded
across origins on a redirect, `X-API-Key` included."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

import httpx
import pytest
from imagegen import (
    APIConnectionError,
    AsyncClient,
    AuthenticationError,
    Client,
    ImagegenError,
    InvalidRequestError,
    VirtualClock,
)
from imagegen.testing import Sandbox

from .test_client_scripted import (
    API_KEY,
    BASE_URL,
    GENERATION_ID,
    STATUS_OK,
    Script,
    created,
    generation,
    make_client,
    ok,
)


def _everything_about(error: BaseException) -> str:
    return " ".join([str(error), repr(error), repr(error.args), *map(str, vars(error).values())])


# -- reprs, exceptions, logs ---------------------------------------------------------------------


def test_repr_of_the_clients_shows_no_key() -> None:
    client = Client(API_KEY, base_url=BASE_URL)
    aclient = AsyncClient(API_KEY, base_url=BASE_URL, auth_header="x-api-key")
    for text in (repr(client), str(client), repr(aclient), repr(vars(client._core))):
        assert API_KEY not in text
    assert repr(client) == "Client(base_url='https://api.test/v1', auth_header='bearer')"
    client.close()


def test_the_http_client_never_carries_the_key_as_a_default_header() -> None:
    client, script = make_client(STATUS_OK)
    client.status()
    assert script.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in str(dict(client._http.headers))
    own = Client(API_KEY, base_url=BASE_URL)
    assert "authorization" not in own._http.headers
    assert "x-api-key" not in own._http.headers
    own.close()


def test_an_answer_that_echoes_the_key_is_scrubbed_from_the_error() -> None:
    echo = httpx.Response(
        401,
        json={"success": False, "error": "INVALID_API_TOKEN", "message": f"Bad token {API_KEY}"},
    )
    client, _ = make_client(echo)
    with pytest.raises(AuthenticationError) as caught:
        client.status()
    assert API_KEY not in _everything_about(caught.value)
    assert "<redacted>" in caught.value.message


def test_a_transport_error_that_names_the_key_is_scrubbed() -> None:
    client, _ = make_client(httpx.ConnectError(f"could not send 'Bearer {API_KEY}'"), max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.status()
    assert API_KEY not in _everything_about(caught.value)


def test_exceptions_from_a_real_error_path_hold_no_key() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(api_key="sk-wrong-key-that-is-secret", max_retries=0)
        with pytest.raises(AuthenticationError) as caught:
            client.account()
        assert "sk-wrong-key-that-is-secret" not in _everything_about(caught.value)
        assert "sk-wrong-key-that-is-secret" not in pickle.dumps(caught.value).decode("latin-1")


def _no_key_in_logs(records: list[logging.LogRecord], key: str) -> None:
    assert records, "the scenario should have logged something"
    for record in records:
        assert key not in record.getMessage()
        assert key not in repr(record.args)
        assert key not in repr(vars(record))


def test_debug_logs_in_process_hold_no_key(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    with Sandbox() as sandbox, caplog.at_level(logging.DEBUG):
        client = sandbox.client()
        sandbox.control.add_fault("getImage", "status", code="INTERNAL_SERVER_ERROR")
        sandbox.control.add_fault("createImage", "drop_after")
        client.generate("A lighthouse", download_to=tmp_path)
        with pytest.raises(ImagegenError):
            sandbox.client(api_key="sk-another-secret", max_retries=0).status()
    _no_key_in_logs(caplog.records, sandbox.api_key)
    _no_key_in_logs(caplog.records, "sk-another-secret")
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "retrying" in messages  # the fault paths were really taken


def test_debug_logs_over_a_real_socket_hold_no_key(
    caplog: pytest.LogCaptureFixture, imagegen_sandbox_server: Any
) -> None:
    with caplog.at_level(logging.DEBUG):
        client = imagegen_sandbox_server.client(auth_header="x-api-key")
        client.status()
        client.account()
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    _no_key_in_logs(caplog.records, imagegen_sandbox_server.api_key)


# -- where the key may go ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1",
        "http://localhost.example.com/v1",
        "http://127.0.0.1.nip.io/v1",
        "http://10.0.0.1/v1",
        "ftp://api.example.com/v1",
        "api.example.com/v1",
        "https://api.example.com/v1?key=x",
    ],
)
def test_base_urls_that_would_expose_the_key_are_refused(url: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Client(API_KEY, base_url=url)
    assert caught.value.field == "base_url"
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.4.5.6/v1",
        "http://localhost:9000/v1",
        "http://[::1]:9000/v1",
    ],
)
def test_https_and_loopback_base_urls_are_accepted(url: str) -> None:
    Client(API_KEY, base_url=url).close()


@pytest.mark.parametrize("auth_header", ["bearer", "x-api-key"])
def test_a_cross_origin_redirect_drops_both_auth_headers(auth_header: str) -> None:
    moved = httpx.Response(307, headers={"Location": "https://elsewhere.test/v1/status"})
    client, script = make_client(moved, STATUS_OK, auth_header=auth_header)
    client.status()
    first, second = script.requests
    assert second.url.host == "elsewhere.test"
    if auth_header == "bearer":
        assert first.headers["authorization"] == f"Bearer {API_KEY}"
    else:
        assert first.headers["x-api-key"] == API_KEY
        assert "authorization" not in first.headers
    assert "authorization" not in second.headers
    assert "x-api-key" not in second.headers
    assert API_KEY not in str(second.headers.raw)


def test_a_redirect_to_another_port_or_scheme_is_another_origin() -> None:
    moved = httpx.Response(308, headers={"Location": "https://api.test:8443/v1/status"})
    client, script = make_client(moved, STATUS_OK, auth_header="x-api-key")
    client.status()
    assert "x-api-key" not in script.requests[1].headers


def test_a_same_origin_redirect_keeps_the_key_and_the_body() -> None:
    moved = httpx.Response(307, headers={"Location": "/v2/images"})
    client, script = make_client(moved, created())
    client.images.create("A lighthouse")
    first, second = script.requests
    assert second.url == httpx.URL("https://api.test/v2/images")
    assert second.method == "POST"
    assert second.content == first.content
    assert second.headers["authorization"] == f"Bearer {API_KEY}"


def test_a_303_after_a_post_is_followed_with_a_get_and_no_body() -> None:
    moved = httpx.Response(303, headers={"Location": f"/v1/images/{GENERATION_ID}"})
    client, script = make_client(moved, created())
    client.images.create("A lighthouse")
    assert script.requests[1].method == "GET"
    assert script.requests[1].content == b""


def test_downloads_carry_no_key(tmp_path: Path) -> None:
    clock = VirtualClock()

    def routes(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/outputs/"):
            return httpx.Response(200, content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        if request.method == "POST":
            return created()
        return ok(
            generation(
                status="succeeded", outputImages=["https://cdn.test/outputs/0.png"], outputNumber=1
            )
        )

    script = Script(clock, *[routes] * 5)
    http = httpx.Client(transport=httpx.MockTransport(script))
    client = Client(
        API_KEY, base_url=BASE_URL, http_client=http, clock=clock, auth_header="x-api-key"
    )
    result = client.generate("A lighthouse", download_to=tmp_path)
    assert len(result.paths) == 1
    download = script.requests[-1]
    assert download.url.host == "cdn.test"
    assert "x-api-key" not in download.headers
    assert "authorization" not in download.headers
    assert all(r.headers.get("x-api-key") == API_KEY for r in script.requests[:-1])


def test_x_api_key_mode_sends_only_that_header() -> None:
    client, script = make_client(STATUS_OK, auth_header="x-api-key")
    client.status()
    assert script.requests[0].headers["x-api-key"] == API_KEY
    assert "authorization" not in script.requests[0].headers


def test_an_unknown_auth_header_mode_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="auth_header"):
        Client(API_KEY, base_url=BASE_URL, auth_header="basic")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [API_KEY + "\n", " " + API_KEY, "sk-with inner-space", "sk-\x00"])
def test_a_key_with_whitespace_or_control_characters_is_refused_without_quoting_it(
    key: str,
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Client(key, base_url=BASE_URL)
    assert caught.value.field == "api_key"
    assert key.strip() not in _everything_about(caught.value)
