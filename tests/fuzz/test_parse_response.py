"""Parser fuzzing: whatever a server answers, `imagegen._parsing.parse_response` ends in a typed
result or an `ImagegenError`, never anything else (no KeyError, TypeError, ValueError,
JSONDecodeError, ...).

For every documented (operation, status) of the spec: bodies generated from the response schema
(hypothesis-jsonschema), the same bodies mangled, and payloads that are not JSON bodies at all;
also statuses the spec does not document. Derandomized, so `make test` is repeatable; the
example count comes from IMAGEGEN_FUZZ_EXAMPLES (small by default, 1000 in `make fuzz-long`).
"""

from __future__ import annotations

import math
import os
import types
import typing
import uuid
from typing import Any

import attrs
import httpx
import imagegen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagegen import _parsing

from tests.fuzz import bodies
from tests.spec import spec_model

EXAMPLES = int(os.environ.get("IMAGEGEN_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RESULT_TYPES: dict[str, type] = {
    "getStatus": imagegen.ConnectionStatus,
    "getAccount": imagegen.Account,
    "listImages": imagegen.GenerationPage,
    "getImage": imagegen.Generation,
    "createImage": imagegen.CreatedGeneration,
}
RESPONSES = [
    pytest.param(op, response, id=f"{op.operation_id}-{response.status}")
    for op in spec_model.operations()
    for response in op.responses()
]
OPERATIONS = [pytest.param(op, id=op.operation_id) for op in spec_model.operations()]
# Any documented error body: each error response of the spec lists its own codes and shapes.
ERROR_BODY_SCHEMA = {
    "anyOf": [
        response.media["schema"]
        for op in spec_model.operations()
        for response in op.responses()
        if response.status >= "400" and response.media is not None
    ]
}

CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", None]
)
# What a 429 may carry: both documented readings of X-RateLimit-Reset, Retry-After, and junk.
RESET_VALUES = st.one_of(
    st.integers(min_value=0, max_value=4_000_000_000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "soon", "-5", "1e309", "Wed, 21 Oct 2015 07:28:00 GMT", "0x10"]),
    st.text(max_size=10).map(lambda s: s.encode("ascii", "ignore").decode()),
)


def _request_for(op: spec_model.Operation) -> httpx.Request:
    path = op.path.replace("{generationId}", str(uuid.UUID(int=7)))
    return httpx.Request(op.method.upper(), f"http://127.0.0.1:8080/v1{path}")


@st.composite
def _headers(draw: st.DrawFn, status: int) -> dict[str, str]:
    headers = {"X-Request-ID": draw(st.sampled_from(["req_123", "a" * 64, ""]))}
    content_type = draw(CONTENT_TYPES)
    if content_type is not None:
        headers["Content-Type"] = content_type
    if status == 429 or draw(st.booleans()):
        for name in ("X-RateLimit-Reset", "Retry-After"):
            if draw(st.booleans()):
                headers[name] = draw(RESET_VALUES)
    return headers


def _answer(op: spec_model.Operation, status: int, content: bytes, headers: dict[str, str]) -> Any:
    """What parse_response makes of the answer: a result, or the ImagegenError it raised. Any
    other exception propagates and fails the test."""
    response = httpx.Response(status, content=content, headers=headers, request=_request_for(op))
    try:
        return _parsing.parse_response(op.operation_id, response)
    except imagegen.ImagegenError as error:
        return error


# --- What a correct answer looks like -------------------------------------------------------


