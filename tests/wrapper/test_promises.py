"""Promises the README and docs/client.md make, held under the ways they broke: clocks that
disagree, answers that lie about their encoding or nest without end, keys echoed back, one
retry rule for the client and `.retryable`, sleeps inside a wait, codes sent with the wrong
status, stale pooled connections, and errors after a create that must name the generation."""

from __future__ import annotations

import datetime
import email.utils
import gzip
import logging
from typing import Any

import httpx
import pytest
from imagegen import (
    APIConnectionError,
    APIError,
    AsyncClient,
    Client,
    ImagegenError,
    InvalidRequestError,
    RateLimitError,
    RetryPolicy,
    ServiceUnavailableError,
    UnexpectedResponseError,
    VirtualClock,
    WaitTimeoutError,
)
from imagegen._retry import decide

from .test_client_scripted import (
    API_KEY,
    BASE_URL,
    GENERATION_ID,
    OTHER_ID,
    STATUS_OK,
    created,
    error,
    generation,
    make_async_client,
    make_client,
    ok,
    page,
)

PROMPT = "A lighthouse on a cliff at dusk"
POLICY = RetryPolicy(max_retries=2, initial_delay=1.0, jitter=0.0)
DROPPED = httpx.RemoteProtocolError("peer closed connection without sending complete message")
DAY = 86_400.0


def _iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).isoformat()


def _server_page(server_now: float, *items: dict[str, Any], date: bool = True) -> httpx.Response:
    """A listImages answer from a server whose clock reads `server_now`."""
    answer = page(*items)
    headers = dict(answer.headers)
    if date:
        headers["Date"] = email.utils.formatdate(server_now, usegmt=True)
    return httpx.Response(200, headers=headers, content=answer.content)


def _listed(created_at: float, status: str = "starting", **fields: Any) -> dict[str, Any]:
    values = {"prompt": PROMPT, "creditCost": 1, "createdAt": _iso(created_at), **fields}
    return generation(GENERATION_ID, status, **values)


def _posts(script: Any) -> int:
    return sum(1 for r in script.requests if r.method == "POST")


# -- 1. never charge twice, whatever the two clocks say -----------------------------------------


