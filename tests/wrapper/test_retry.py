"""Retries: reads retry on anything transient, creates only where nothing was created, never on
answers that cannot change; waits follow the server's reset headers or jittered backoff, within
a budget, on a virtual clock; every retry is logged with the request id and the reason."""

from __future__ import annotations

import logging
import random

import httpx
import pytest
from imagegen import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ContentPolicyError,
    ErrorCode,
    ImagegenError,
    InsufficientCreditsError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
    ValidationError,
    VirtualClock,
)
from imagegen._retry import Outcome, decide

from .test_client_scripted import (
    GENERATION_ID,
    STATUS_OK,
    created,
    error,
    generation,
    make_async_client,
    make_client,
    ok,
)

NO_JITTER = RetryPolicy(max_retries=3, initial_delay=1.0, multiplier=2.0, jitter=0.0)


# -- the policy ---------------------------------------------------------------------------------


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, multiplier=2.0, max_delay=3.0, jitter=0.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    jittered = RetryPolicy(initial_delay=1.0, multiplier=2.0, max_delay=60.0, jitter=0.5)
    rng = random.Random(7)
    waits = [jittered.backoff(3, rng) for _ in range(200)]
    assert all(4.0 <= w <= 4.5 for w in waits)
    assert len(set(waits)) > 100  # really spread, so clients do not retry in lockstep


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="multiplier"):
        RetryPolicy(multiplier=0.5)


@pytest.mark.parametrize(
    ("status", "code", "read", "create"),
    [
        (429, ErrorCode.RATE_LIMIT_ERROR, Outcome.RETRY, Outcome.RETRY),
        (429, ErrorCode.CONCURRENT_GENERATION_ERROR, Outcome.RETRY, Outcome.RETRY),
        (500, ErrorCode.GENERATION_START_FAILED, Outcome.RETRY, Outcome.RETRY),
        (500, ErrorCode.GENERATION_INIT_FAILED, Outcome.RETRY, Outcome.RETRY),
        (503, "SERVICE_UNAVAILABLE", Outcome.RETRY, Outcome.RETRY),
        (500, ErrorCode.INTERNAL_SERVER_ERROR, Outcome.RETRY, Outcome.NEVER),
        (500, ErrorCode.CREDIT_PROCESSING_FAILED, Outcome.RETRY, Outcome.NEVER),
        (500, ErrorCode.GENERATION_UPDATE_FAILED, Outcome.RETRY, Outcome.NEVER),
        # A gateway's answer: the create may have been taken; looked for before it is resent.
        (502, "UNEXPECTED_RESPONSE", Outcome.RETRY, Outcome.LOOK_THEN_RETRY),
        (504, "UNEXPECTED_RESPONSE", Outcome.RETRY, Outcome.LOOK_THEN_RETRY),
        # A 2xx that could not be read: a create made something; never resent.
        (201, "UNEXPECTED_RESPONSE", Outcome.NEVER, Outcome.LOOK),
        (402, ErrorCode.INSUFFICIENT_CREDITS, Outcome.NEVER, Outcome.NEVER),
        (400, ErrorCode.NSFW_CONTENT_DETECTED, Outcome.NEVER, Outcome.NEVER),
        (401, ErrorCode.INVALID_API_TOKEN, Outcome.NEVER, Outcome.NEVER),
        (400, ErrorCode.VALIDATION_ERROR, Outcome.NEVER, Outcome.NEVER),
        (422, ErrorCode.VALIDATION_ERROR, Outcome.NEVER, Outcome.NEVER),
        (404, ErrorCode.GENERATION_NOT_FOUND, Outcome.NEVER, Outcome.NEVER),
        # A code sent with a status the docs do not give it: the status decides.
        (500, ErrorCode.INSUFFICIENT_CREDITS, Outcome.RETRY, Outcome.NEVER),
        (503, ErrorCode.INVALID_API_TOKEN, Outcome.RETRY, Outcome.RETRY),
        (429, ErrorCode.VALIDATION_ERROR, Outcome.RETRY, Outcome.RETRY),
        (400, ErrorCode.RATE_LIMIT_ERROR, Outcome.NEVER, Outcome.NEVER),
        (429, "A_CODE_NOBODY_DOCUMENTED", Outcome.RETRY, Outcome.RETRY),
        (418, "UNEXPECTED_RESPONSE", Outcome.NEVER, Outcome.NEVER),
    ],
)
def test_which_answers_are_retried(status: int, code: str, read: Outcome, create: Outcome) -> None:
    answer = APIError("x", status_code=status, code=code)
    assert decide(answer, creates=False) is read
    assert decide(answer, creates=True) is create


