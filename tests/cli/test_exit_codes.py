"""One exit code per class of failure; the most specific class decides; hints say what to do."""

from __future__ import annotations

import re
from pathlib import Path

import imagegen._errors as errors
import pytest
from imagegen._types import GenerationStatus
from imagegen.cli._exit_codes import EXIT_CODE_TABLE, ExitCode, exit_code_for, hint_for

from tests.factories import make_generation

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _api(cls, code="X", status=400, **kwargs):
    return cls("message", status_code=status, code=code, **kwargs)


FAILED = make_generation(id="3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21", status=GenerationStatus.FAILED)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.InvalidRequestError("bad", field="prompt"), ExitCode.USAGE),
        (_api(errors.AuthenticationError, status=401), ExitCode.AUTH),
        (_api(errors.InsufficientCreditsError, status=402), ExitCode.INSUFFICIENT_CREDITS),
        (_api(errors.NotFoundError, status=404), ExitCode.NOT_FOUND),
        (_api(errors.RateLimitError, status=429), ExitCode.RATE_LIMITED),
        (_api(errors.ConcurrentGenerationError, status=429), ExitCode.RATE_LIMITED),
        (_api(errors.ContentPolicyError), ExitCode.CONTENT_POLICY),
        (_api(errors.ImageInputError), ExitCode.IMAGE_INPUT),
        (_api(errors.ValidationError, status=422), ExitCode.VALIDATION),
        (_api(errors.ServerError, status=500), ExitCode.SERVER),
        (_api(errors.ServiceUnavailableError, status=503), ExitCode.SERVER),
        (_api(errors.UnexpectedResponseError, status=418), ExitCode.SERVER),
        (_api(errors.APIError, status=409), ExitCode.ERROR),
        (errors.APIConnectionError(), ExitCode.CONNECTION),
        (errors.APITimeoutError(), ExitCode.CONNECTION),
        (errors.GenerationFailedError(FAILED, code="INVALID_IMAGE"), ExitCode.GENERATION_FAILED),
        (errors.WaitTimeoutError(FAILED.id, GenerationStatus.PROCESSING), ExitCode.WAIT_TIMEOUT),
        (errors.ImagegenError("other"), ExitCode.ERROR),
    ],
)
def test_exit_code_by_class(error, expected):
    assert exit_code_for(error) == expected


def test_a_rate_limit_hint_names_the_wait():
    error = _api(errors.RateLimitError, code="RATE_LIMIT_ERROR", status=429, retry_after=42.2)
    assert hint_for(error) == "wait 42 s and try again"


def test_the_failure_code_of_a_generation_picks_the_hint():
    error = errors.GenerationFailedError(FAILED, code="NSFW_CONTENT_DETECTED")
    hint = hint_for(error)
    assert hint is not None
    assert "rephrase the prompt" in hint
    assert "refunded" in hint


def test_an_undocumented_5xx_gets_the_server_hint():
    hint = hint_for(_api(errors.APIError, code="TEAPOT", status=599))
    assert hint is not None
    assert "request id" in hint


def test_docs_list_the_same_exit_codes():
    rows = dict(re.findall(r"^\|\s*`?(\d+)`?\s*\|\s*([^|]+?)\s*\|", DOCS.read_text(), re.M))
    assert {int(code) for code in rows} == {int(code) for code, _ in EXIT_CODE_TABLE}


def test_a_concurrent_generation_hint_says_to_wait_for_it_not_a_fixed_time():
    error = _api(
        errors.ConcurrentGenerationError,
        code="CONCURRENT_GENERATION_ERROR",
        status=429,
        retry_after=60.0,
    )
    assert "wait for the one in progress" in hint_for(error)


def test_a_base_url_without_its_version_prefix_is_a_setting_to_change() -> None:
    import httpx
    from imagegen._errors import error_from_response
    from imagegen.cli._exit_codes import ExitCode, exit_code_for, hint_for

    request = httpx.Request("GET", "http://127.0.0.1:9/images")
    error = error_from_response(httpx.Response(404, text="Not Found", request=request))
    assert exit_code_for(error) == ExitCode.USAGE
    hint = hint_for(error)
    assert hint is not None
    assert "IMAGEGEN_BASE_URL" in hint
    assert "/v1" in hint
    assert "try again" not in hint
    # The advice comes before the URL, so a line cut short for a terminal keeps it.
    assert error.message.index("version prefix") < error.message.index("127.0.0.1")