@pytest.mark.parametrize("skew", [-DAY, -3600.0, -130.0, 0.0, 130.0, 3600.0, DAY])
@pytest.mark.parametrize("status", ["starting", "succeeded"])
@pytest.mark.parametrize("start", [0.0, 74_985.13])
def test_a_lost_create_is_found_whatever_the_server_clock_says(
    skew: float, status: str, start: float
) -> None:
    # The server's clock is `skew` seconds off the client's, and says so in its Date header;
    # createdAt is on the server's clock. A succeeded generation (a fast server) is not the
    # "newest and in progress" case: only the server-time window can find it.
    clock = VirtualClock(start=start)

    def listing(request: httpx.Request) -> httpx.Response:
        server_now = clock.time() + skew
        return _server_page(server_now, _listed(server_now - 1.2, status))

    client, script = make_client(DROPPED, listing, retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


@pytest.mark.parametrize("skew", [-DAY, DAY])
def test_a_truncated_created_answer_is_reconciled_whatever_the_server_clock_says(
    skew: float,
) -> None:
    clock = VirtualClock(start=12_345.6)
    truncated = httpx.Response(201, content=b'{"success": true, "data": {"generationId": "7c')

    def listing(request: httpx.Request) -> httpx.Response:
        server_now = clock.time() + skew
        return _server_page(server_now, _listed(server_now, "succeeded"))

    client, script = make_client(truncated, listing, retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


@pytest.mark.parametrize("skew", [-DAY, DAY])
def test_without_a_date_header_the_newest_generation_in_progress_is_the_lost_one(
    skew: float,
) -> None:
    # No Date: nothing says what time it is on the server. The account runs one generation at
    # a time, so one in progress at the head of the list is what the lost create made.
    clock = VirtualClock(start=99.0)

    def listing(request: httpx.Request) -> httpx.Response:
        return _server_page(0, _listed(clock.time() + skew, "processing"), date=False)

    client, script = make_client(DROPPED, listing, retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


def test_a_date_header_that_disagrees_with_created_at_still_finds_the_one_in_progress() -> None:
    # A stub whose framework writes the real Date while its createdAt runs a day ahead.
    clock = VirtualClock(start=5.0)

    def listing(request: httpx.Request) -> httpx.Response:
        return _server_page(clock.time(), _listed(clock.time() + DAY, "starting"))

    client, script = make_client(DROPPED, listing, retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


def test_an_older_finished_generation_with_the_same_prompt_is_not_taken_for_the_lost_one() -> None:
    # On the server's clock it was made an hour before the create was sent: sent again.
    clock = VirtualClock(start=500.0)
    skew = -DAY

    def listing(request: httpx.Request) -> httpx.Response:
        server_now = clock.time() + skew
        return _server_page(server_now, _listed(server_now - 3600, "succeeded"))

    client, script = make_client(DROPPED, listing, created(OTHER_ID), retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == OTHER_ID
    assert _posts(script) == 2


async def test_async_a_lost_create_is_found_with_the_server_a_day_ahead() -> None:
    clock = VirtualClock(start=3.3)

    def listing(request: httpx.Request) -> httpx.Response:
        server_now = clock.time() + DAY
        return _server_page(server_now, _listed(server_now - 1, "succeeded"))

    client, script = make_async_client(DROPPED, listing, retry=POLICY, clock=clock)
    assert (await client.images.create(PROMPT)).id == GENERATION_ID
    assert _posts(script) == 1


# -- 5 and 6. nothing but an ImagegenError escapes ------------------------------------------------


def _lying_gzip(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, content=b"this is not gzip at all"
    )


def test_a_body_that_lies_about_its_encoding_is_an_imagegen_error_and_retried() -> None:
    client, script = make_client(_lying_gzip, STATUS_OK, retry=POLICY)
    assert client.status().account_id  # the read was retried and then succeeded
    assert len(script.requests) == 2


def test_a_body_that_always_lies_about_its_encoding_ends_as_a_connection_error() -> None:
    client, _ = make_client(_lying_gzip, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.images.get(GENERATION_ID)
    assert "decoded" in caught.value.message


async def test_async_a_body_that_lies_about_its_encoding_is_an_imagegen_error() -> None:
    client, _ = make_async_client(_lying_gzip, max_retries=0)
    with pytest.raises(APIConnectionError):
        await client.status()


def test_a_real_gzip_body_is_read() -> None:
    body = gzip.compress(STATUS_OK.content)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=body)

    client, _ = make_client(answer)
    assert client.status().account_id


def test_too_many_redirects_is_an_imagegen_error() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    client, _ = make_client(*[loop] * 10, max_retries=0)
    with pytest.raises(ImagegenError):
        client.status()


@pytest.mark.parametrize("status", [400, 404, 429, 500, 503])
def test_an_error_body_nested_thousands_deep_is_an_api_error(status: int) -> None:
    nested = "[" * 5000 + "]" * 5000
    answer = httpx.Response(status, content=nested.encode())
    client, _ = make_client(answer, max_retries=0)
    with pytest.raises(APIError) as caught:
        client.status()
    assert caught.value.status_code == status
    assert caught.value.body == nested


def test_an_interrupted_create_leaves_pacing_waiting_for_the_generation_still_in_progress() -> None:
    # The second create waits for the first generation (1 in progress); Ctrl-C in that wait.
    # The generation is still running on the server: the next create must wait for it too (had
    # pacing forgotten it, that create would be sent at once and answered 429).
    clock = VirtualClock()

    def interrupt(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    client, _ = make_client(created(GENERATION_ID), interrupt, clock=clock)
    client.images.create(PROMPT)
    assert client._core.pacer is not None
    assert client._core.pacer.blocking() == [GENERATION_ID]
    with pytest.raises(KeyboardInterrupt):
        client.images.create(PROMPT)
    assert client._core.pacer.blocking() == [GENERATION_ID]
    # ... and the create lock is not left held: the next create is not stuck behind it.
    assert not client._io._create_lock.locked()


async def test_a_cancelled_async_create_leaves_pacing_waiting_and_the_lock_free() -> None:
    import asyncio

    looking = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return created(GENERATION_ID)
        looking.set()  # the second create's pacing looks at the first generation...
        await asyncio.Event().wait()  # ... and gets no answer before it is cancelled
        raise AssertionError("not reached")

    async with AsyncClient(
        API_KEY,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        clock=VirtualClock(),
    ) as client:
        await client.images.create(PROMPT)
        second = asyncio.ensure_future(client.images.create(PROMPT))
        await looking.wait()
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        assert client._core.pacer is not None
        assert client._core.pacer.blocking() == [GENERATION_ID]
        assert client._io._create_lock is not None
        assert not client._io._create_lock.locked()


def test_a_redirect_loop_is_an_unexpected_response_that_says_so() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/v1/status"})

    http = httpx.Client(transport=httpx.MockTransport(loop))
    client = Client(API_KEY, base_url=BASE_URL, http_client=http, max_retries=0)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.status()
    assert "more than 5 redirects" in str(caught.value)
    assert caught.value.status_code == 302


# -- 9. secrets -----------------------------------------------------------------------------------


def _everything_about(error: BaseException) -> str:
    parts = [str(error), repr(error), repr(error.args), *map(repr, vars(error).values())]
    cause = error.__cause__ or error.__context__
    if cause is not None:
        parts.append(_everything_about(cause))
    return " ".join(parts)


@pytest.mark.parametrize(
    "echo",
    [
        httpx.Response(
            401,
            headers={"X-Request-ID": f"req-{API_KEY}"},
            json={"success": False, "error": "INVALID_API_TOKEN", "message": "Bad token."},
        ),
        httpx.Response(
            401, json={"success": False, "error": f"BAD_{API_KEY}", "message": "Bad token."}
        ),
        httpx.Response(400, json={"success": False, "message": API_KEY}),
        httpx.Response(200, headers={"X-Request-ID": API_KEY}, content=b"{not json"),
        httpx.Response(404, headers={"X-Echo": f"Bearer {API_KEY}"}, text=f"no route {API_KEY}"),
    ],
    ids=["request-id", "error-field", "message-shape", "2xx-request-id", "header-and-page"],
)
def test_a_key_echoed_anywhere_reaches_no_exception_and_no_log_record(
    echo: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = make_client(echo, max_retries=0)
    with caplog.at_level(logging.DEBUG, logger="imagegen"), pytest.raises(APIError) as caught:
        client.status()
    assert API_KEY not in _everything_about(caught.value)
    assert API_KEY not in str(dict(caught.value.headers))
    for record in caplog.records:
        assert API_KEY not in record.getMessage()


def test_a_retry_log_of_an_echoed_request_id_shows_no_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    echo = error(503, **{"X-Request-ID": f"id-{API_KEY}"})
    client, _ = make_client(echo, STATUS_OK, retry=POLICY)
    with caplog.at_level(logging.DEBUG, logger="imagegen"):
        client.status()
    messages = [r.getMessage() for r in caplog.records]
    assert any("retrying getStatus" in m for m in messages)
    assert all(API_KEY not in m for m in messages)


def test_a_failure_reason_that_echoes_the_key_is_scrubbed() -> None:
    failed = ok(generation(status="failed", failureReason=f"key {API_KEY} refused"))
    client, _ = make_client(failed)
    with pytest.raises(ImagegenError) as caught:
        client.images.wait(GENERATION_ID)
    assert API_KEY not in _everything_about(caught.value)


# -- 10 and 12. one answer to "may this be retried?" ----------------------------------------------

ANSWERS = [
    error(429, "RATE_LIMIT_ERROR"),
    error(500, "GENERATION_START_FAILED"),
    error(500, "INTERNAL_SERVER_ERROR"),
    error(502),
    httpx.Response(502, text="<html>bad gateway</html>"),
    error(503),
    error(503, "INVALID_API_TOKEN"),
    error(500, "INSUFFICIENT_CREDITS"),
    error(402, "INSUFFICIENT_CREDITS"),
    error(401, "INVALID_API_TOKEN"),
    error(400, "VALIDATION_ERROR"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: f"{a.status_code}")
@pytest.mark.parametrize("operation", ["create", "read"])
def test_retryable_says_what_the_client_then_does(answer: httpx.Response, operation: str) -> None:
    # First without retries: the error and its `.retryable`. Then with one retry allowed: did
    # the client send the request again? The two must agree.
    def call(client: Any) -> object:
        return client.images.create(PROMPT) if operation == "create" else client.status()

    lone, _ = make_client(answer, page(), max_retries=0, pacing=None)
    with pytest.raises(APIError) as caught:
        call(lone)
    retryable = caught.value.retryable
    assert retryable is decide(caught.value, creates=operation == "create").sends_again

    sent: list[str] = []

    def route(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/v1/images":
            return page()  # a look for a create that may have taken effect: not there
        sent.append(request.url.path)
        if len(sent) == 1:
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        return created() if operation == "create" else STATUS_OK

    again, _ = make_client(*[route] * 4, retry=POLICY, pacing=None)
    try:
        call(again)
        resent = True
    except APIError:
        resent = False
    assert resent is retryable
    assert (len(sent) == 2) is retryable


def test_a_create_answered_502_by_a_gateway_is_retryable_and_sent_again_after_a_look() -> None:
    client, script = make_client(error(502), page(), created(), retry=POLICY, pacing=None)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert script.methods() == ["POST /v1/images", "GET /v1/images", "POST /v1/images"]


def test_a_code_sent_with_a_status_the_docs_do_not_give_it_follows_the_status() -> None:
    client, _ = make_client(error(503, "INVALID_API_TOKEN"), STATUS_OK, retry=POLICY)
    assert client.status().account_id  # retried, as a 503 is
    lone, _ = make_client(error(503, "INVALID_API_TOKEN"), max_retries=0)
    with pytest.raises(ServiceUnavailableError) as caught:
        lone.status()
    assert caught.value.code == "INVALID_API_TOKEN"  # kept as sent
    assert caught.value.retryable is True


def test_a_documented_code_with_its_own_status_keeps_its_class() -> None:
    client, _ = make_client(error(429, "CONCURRENT_GENERATION_ERROR"), max_retries=0)
    with pytest.raises(RateLimitError) as caught:
        client.status()
    assert type(caught.value).__name__ == "ConcurrentGenerationError"


# -- 11. sleeps inside a wait respect its deadline ------------------------------------------------


@pytest.mark.parametrize("start", [0.0, 1_234_567.25])
def test_a_retry_inside_a_wait_does_not_sleep_past_its_deadline(start: float) -> None:
    clock = VirtualClock(start=start)
    processing = ok(generation(status="processing"))
    slow_down = error(429, "RATE_LIMIT_ERROR", **{"Retry-After": "50"})
    client, script = make_client(
        processing, slow_down, slow_down, slow_down, clock=clock, retry=RetryPolicy(max_retries=5)
    )
    with pytest.raises(WaitTimeoutError) as caught:
        client.images.wait(GENERATION_ID, timeout=30)
    elapsed = clock.monotonic() - start
    assert elapsed <= 30.0 + 1e-6
    assert caught.value.generation_id == GENERATION_ID
    assert isinstance(caught.value.__cause__, RateLimitError)
    assert all(moment - start <= 30.0 + 1e-6 for moment in script.sent_at)


async def test_async_a_retry_inside_a_wait_does_not_sleep_past_its_deadline() -> None:
    clock = VirtualClock(start=42.0)
    slow_down = error(429, "RATE_LIMIT_ERROR", **{"Retry-After": "50"})
    client, _ = make_async_client(slow_down, slow_down, slow_down, clock=clock)
    with pytest.raises(WaitTimeoutError):
        await client.images.wait(GENERATION_ID, timeout=30)
    assert clock.monotonic() - 42.0 <= 30.0 + 1e-6


def test_a_failed_look_before_the_deadline_is_raised_as_it_is() -> None:
    client, _ = make_client(error(401, "INVALID_API_TOKEN"))
    with pytest.raises(APIError):
        client.images.wait(GENERATION_ID, timeout=30)


# -- 16. a stale pooled connection is retried silently --------------------------------------------

STALE = httpx.RemoteProtocolError("Server disconnected without sending a response.")


def test_a_stale_pooled_connection_is_retried_at_once_and_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = VirtualClock()
    done = ok(generation(status="succeeded"))
    client, script = make_client(STALE, done, clock=clock)
    with caplog.at_level(logging.INFO, logger="imagegen"):
        assert client.images.get(GENERATION_ID).succeeded
    assert len(script.requests) == 2
    assert script.sent_at[0] == script.sent_at[1]  # no back-off
    assert not caplog.records  # nothing on a user's stderr


def test_a_connection_closed_again_is_retried_as_any_failure_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, script = make_client(STALE, STALE, STALE, retry=POLICY)
    with caplog.at_level(logging.WARNING, logger="imagegen"), pytest.raises(APIConnectionError):
        client.images.get(GENERATION_ID)
    assert len(script.requests) == 3
    assert len([r for r in caplog.records if "retrying getImage" in r.getMessage()]) == 1


def test_with_retries_off_a_closed_connection_is_raised() -> None:
    client, _ = make_client(STALE, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.images.get(GENERATION_ID)
    assert caught.value.stale_connection is True


# -- 3. what fails after a create names the generation -------------------------------------------


def test_an_error_after_the_create_carries_the_generation_id() -> None:
    client, _ = make_client(created(), error(401, "INVALID_API_TOKEN"))
    with pytest.raises(APIError) as caught:
        client.generate(PROMPT)
    assert caught.value.generation_id == GENERATION_ID


async def test_async_an_error_after_the_create_carries_the_generation_id() -> None:
    failed = ok(generation(status="failed", failureReason="NSFW_CONTENT_DETECTED"))
    client, _ = make_async_client(created(), failed)
    with pytest.raises(ImagegenError) as caught:
        await client.generate(PROMPT)
    assert caught.value.generation_id == GENERATION_ID


def test_an_error_before_the_create_carries_none() -> None:
    client, _ = make_client(error(402, "INSUFFICIENT_CREDITS"))
    with pytest.raises(APIError) as caught:
        client.generate(PROMPT)
    assert caught.value.generation_id is None


@pytest.mark.parametrize("target", ["/proc/nope/out", "file"])
def test_a_download_target_that_cannot_be_written_is_refused_before_the_create(
    target: str, tmp_path: Any
) -> None:
    existing = tmp_path / "file"
    existing.write_text("not a directory")
    path = existing if target == "file" else target
    client, script = make_client()  # any request fails the test: none is scripted
    with pytest.raises(InvalidRequestError) as caught:
        client.generate(PROMPT, download_to=path)
    assert caught.value.field == "download_to"
    assert script.requests == []
    with pytest.raises(InvalidRequestError):
        client.generate_many([PROMPT], download_to=path)
    assert script.requests == []


def test_unexpected_response_error_is_still_what_a_2xx_that_cannot_be_read_is() -> None:
    client, _ = make_client(httpx.Response(200, content=b"{"), max_retries=0)
    with pytest.raises(UnexpectedResponseError):
        client.status()


# -- 17. a base URL without its version prefix -----------------------------------------------------


@pytest.mark.parametrize("call", ["account", "get", "status", "list"])
def test_a_base_url_without_the_version_prefix_says_so(call: str) -> None:
    from imagegen.testing import Sandbox

    with Sandbox() as sandbox:
        prefix_less = str(httpx.URL(sandbox.base_url).copy_with(path="/"))
        client = sandbox.client(base_url=prefix_less, max_retries=0)
        calls = {
            "account": client.account,
            "get": lambda: client.images.get(GENERATION_ID),
            "status": client.status,
            "list": client.images.list,
        }
        with pytest.raises(UnexpectedResponseError) as caught:
            calls[call]()
    message = caught.value.message
    assert "base URL is probably wrong" in message
    assert "ACCOUNT_NOT_FOUND" not in message
    assert "GENERATION_NOT_FOUND" not in message


# -- 7. the client's own settings: text that cannot go into a request ----------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"api_key": "sk-café-0123456789"},
        {"api_key": "sk-caf\udce9-0123456789"},
        {"base_url": "https://api.test/v\udce91"},
        {"base_url": "https://api.tést/v1"},
    ],
    ids=["key-non-ascii", "key-surrogate", "url-surrogate", "url-idna"],
)
def test_settings_that_cannot_be_sent_are_refused_when_the_client_is_made(
    settings: dict[str, str],
) -> None:
    from imagegen import AsyncClient, Client

    kwargs = {"api_key": API_KEY, "base_url": "https://api.test/v1", **settings}
    if settings.get("base_url") == "https://api.tést/v1":
        # An internationalised host name is a valid URL: it is sent as its IDNA form.
        Client(**kwargs).close()
        return
    for cls in (Client, AsyncClient):
        with pytest.raises(InvalidRequestError) as caught:
            cls(**kwargs)
        assert caught.value.field == next(iter(settings))
        assert "0123456789" not in str(caught.value)


# -- found by an adversarial stub server ---------------------------------------------------------


class _BreaksOff(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that sends a few bytes and then the connection breaks."""

    def __iter__(self) -> Any:
        yield b'{"success": true, "da'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    async def __aiter__(self) -> Any:
        yield b'{"success": true, "da'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def _broken(status: int) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Content-Length": "500"}, stream=_BreaksOff())

    return answer


def test_a_created_answer_whose_body_breaks_off_is_never_sent_again() -> None:
    # The status line said 201: the generation exists, even if the list does not show it yet.
    client, script = make_client(_broken(201), page(), created(OTHER_ID), retry=POLICY)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.images.create(PROMPT)
    assert caught.value.status_code == 201
    assert caught.value.retryable is False
    assert _posts(script) == 1


async def test_async_a_created_answer_whose_body_breaks_off_is_never_sent_again() -> None:
    client, script = make_async_client(_broken(201), page(), created(OTHER_ID), retry=POLICY)
    with pytest.raises(UnexpectedResponseError):
        await client.images.create(PROMPT)
    assert _posts(script) == 1


def test_a_created_answer_whose_body_breaks_off_is_found_in_the_list() -> None:
    clock = VirtualClock(start=77.0)
    listing = _server_page(clock.time(), _listed(clock.time(), "succeeded"))
    client, script = make_client(_broken(201), listing, retry=POLICY, clock=clock)
    assert client.images.create(PROMPT).id == GENERATION_ID
    assert _posts(script) == 1


def test_a_read_whose_body_breaks_off_is_retried() -> None:
    client, script = make_client(_broken(200), STATUS_OK, retry=POLICY)
    assert client.status().account_id
    assert len(script.requests) == 2


@pytest.mark.parametrize("status", [200, 500])
def test_header_bytes_no_encoding_round_trips_are_no_crash(status: int) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, headers=[(b"X-Request-ID", b"\xff\xfe")], content=b"{not json"
        )

    client, _ = make_client(answer, max_retries=0)
    with pytest.raises(APIError):
        client.status()


def test_an_unknown_status_that_echoes_the_key_is_scrubbed_from_the_wait_error() -> None:
    echo = ok(generation(status=f"canceled by {API_KEY}"))
    client, _ = make_client(echo)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.images.wait(GENERATION_ID)
    assert API_KEY not in _everything_about(caught.value)


@pytest.mark.parametrize("auth_header", ["bearer", "x-api-key"])
def test_the_key_is_not_left_on_the_chained_httpx_exception(auth_header: str) -> None:
    client, _ = make_client(DROPPED, max_retries=0, auth_header=auth_header)
    with pytest.raises(APIConnectionError) as caught:
        client.status()
    cause = caught.value.__cause__
    assert isinstance(cause, httpx.RequestError)
    assert API_KEY not in str(dict(cause.request.headers))


def test_a_download_error_whose_urls_echo_the_key_is_scrubbed(tmp_path: Any) -> None:
    import pickle

    done = generation(status="succeeded", outputImages=[f"https://cdn.test/0.png?token={API_KEY}"])

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.test":
            return httpx.Response(404)
        return ok(done)

    client, _ = make_client(*[route] * 6, retry=POLICY)
    with pytest.raises(ImagegenError) as caught:
        client.images.download(GENERATION_ID, tmp_path)
    error = caught.value
    everything = _everything_about(error) + repr(pickle.dumps(error))
    everything += repr(getattr(error, "errors", "")) + repr(getattr(error, "files", ""))
    assert API_KEY not in everything


@pytest.mark.parametrize(
    ("failure", "operation", "expected"),
    [
        (DROPPED, "read", True),
        (DROPPED, "create", True),  # looked for, then sent again
        (httpx.ConnectError("refused"), "create", True),
        (STALE, "read", True),
    ],
)
def test_a_failure_without_an_answer_says_whether_it_is_retryable(
    failure: Exception, operation: str, expected: bool
) -> None:
    client, _ = make_client(failure, page(), max_retries=0, pacing=None)
    call = (lambda: client.images.create(PROMPT)) if operation == "create" else client.status
    with pytest.raises(APIConnectionError) as caught:
        call()
    assert caught.value.retryable is expected
