"""Every error the API can answer becomes the exception DESIGN.md names, with a stable `.code`.

The first test walks spec/openapi.yaml: every example of every error response of every operation
is served (with its status) through an httpx.MockTransport to the client method of that
operation, so an example added to the spec is covered here without touching this file.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from imagegen import (
    APIError,
    AuthenticationError,
    Client,
    ConcurrentGenerationError,
    ContentPolicyError,
    ErrorCode,
    GenerationFailedError,
    GenerationStatus,
    ImagegenError,
    ImageInputError,
    InsufficientCreditsError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
    _operations,
)
from imagegen._errors import SERVICE_UNAVAILABLE, UNEXPECTED_RESPONSE, error_from_response
from imagegen._operations import Kind
from imagegen._parsing import parse_response
from imagegen._retry import Outcome, decide
from imagegen._spec import operations as spec_operations

from tests.factories import make_generation

from .test_client_scripted import generation as generation_body

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
BASE_URL = "https://api.test/v1"
GENERATION_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

# What each documented code means, as DESIGN.md names it: written out, not derived from the code
# under test.
CLASS_OF_CODE: dict[ErrorCode, type[APIError]] = {
    ErrorCode.AUTHENTICATION_FAILED: AuthenticationError,
    ErrorCode.MISSING_API_TOKEN: AuthenticationError,
    ErrorCode.INVALID_API_TOKEN: AuthenticationError,
    ErrorCode.FAILED_TO_VALIDATE_TOKEN: ServerError,
    ErrorCode.INVALID_JSON: ValidationError,
    ErrorCode.VALIDATION_ERROR: ValidationError,
    ErrorCode.INVALID_GENERATION_ID: NotFoundError,
    ErrorCode.NSFW_CONTENT_DETECTED: ContentPolicyError,
    ErrorCode.IMAGE_SIZE_LIMIT_EXCEEDED: ImageInputError,
    ErrorCode.IMAGE_DOWNLOAD_FAILED: ImageInputError,
    ErrorCode.INSUFFICIENT_CREDITS: InsufficientCreditsError,
    ErrorCode.ACCOUNT_NOT_FOUND: NotFoundError,
    ErrorCode.GENERATION_NOT_FOUND: NotFoundError,
    ErrorCode.RATE_LIMIT_ERROR: RateLimitError,
    ErrorCode.CONCURRENT_GENERATION_ERROR: ConcurrentGenerationError,
    ErrorCode.FETCH_FAILED: ServerError,
    ErrorCode.IMAGE_UPLOAD_FAILED: ServerError,
    ErrorCode.GENERATION_UPDATE_FAILED: ServerError,
    ErrorCode.GENERATION_INIT_FAILED: ServerError,
    ErrorCode.CREDIT_PROCESSING_FAILED: ServerError,
    ErrorCode.GENERATION_START_FAILED: ServerError,
    ErrorCode.INTERNAL_SERVER_ERROR: ServerError,
    ErrorCode.INVALID_IMAGE: ImageInputError,
    ErrorCode.IMAGE_INACCESSIBLE: ImageInputError,
}
# The documented `detail` texts and the code each maps to (None: the text names no code).
DETAIL_CODES: dict[str, ErrorCode | None] = {
    "Generation not found": ErrorCode.GENERATION_NOT_FOUND,
    "Validation error: prompt is required": ErrorCode.VALIDATION_ERROR,
    "Invalid resolution. Must be 1k, 2k, or 4k": ErrorCode.VALIDATION_ERROR,
    "Maximum 10 images allowed (URLs + base64 combined)": ErrorCode.VALIDATION_ERROR,
    "Cannot mix images_url and images_base64 in one request": ErrorCode.VALIDATION_ERROR,
    "Service temporarily unavailable": None,
}
# The codes with which the docs say a create made nothing: the only create errors retried.
CREATE_RETRYABLE = {
    ErrorCode.RATE_LIMIT_ERROR,
    ErrorCode.CONCURRENT_GENERATION_ERROR,
    ErrorCode.GENERATION_START_FAILED,
    ErrorCode.GENERATION_INIT_FAILED,
}


def test_class_table_covers_every_documented_code() -> None:
    assert set(CLASS_OF_CODE) == set(ErrorCode)
    assert len(ErrorCode) == 24


# -- the spec's own examples ------------------------------------------------------------------


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _spec_error_examples() -> Iterator[Any]:
    spec = yaml.safe_load(SPEC.read_text())
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation["responses"].items():
                if str(status).startswith("2"):
                    continue
                media = _resolve(spec, response).get("content", {}).get("application/json", {})
                examples = dict(media.get("examples", {}))
                if "example" in media:
                    examples["example"] = {"value": media["example"]}
                for name, example in examples.items():
                    yield pytest.param(
                        operation["operationId"],
                        method,
                        path,
                        int(status),
                        _resolve(spec, example)["value"],
                        id=f"{operation['operationId']}-{status}-{name}",
                    )


SPEC_EXAMPLES = list(_spec_error_examples())


def _spec_operation_ids() -> set[str]:
    spec = yaml.safe_load(SPEC.read_text())
    return {
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_the_spec_has_error_examples_for_every_operation() -> None:
    operations = {p.values[0] for p in SPEC_EXAMPLES}
    lacking = _spec_operation_ids() - operations
    assert not lacking, f"give the error responses of {sorted(lacking)} examples in the spec"
    # The five documented operations at least: their examples are the docs' bodies.
    assert {"getStatus", "getAccount", "listImages", "getImage", "createImage"} <= operations
    assert len(SPEC_EXAMPLES) >= 40


def _call(client: Client, operation_id: str) -> Any:
    """Call the client method of `operation_id`, as `_operations.OPERATIONS` names it, with an
    id for each path parameter (and a prompt for a create): a new operation needs no edit here
    unless it takes something else."""
    entry = _operations.OPERATIONS.get(operation_id)
    assert entry is not None, (
        f"{operation_id} is in the spec but has no entry in OPERATIONS of "
        "wrapper/imagegen/_operations.py: add one (README, 'Worked example: adding an operation')"
    )
    method = functools.reduce(getattr, entry.method.split("."), client)
    facts = spec_operations.OPERATIONS[operation_id]
    unknown = [name for name in facts["path_params"] if name != "generationId"]
    assert not unknown, (
        f"{operation_id} takes path parameters {unknown}: say in _call of "
        "tests/wrapper/test_errors.py what to pass"
    )
    arguments: list[Any] = [GENERATION_ID for _ in facts["path_params"]]
    if entry.kind is Kind.CREATE:
        arguments.append("A lighthouse at dusk")
    else:
        assert facts["body"] is None, (
            f"{operation_id} takes a {facts['body']} body: say in _call of "
            "tests/wrapper/test_errors.py what to send"
        )
    return method(*arguments)


def _expected_code(status: int, body: dict[str, Any]) -> tuple[str, str, bool]:
    """(code, message, derived): what the body names, else what its status implies."""
    if "error" in body:
        return ErrorCode(body["error"]), body["message"], False
    if "detail" in body:
        assert body["detail"] in DETAIL_CODES, (
            f"{body['detail']!r} is a detail text of the spec: add the code it means to "
            "DETAIL_CODES in tests/wrapper/test_errors.py"
        )
        code = DETAIL_CODES[body["detail"]]
        if code is not None:
            return code, body["detail"], False
        assert status == 503, "only the 503 detail names no code"
        return SERVICE_UNAVAILABLE, body["detail"], False
    return ErrorCode(body["message"]), body["message"], False


@pytest.mark.parametrize(("operation_id", "method", "path", "status", "body"), SPEC_EXAMPLES)
def test_every_spec_error_example_raises_its_class(
    operation_id: str, method: str, path: str, status: int, body: dict[str, Any]
) -> None:
    raw = json.dumps(body)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = {"X-Request-ID": "req_example_1", "Content-Type": "application/json"}
        if status == 429:
            headers["X-RateLimit-Reset"] = "30"
        return httpx.Response(status, content=raw.encode(), headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = Client("sk-test", base_url=BASE_URL, http_client=http, max_retries=0)
    with pytest.raises(APIError) as caught:
        _call(client, operation_id)
    error = caught.value

    code, message, _ = _expected_code(status, body)
    if code in CLASS_OF_CODE:
        expected_class: type[APIError] = CLASS_OF_CODE[ErrorCode(code)]
    else:
        expected_class = ServiceUnavailableError
    assert type(error) is expected_class
    assert error.code == code
    if code in ErrorCode.__members__:
        assert error.code == ErrorCode(code)
        assert isinstance(error.code, ErrorCode)
    assert error.status_code == status
    assert error.message == message
    assert error.request_id == "req_example_1"
    assert error.body == raw
    assert str(error).startswith(message)
    assert "req_example_1" in str(error)
    # One request: max_retries=0, and nothing retried a non-retryable error anyway.
    assert len(seen) == 1
    assert seen[0].method == method.upper()
    assert seen[0].url.path.startswith("/v1" + path.split("{")[0])
    if operation_id == "createImage":
        retryable: bool = code in CREATE_RETRYABLE or status == 503
    else:
        retryable = status in (429, 500, 503)
    assert error.retryable is retryable
    if status == 429:
        assert isinstance(error, RateLimitError)
        assert error.retry_after == 30.0


# -- every code, in the two shapes that carry one -----------------------------------------


DOCUMENTED_STATUS = {
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.MISSING_API_TOKEN: 401,
    ErrorCode.INVALID_API_TOKEN: 401,
    ErrorCode.FAILED_TO_VALIDATE_TOKEN: 500,
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.VALIDATION_ERROR: 400,
    ErrorCode.INVALID_GENERATION_ID: 404,
    ErrorCode.NSFW_CONTENT_DETECTED: 400,
    ErrorCode.IMAGE_SIZE_LIMIT_EXCEEDED: 400,
    ErrorCode.IMAGE_DOWNLOAD_FAILED: 400,
    ErrorCode.INSUFFICIENT_CREDITS: 402,
    ErrorCode.ACCOUNT_NOT_FOUND: 404,
    ErrorCode.GENERATION_NOT_FOUND: 404,
    ErrorCode.RATE_LIMIT_ERROR: 429,
    ErrorCode.CONCURRENT_GENERATION_ERROR: 429,
    ErrorCode.FETCH_FAILED: 500,
    ErrorCode.IMAGE_UPLOAD_FAILED: 500,
    ErrorCode.GENERATION_UPDATE_FAILED: 500,
    ErrorCode.GENERATION_INIT_FAILED: 500,
    ErrorCode.CREDIT_PROCESSING_FAILED: 500,
    ErrorCode.GENERATION_START_FAILED: 500,
    ErrorCode.INTERNAL_SERVER_ERROR: 500,
    ErrorCode.INVALID_IMAGE: 400,
    ErrorCode.IMAGE_INACCESSIBLE: 400,
}


def _response(
    status: int,
    content: bytes | str,
    *,
    method: str = "GET",
    path: str = "/v1/account",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = content.encode() if isinstance(content, str) else content
    return httpx.Response(
        status,
        content=body,
        headers=headers or {},
        request=httpx.Request(method, f"https://api.test{path}"),
    )


@pytest.mark.parametrize("code", list(ErrorCode))
@pytest.mark.parametrize("shape", ["error", "message", "status"])
def test_every_code_in_every_shape_that_carries_one(code: ErrorCode, shape: str) -> None:
    body = {
        "error": {"success": False, "error": code.value, "message": "For people."},
        "message": {"success": False, "message": code.value},
        "status": {"status": "failed", "message": code.value},
    }[shape]
    status = DOCUMENTED_STATUS[code]
    error = error_from_response(_response(status, json.dumps(body)))
    assert type(error) is CLASS_OF_CODE[code]
    assert error.code == code
    assert error.code is code
    assert error.status_code == status
    assert error.message == ("For people." if shape == "error" else code.value)


# -- answers the spec does not describe ------------------------------------------------------


def test_undocumented_status_is_an_unexpected_response_with_the_raw_body() -> None:
    error = error_from_response(_response(418, '{"teapot": true}', headers={"X-Request-ID": "r1"}))
    assert type(error) is UnexpectedResponseError
    assert error.status_code == 418
    assert error.code == UNEXPECTED_RESPONSE
    assert error.code not in set(ErrorCode)
    assert error.body == '{"teapot": true}'
    assert error.request_id == "r1"
    assert "418" in error.message
    assert error.retryable is False


def test_undocumented_status_keeps_an_undocumented_code_as_the_raw_string() -> None:
    body = '{"success": false, "error": "QUOTA_FROZEN", "message": "Frozen."}'
    error = error_from_response(_response(409, body))
    assert type(error) is UnexpectedResponseError
    assert error.code == "QUOTA_FROZEN"
    assert not isinstance(error.code, ErrorCode)
    assert error.message == "Frozen."


def test_undocumented_code_on_a_documented_status_keeps_the_status_class() -> None:
    body = '{"success": false, "error": "TOKEN_REVOKED", "message": "Revoked."}'
    error = error_from_response(_response(401, body))
    assert type(error) is AuthenticationError
    assert error.code == "TOKEN_REVOKED"
    assert error.message == "Revoked."


def test_html_502_page_from_a_proxy_is_a_server_error_with_the_page() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = error_from_response(
        _response(502, page, headers={"Content-Type": "text/html", "X-Request-ID": "edge-1"})
    )
    assert isinstance(error, ServerError)
    assert error.status_code == 502
    assert error.code == UNEXPECTED_RESPONSE
    assert error.body == page
    assert error.request_id == "edge-1"
    assert "not JSON (text/html)" in error.message
    # A read may try again: the proxy, not the API, failed.
    assert decide(error, creates=False) is Outcome.RETRY


@pytest.mark.parametrize("status", [400, 401, 402, 422, 429, 500])
def test_a_status_with_no_code_in_the_body_derives_the_documented_one(status: int) -> None:
    implied = {
        400: ErrorCode.VALIDATION_ERROR,
        401: ErrorCode.AUTHENTICATION_FAILED,
        402: ErrorCode.INSUFFICIENT_CREDITS,
        422: ErrorCode.VALIDATION_ERROR,
        429: ErrorCode.RATE_LIMIT_ERROR,
        500: ErrorCode.INTERNAL_SERVER_ERROR,
    }[status]
    error = error_from_response(_response(status, "<html>oops</html>"))
    assert error.code == implied
    assert type(error) is CLASS_OF_CODE[implied]
    assert "derived from HTTP" in error.message
    assert error.body == "<html>oops</html>"


@pytest.mark.parametrize(
    "body",
    ["", "<html><h1>404 Not Found</h1></html>", '{"detail": "Not Found"}', '{"message": "nope"}'],
    ids=["empty", "html", "framework-detail", "other-json"],
)
@pytest.mark.parametrize("path", [f"/images/{GENERATION_ID}", "/account", "/status"])
def test_a_404_that_is_not_an_api_answer_says_the_base_url_is_probably_wrong(
    body: str, path: str
) -> None:
    # What a base URL without its version prefix (https://host instead of https://host/v1)
    # gets: the host's own 404, not "generation not found" or "check the key".
    error = error_from_response(_response(404, body, path=path))
    assert type(error) is UnexpectedResponseError
    assert error.code == UNEXPECTED_RESPONSE
    assert "base URL is probably wrong" in error.message
    assert "version prefix" in error.message
    assert path in error.message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"detail": "Generation not found"}', "GENERATION_NOT_FOUND"),
        (
            '{"success": false, "error": "ACCOUNT_NOT_FOUND", "message": "Account not found."}',
            "ACCOUNT_NOT_FOUND",
        ),
        (
            '{"success": false, "error": "INVALID_GENERATION_ID", "message": "x"}',
            "INVALID_GENERATION_ID",
        ),
    ],
)
def test_a_documented_404_is_a_not_found_error_without_the_base_url_hint(
    body: str, code: str
) -> None:
    error = error_from_response(_response(404, body, path=f"/v1/images/{GENERATION_ID}"))
    assert type(error) is NotFoundError
    assert error.code == code
    assert "base URL" not in error.message


def test_a_framework_style_detail_list_is_a_validation_error() -> None:
    body = {"detail": [{"loc": ["query", "limit"], "msg": "must be <= 100", "type": "x"}]}
    error = error_from_response(_response(422, json.dumps(body)))
    assert type(error) is ValidationError
    assert error.code == ErrorCode.VALIDATION_ERROR
    assert error.message == "query.limit: must be <= 100"


@pytest.mark.parametrize(
    ("status", "content", "problem"),
    [
        (200, b'{"success": true, "data": {"accountId": "5b0c6a3e', "not JSON"),
        (200, b"upstream answered: OK", "not JSON"),
        (200, b"", "not JSON"),
        (200, b"[1, 2, 3]", "JSON list"),
        (200, b'{"success": true}', "'data'"),
        (200, b'{"success": true, "message": "ok", "data": {"apiKeyId": "x"}}', "accountId"),
        (200, b'{"success": true, "message": "ok", "data": {"accountId": 7, "apiKeyId": 8}}', ""),
        (200, b"\xff\xfe\x00garbage", "not JSON"),
        (200, b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (200, b'{"success": true, "message": "ok", "data": {"accountId": NaN}}', "not JSON"),
        (200, b'{"success": true, "message": "ok", "data": {"accountId": -Infinity}}', "not JSON"),
    ],
    ids=[
        "truncated",
        "non-json",
        "empty",
        "array",
        "missing-data",
        "missing-required",
        "wrong-types",
        "bad-bytes",
        "deep-nesting",
        "nan",
        "infinity",
    ],
)
def test_bodies_that_do_not_parse_are_unexpected_responses(
    status: int, content: bytes, problem: str
) -> None:
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_response("getStatus", _response(status, content, headers={"X-Request-ID": "r9"}))
    error = caught.value
    assert error.status_code == status
    assert error.code == UNEXPECTED_RESPONSE
    assert error.body == content.decode("utf-8", errors="replace")
    assert error.request_id == "r9"
    assert problem in error.message


def test_an_unknown_status_value_is_kept_as_sent_not_refused() -> None:
    body = {"success": True, "data": generation_body(GENERATION_ID, "canceled")}
    generation = parse_response("getImage", _response(200, json.dumps(body)))
    assert generation.status == "canceled"
    assert not generation.is_terminal


def test_a_wrongly_typed_field_deep_in_a_list_is_an_unexpected_response() -> None:
    item = generation_body(GENERATION_ID, "succeeded", outputImages=[1, 2])
    body = {"success": True, "data": {"generations": [item], "total": 1, "limit": 20, "offset": 0}}
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_response("listImages", _response(200, json.dumps(body)))
    assert "outputImages" in caught.value.message


def test_a_boolean_is_not_taken_for_an_integer() -> None:
    body = {"success": True, "data": {"generationId": GENERATION_ID, "status": "starting"}}
    body["data"]["creditCost"] = True
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_response("createImage", _response(201, json.dumps(body), method="POST"))
    assert "creditCost" in caught.value.message


def test_a_2xx_reporting_failure_is_raised_as_the_error_it_names() -> None:
    body = '{"success": false, "error": "INSUFFICIENT_CREDITS", "message": "No credits."}'
    with pytest.raises(InsufficientCreditsError) as caught:
        parse_response("createImage", _response(200, body, method="POST"))
    assert caught.value.code == ErrorCode.INSUFFICIENT_CREDITS


def test_a_redirect_that_reaches_the_parser_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponseError):
        parse_response("getAccount", _response(302, "", headers={"Location": "/elsewhere"}))


def test_an_unknown_operation_is_refused() -> None:
    with pytest.raises(ImagegenError):
        parse_response("deleteImage", _response(200, "{}"))


# -- headers that say when to come back ------------------------------------------------------


NOW = 1_800_000_000.0
RATE_LIMITED = '{"success": false, "error": "RATE_LIMIT_ERROR", "message": "Slow down."}'


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Reset": "12"}, 12.0),
        ({"X-RateLimit-Reset": str(int(NOW) + 45)}, 45.0),  # a moment, 45 s from now
        ({"Retry-After": "7"}, 7.0),
        ({"X-RateLimit-Reset": "5", "Retry-After": "9"}, 9.0),
        ({"X-RateLimit-Reset": str(int(NOW) - 1000)}, 0.0),  # already past
        ({"X-RateLimit-Reset": "soon"}, None),
        ({"X-RateLimit-Reset": "nan"}, None),
        ({}, None),
    ],
)
def test_retry_after_reads_both_headers_in_both_units(
    headers: dict[str, str], expected: float | None
) -> None:
    error = error_from_response(_response(429, RATE_LIMITED, headers=headers), now=NOW)
    assert error.retry_after == expected


def test_retry_after_as_an_http_date() -> None:
    moment = email.utils.format_datetime(
        datetime.datetime.fromtimestamp(NOW + 10, datetime.UTC), usegmt=True
    )
    response = _response(503, "", headers={"Retry-After": moment})
    error = error_from_response(response, now=NOW)
    assert type(error) is ServiceUnavailableError
    assert error.retry_after == 10.0


# -- exceptions that are not answers --------------------------------------------------------


def test_generation_failed_error_carries_the_generation_and_its_code() -> None:
    generation = make_generation(
        id=GENERATION_ID, status=GenerationStatus.FAILED, failure_reason="INVALID_IMAGE"
    )
    error = GenerationFailedError(generation)
    assert error.generation is generation
    assert error.code == ErrorCode.INVALID_IMAGE
    assert isinstance(error.code, ErrorCode)
    assert GENERATION_ID in str(error)
    assert "INVALID_IMAGE" in str(error)
    odd = GenerationFailedError(
        make_generation(
            id=GENERATION_ID, status=GenerationStatus.FAILED, failure_reason="GPU melted"
        )
    )
    assert odd.code is None  # prose is not a code: it goes to the message
    assert "GPU melted" in str(odd)
    undocumented = GenerationFailedError(
        make_generation(
            id=GENERATION_ID, status=GenerationStatus.FAILED, failure_reason="GPU_MELTED"
        )
    )
    assert undocumented.code == "GPU_MELTED"
    assert not isinstance(undocumented.code, ErrorCode)
    silent = GenerationFailedError(
        make_generation(id=GENERATION_ID, status=GenerationStatus.FAILED)
    )
    assert silent.code is None
    assert "no reason" in str(silent)


def test_wait_timeout_error_says_how_to_resume() -> None:
    error = WaitTimeoutError(GENERATION_ID, GenerationStatus.PROCESSING, timeout=300)
    assert isinstance(error, TimeoutError)
    assert isinstance(error, ImagegenError)
    assert error.generation_id == GENERATION_ID
    assert error.last_status == GenerationStatus.PROCESSING
    assert f"images.wait('{GENERATION_ID}')" in str(error)
    assert "300 s" in str(error)


def test_api_error_repr_names_the_essentials() -> None:
    error = error_from_response(
        _response(
            402,
            '{"success": false, "message": "INSUFFICIENT_CREDITS"}',
            headers={"X-Request-ID": "r2"},
        )
    )
    assert repr(error) == (
        "InsufficientCreditsError(status_code=402, code='INSUFFICIENT_CREDITS', "
        "message='INSUFFICIENT_CREDITS', request_id='r2')"
    )
    assert error.args == ("INSUFFICIENT_CREDITS",)


def test_errors_survive_pickling_with_their_attributes() -> None:
    error = error_from_response(
        _response(429, RATE_LIMITED, headers={"X-Request-ID": "r3", "Retry-After": "4"}), now=NOW
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RateLimitError
    assert (copy.code, copy.status_code, copy.message, copy.request_id, copy.body) == (
        error.code,
        error.status_code,
        error.message,
        error.request_id,
        error.body,
    )
    assert copy.retry_after == 4.0
    assert str(copy) == str(error)
    failed = pickle.loads(
        pickle.dumps(
            GenerationFailedError(
                make_generation(
                    id=GENERATION_ID, status=GenerationStatus.FAILED, failure_reason="X"
                )
            )
        )
    )
    assert failed.generation.id == GENERATION_ID
    timeout = pickle.loads(pickle.dumps(WaitTimeoutError(GENERATION_ID, None, timeout=5)))
    assert timeout.generation_id == GENERATION_ID