@pytest.mark.parametrize(
    ("error", "read", "create"),
    [
        (APIConnectionError("refused", request_sent=False), Outcome.RETRY, Outcome.RETRY),
        (APIConnectionError("reset", request_sent=True), Outcome.RETRY, Outcome.LOOK_THEN_RETRY),
        (APITimeoutError("slow", request_sent=True), Outcome.RETRY, Outcome.LOOK_THEN_RETRY),
    ],
)
def test_which_failures_without_an_answer_are_retried(
    error: ImagegenError, read: Outcome, create: Outcome
) -> None:
    assert decide(error, creates=False) is read
    assert decide(error, creates=True) is create


# -- reads --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "1"}),
        error(500, "INTERNAL_SERVER_ERROR"),
        error(503),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("peer closed connection"),
    ],
    ids=["429", "500", "503", "502-html", "connect", "read-timeout", "dropped"],
)
def test_reads_retry_on_transient_failures(failure: httpx.Response | Exception) -> None:
    client, script = make_client(failure, failure, STATUS_OK, retry=NO_JITTER)
    status = client.status()
    assert status.account_id == "5b0c6a3e-2f4d-4c1e-9a57-3d2b8f6e1a90"
    assert len(script.requests) == 3


@pytest.mark.parametrize(
    ("answer", "raised"),
    [
        (error(401, "INVALID_API_TOKEN"), AuthenticationError),
        (error(402, "INSUFFICIENT_CREDITS"), InsufficientCreditsError),
        (error(400, "VALIDATION_ERROR"), ValidationError),
    ],
)
def test_reads_do_not_retry_answers_that_cannot_change(
    answer: httpx.Response, raised: type[APIError]
) -> None:
    client, script = make_client(answer, STATUS_OK, retry=NO_JITTER)
    with pytest.raises(raised):
        client.status()
    assert len(script.requests) == 1


def test_reads_give_up_after_max_retries_with_the_last_error() -> None:
    client, script = make_client(
        error(500, "FETCH_FAILED"), error(500, "FETCH_FAILED"), error(503), max_retries=2
    )
    with pytest.raises(ServiceUnavailableError):
        client.account()
    assert len(script.requests) == 3


def test_max_retries_zero_sends_once() -> None:
    client, script = make_client(error(503), STATUS_OK, max_retries=0)
    with pytest.raises(ServiceUnavailableError):
        client.status()
    assert len(script.requests) == 1


def test_the_wait_honours_x_ratelimit_reset_as_seconds() -> None:
    client, script = make_client(
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "12"}), STATUS_OK, retry=NO_JITTER
    )
    client.status()
    assert script.sent_at[1] - script.sent_at[0] == pytest.approx(12.0)


def test_the_wait_honours_x_ratelimit_reset_as_a_moment() -> None:
    clock = VirtualClock()
    reset = str(int(clock.time()) + 25)
    client, script = make_client(
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": reset}),
        STATUS_OK,
        retry=NO_JITTER,
        clock=clock,
    )
    client.status()
    assert script.sent_at[1] - script.sent_at[0] == pytest.approx(25.0)


def test_the_wait_honours_retry_after() -> None:
    client, script = make_client(error(503, **{"Retry-After": "8"}), STATUS_OK, retry=NO_JITTER)
    client.status()
    assert script.sent_at[1] - script.sent_at[0] == pytest.approx(8.0)


def test_without_headers_the_wait_is_exponential_backoff() -> None:
    client, script = make_client(
        error(500, "FETCH_FAILED"),
        error(500, "FETCH_FAILED"),
        error(500, "FETCH_FAILED"),
        STATUS_OK,
        retry=NO_JITTER,
    )
    client.status()
    gaps = [b - a for a, b in zip(script.sent_at, script.sent_at[1:], strict=False)]
    assert gaps == pytest.approx([1.0, 2.0, 4.0])


def test_a_wait_past_the_budget_is_not_taken() -> None:
    policy = RetryPolicy(max_retries=5, budget=20.0, jitter=0.0)
    client, script = make_client(
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "30"}), STATUS_OK, retry=policy
    )
    with pytest.raises(RateLimitError) as caught:
        client.status()
    assert caught.value.retry_after == 30.0
    assert len(script.requests) == 1
    assert script.clock.monotonic() == 0.0  # gave up at once rather than sleep in vain


def test_the_budget_counts_the_time_already_spent() -> None:
    policy = RetryPolicy(max_retries=10, budget=10.0, initial_delay=4.0, multiplier=1.0, jitter=0)
    client, script = make_client(*[error(503)] * 5, STATUS_OK, retry=policy)
    with pytest.raises(ServiceUnavailableError):
        client.status()
    # waits of 4 s: at 0, 4, 8 -> a fourth request at 12 would pass the 10 s budget
    assert script.sent_at == [0.0, 4.0, 8.0]


def test_a_server_asking_for_too_long_is_capped() -> None:
    policy = RetryPolicy(max_retries=1, max_server_delay=60.0, budget=600.0, jitter=0.0)
    client, script = make_client(error(503, **{"Retry-After": "3600"}), STATUS_OK, retry=policy)
    client.status()
    assert script.sent_at[1] == pytest.approx(60.0)