def _conforms(value: Any, hint: Any) -> bool:
    """isinstance against a type hint of the result types (unions, tuples, attrs classes)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arm) for arm in typing.get_args(hint))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(_conforms(v, item) for v in value)
    if hint is type(None):
        return value is None
    if origin is typing.Literal:  # a string enum: the plain string, an unknown one passed through
        return isinstance(value, str)
    if hint is float:  # the numeric tower: an int is a float, a bool is not
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if attrs.has(hint):
        return isinstance(value, hint) and _well_typed_problems(value) == []
    return isinstance(value, hint)


def _well_typed_problems(result: Any) -> list[str]:
    hints = typing.get_type_hints(type(result))
    name = type(result).__name__
    return [
        f"{name}.{field.name} = {getattr(result, field.name)!r} is not {hints[field.name]}"
        for field in attrs.fields(type(result))
        if not _conforms(getattr(result, field.name), hints[field.name])
    ]


def _check_result(op: spec_model.Operation, result: Any) -> None:
    assert isinstance(result, RESULT_TYPES[op.operation_id]), result
    assert _well_typed_problems(result) == []


def _check_error(error: Any, status: int, content: bytes, headers: dict[str, str]) -> None:
    assert isinstance(error, imagegen.APIError), f"an error status must raise APIError: {error!r}"
    assert error.status_code == status
    assert isinstance(error.code, str)
    assert isinstance(error.message, str)
    assert error.body == content.decode("utf-8", "replace")
    sent_id = headers["X-Request-ID"]
    assert error.request_id in {sent_id, sent_id or None}
    if isinstance(error, imagegen.RateLimitError) and error.retry_after is not None:
        assert math.isfinite(error.retry_after)
        assert error.retry_after >= 0


def _body_code(body: Any) -> str | None:
    """The code an error body names without ambiguity: `error` of shape 1, else a code as the
    `message` of shapes 2 and 4 (when no `detail` competes with it)."""
    known = set(imagegen.ErrorCode)
    if not isinstance(body, dict):
        return None
    if "error" in body:
        return body["error"] if body["error"] in known else None
    if body.get("message") in known and "detail" not in body:
        return str(body["message"])
    return None


# --- The fuzzing ----------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "response"), RESPONSES)
def test_bodies_valid_per_the_spec(
    op: spec_model.Operation, response: spec_model.ResponseSpec
) -> None:
    status = int(response.status)
    assert response.media is not None
    validator = spec_model.validator_at(response.schema_pointer)

    @FUZZ
    @given(body=bodies.valid_bodies(response.media["schema"]), headers=_headers(status))
    def check(body: Any, headers: dict[str, str]) -> None:
        assert validator.is_valid(body)  # the premise: a body the spec allows
        headers["Content-Type"] = "application/json"
        content = bodies.dumps(body)
        outcome = _answer(op, status, content, headers)
        if status < 300 and body.get("success") is not False:
            _check_result(op, outcome)
        elif status < 300:
            # The spec types `success` as any boolean; a 2xx saying false is read as an error.
            assert isinstance(outcome, imagegen.APIError), outcome
        else:
            _check_error(outcome, status, content, headers)
            named = _body_code(body)
            if named is not None:
                assert outcome.code == named

    check()


@pytest.mark.parametrize(("op", "response"), RESPONSES)
def test_bodies_mangled(op: spec_model.Operation, response: spec_model.ResponseSpec) -> None:
    status = int(response.status)
    assert response.media is not None

    @FUZZ
    @given(content=bodies.mangled_payloads(response.media["schema"]), headers=_headers(status))
    def check(content: bytes, headers: dict[str, str]) -> None:
        outcome = _answer(op, status, content, headers)
        if status >= 300:
            _check_error(outcome, status, content, headers)
        elif isinstance(outcome, imagegen.ImagegenError):
            # A success status whose body breaks the spec: an error that keeps the raw body.
            assert isinstance(outcome, imagegen.UnexpectedResponseError), outcome
            assert outcome.body == content.decode("utf-8", "replace")
        else:
            # Leniency is allowed (a field the result does not carry may be off), a result
            # whose fields are not what its type says is not.
            _check_result(op, outcome)

    check()


@pytest.mark.parametrize(("op", "response"), RESPONSES)
def test_payloads_that_are_no_json_body(
    op: spec_model.Operation, response: spec_model.ResponseSpec
) -> None:
    status = int(response.status)
    assert response.media is not None

    @FUZZ
    @given(content=bodies.broken_payloads(response.media["schema"]), headers=_headers(status))
    def check(content: bytes, headers: dict[str, str]) -> None:
        outcome = _answer(op, status, content, headers)
        if status < 300:
            assert isinstance(outcome, imagegen.UnexpectedResponseError), outcome
        _check_error(outcome, status, content, headers)

    check()


@pytest.mark.parametrize("op", OPERATIONS)
def test_statuses_the_spec_does_not_document(op: spec_model.Operation) -> None:
    documented = {int(r.status) for r in op.responses()}
    statuses = st.integers(min_value=200, max_value=599).filter(lambda s: s not in documented)
    payloads = st.one_of(
        bodies.valid_bodies(ERROR_BODY_SCHEMA).map(bodies.dumps),
        bodies.broken_payloads(ERROR_BODY_SCHEMA),
    )

    @FUZZ
    @given(status=statuses, content=payloads, data=st.data())
    def check(status: int, content: bytes, data: st.DataObject) -> None:
        headers = data.draw(_headers(status))
        outcome = _answer(op, status, content, headers)
        if status < 300 and not isinstance(outcome, imagegen.ImagegenError):
            _check_result(op, outcome)
            return
        _check_error(outcome, status, content, headers)

    check()


# Where each operation's success answer holds generation statuses: (the 2xx, the paths).
_STATUS_HOLDERS = {
    "listImages": "200",
    "getImage": "200",
    "createImage": "201",
}


def _status_paths(operation_id: str, body: Any) -> list[tuple[Any, ...]]:
    if operation_id == "listImages":
        return [
            ("data", "generations", i, "status") for i in range(len(body["data"]["generations"]))
        ]
    return [("data", "status")]


@pytest.mark.parametrize("operation_id", list(_STATUS_HOLDERS))
def test_an_unknown_status_string_never_fails_the_answer(operation_id: str) -> None:
    [op] = [op for op in spec_model.operations() if op.operation_id == operation_id]
    [response] = [r for r in op.responses() if str(r.status) == _STATUS_HOLDERS[operation_id]]
    assert response.media is not None

    @FUZZ
    @given(body=bodies.valid_bodies(response.media["schema"]), data=st.data())
    def check(body: Any, data: st.DataObject) -> None:
        if body.get("success") is False:
            return
        paths = _status_paths(operation_id, body)
        chosen = data.draw(st.sets(st.sampled_from(paths)) if paths else st.just(set()))
        unknown = {path: data.draw(bodies.UNKNOWN_ENUM_VALUES) for path in chosen}
        for path, value in unknown.items():
            node = body
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        outcome = _answer(op, int(response.status), bodies.dumps(body), {"X-Request-ID": "r"})
        _check_result(op, outcome)
        results = outcome.generations if operation_id == "listImages" else (outcome,)
        for path, result in zip(paths, results, strict=True):
            if path in unknown and unknown[path] not in set(imagegen.GenerationStatus):
                assert result.status == unknown[path]
                assert not (
                    isinstance(result, imagegen.Generation)
                    and (result.is_terminal or result.succeeded or result.failed)
                )
            else:
                assert isinstance(result.status, imagegen.GenerationStatus)

    check()