def test_every_retry_is_logged_with_the_request_id_and_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _ = make_client(
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "2"}),
        error(500, "FETCH_FAILED"),
        STATUS_OK,
        retry=NO_JITTER,
    )
    with caplog.at_level(logging.WARNING, logger="imagegen"):
        client.status()
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert "req_429" in retries[0]
    assert "RATE_LIMIT_ERROR" in retries[0]
    assert "getStatus" in retries[0]
    assert "req_500" in retries[1]
    assert "FETCH_FAILED" in retries[1]


def test_a_connection_failure_becomes_a_typed_error_that_says_whether_it_was_sent() -> None:
    client, _ = make_client(httpx.ConnectError("refused"), max_retries=0)
    with pytest.raises(APIConnectionError) as refused:
        client.status()
    assert refused.value.request_sent is False
    assert not isinstance(refused.value, APITimeoutError)
    client, _ = make_client(httpx.ReadTimeout("slow"), max_retries=0)
    with pytest.raises(APITimeoutError) as slow:
        client.status()
    assert slow.value.request_sent is True


# -- creates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "3"}),
        error(429, "CONCURRENT_GENERATION_ERROR", **{"Retry-After": "3"}),
        error(500, "GENERATION_START_FAILED"),
        error(500, "GENERATION_INIT_FAILED"),
        error(503),
        httpx.ConnectError("connection refused"),  # never sent: nothing created
        httpx.ConnectTimeout("no connection"),
    ],
    ids=["rate", "concurrent", "start-failed", "init-failed", "503", "connect", "connect-timeout"],
)
def test_creates_retry_only_where_nothing_was_created(failure: httpx.Response | Exception) -> None:
    client, script = make_client(failure, created(), retry=NO_JITTER)
    result = client.images.create("A lighthouse at dusk")
    assert result.id == GENERATION_ID
    assert script.methods() == ["POST /v1/images", "POST /v1/images"]
    assert script.bodies()[0] == script.bodies()[1] == {"prompt": "A lighthouse at dusk"}


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (error(402, "INSUFFICIENT_CREDITS"), InsufficientCreditsError),
        (error(400, "NSFW_CONTENT_DETECTED"), ContentPolicyError),
        (error(401, "AUTHENTICATION_FAILED"), AuthenticationError),
        (error(400, "VALIDATION_ERROR"), ValidationError),
        (error(422, "VALIDATION_ERROR"), ValidationError),
        (error(500, "INTERNAL_SERVER_ERROR"), ServerError),
        (error(500, "CREDIT_PROCESSING_FAILED"), ServerError),
    ],
    ids=["credits", "nsfw", "auth", "400", "422", "500", "credit-processing"],
)
def test_creates_are_not_retried_where_something_may_exist_or_nothing_can_change(
    failure: httpx.Response, raised: type[APIError]
) -> None:
    client, script = make_client(failure, created(), retry=NO_JITTER)
    with pytest.raises(raised) as caught:
        client.images.create("A lighthouse at dusk")
    assert caught.value.retryable is False
    assert len(script.requests) == 1


def test_a_concurrency_refusal_waits_for_the_reset_then_succeeds() -> None:
    client, script = make_client(
        error(429, "CONCURRENT_GENERATION_ERROR", **{"X-RateLimit-Reset": "40"}),
        created(),
        retry=NO_JITTER,
    )
    client.images.create("A lighthouse at dusk")
    assert script.sent_at == [0.0, 40.0]


# -- async: the same decisions --------------------------------------------------------------


async def test_async_reads_retry_and_honour_the_reset() -> None:
    client, script = make_async_client(
        error(429, "RATE_LIMIT_ERROR", **{"X-RateLimit-Reset": "5"}),
        httpx.RemoteProtocolError("dropped"),
        STATUS_OK,
        retry=NO_JITTER,
    )
    await client.status()
    assert len(script.requests) == 3
    assert script.sent_at[1] == pytest.approx(5.0)


async def test_async_creates_are_not_retried_on_insufficient_credits() -> None:
    client, script = make_async_client(error(402, "INSUFFICIENT_CREDITS"), created())
    with pytest.raises(InsufficientCreditsError):
        await client.images.create("A lighthouse at dusk")
    assert len(script.requests) == 1


async def test_async_creates_retry_on_generation_start_failed() -> None:
    client, script = make_async_client(
        error(500, "GENERATION_START_FAILED"), created(), retry=NO_JITTER
    )
    result = await client.images.create("A lighthouse at dusk")
    assert result.credit_cost == 1
    assert len(script.requests) == 2


def test_a_read_that_succeeds_needs_no_retry() -> None:
    client, script = make_client(ok(generation(GENERATION_ID, "processing")))
    assert client.images.get(GENERATION_ID).status == "processing"
    assert len(script.requests) == 1
