"""Results carry their answer's request id and rate-limit headers (`.response`, a
`ResponseInfo`), on every operation through both clients, without changing what a result is:
equality, hashing, repr, pickling and `attrs.evolve` are as before."""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import imagegen
import pytest
from imagegen import _operations
from imagegen._operations import Kind
from imagegen._parsing import parse_response
from imagegen._response import ResponseInfo, response_info
from imagegen._spec import operations as spec_operations
from imagegen._spec import results
from imagegen._spec.results import RESULT_OF
from imagegen.testing import Sandbox

RATE_LIMITS = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "42"}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def _arguments(operation_id: str, generation_id: str) -> list[Any]:
    """What the method of `operation_id` is called with: an id per path parameter, a prompt
    for a create (as tests/wrapper/test_errors.py calls each operation)."""
    facts = spec_operations.OPERATIONS[operation_id]
    assert all(name == "generationId" for name in facts["path_params"]), facts
    arguments: list[Any] = [generation_id for _ in facts["path_params"]]
    if _operations.OPERATIONS[operation_id].kind is Kind.CREATE:
        arguments.append("A lighthouse at dusk")
    return arguments


def _method(client: Any, operation_id: str) -> Any:
    return functools.reduce(getattr, _operations.OPERATIONS[operation_id].method.split("."), client)


def _limits(info: ResponseInfo) -> tuple[Any, ...]:
    return (info.rate_limit_limit, info.rate_limit_remaining, info.rate_limit_reset)


def _finished(sandbox: Sandbox) -> str:
    client = sandbox.client(pacing=None)
    return client.images.wait(client.images.create("A fox").id).id


# -- every operation, both clients -------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(spec_operations.OPERATIONS))
def test_every_operation_result_carries_its_answers_request_id(
    sandbox: Sandbox, operation_id: str
) -> None:
    generation_id = _finished(sandbox)
    answers: list[httpx.Response] = []
    client = sandbox.client(
        pacing=None, http_client=sandbox.http_client(event_hooks={"response": [answers.append]})
    )
    result = _method(client, operation_id)(*_arguments(operation_id, generation_id))
    assert type(result) is getattr(results, RESULT_OF[operation_id])
    assert isinstance(result.response, imagegen.ResponseInfo)
    sent = answers[-1].headers["x-request-id"]
    assert sent.startswith("req_")
    assert result.response == ResponseInfo(request_id=sent)  # no rate-limit headers on success


@pytest.mark.parametrize("operation_id", sorted(spec_operations.OPERATIONS))
async def test_every_operation_result_carries_its_request_id_async(
    sandbox: Sandbox, operation_id: str
) -> None:
    generation_id = _finished(sandbox)
    answers: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        answers.append(response)

    http = sandbox.async_http_client(event_hooks={"response": [record]})
    async with sandbox.async_client(pacing=None, http_client=http) as client:
        result = await _method(client, operation_id)(*_arguments(operation_id, generation_id))
    await http.aclose()
    assert type(result) is getattr(results, RESULT_OF[operation_id])
    sent = answers[-1].headers["x-request-id"]
    assert result.response == ResponseInfo(request_id=sent)


def _with_rate_limits(headers: dict[str, str]) -> Any:
    """A response hook that gives every answer these headers (the sandbox sends rate-limit
    headers only on 429, as the docs document them)."""

    def add(response: httpx.Response) -> None:
        response.headers.update(headers)

    return add


@pytest.mark.parametrize("operation_id", sorted(spec_operations.OPERATIONS))
def test_rate_limit_headers_of_a_success_are_on_its_result(
    sandbox: Sandbox, operation_id: str
) -> None:
    generation_id = _finished(sandbox)
    http = sandbox.http_client(event_hooks={"response": [_with_rate_limits(RATE_LIMITS)]})
    client = sandbox.client(pacing=None, http_client=http)
    info = _method(client, operation_id)(*_arguments(operation_id, generation_id)).response
    assert _limits(info) == (10, 7, 42.0)
    assert info.request_id.startswith("req_")


@pytest.mark.parametrize("operation_id", sorted(spec_operations.OPERATIONS))
async def test_rate_limit_headers_of_a_success_are_on_its_result_async(
    sandbox: Sandbox, operation_id: str
) -> None:
    generation_id = _finished(sandbox)
    add = _with_rate_limits(RATE_LIMITS)

    async def hook(response: httpx.Response) -> None:
        add(response)

    http = sandbox.async_http_client(event_hooks={"response": [hook]})
    async with sandbox.async_client(pacing=None, http_client=http) as client:
        result = await _method(client, operation_id)(*_arguments(operation_id, generation_id))
    await http.aclose()
    info = result.response
    assert _limits(info) == (10, 7, 42.0)


def test_the_calls_that_compose_requests_return_their_last_answers_info(sandbox: Sandbox) -> None:
    answers: list[httpx.Response] = []
    http = sandbox.http_client(event_hooks={"response": [answers.append]})
    client = sandbox.client(http_client=http)
    done = client.generate("A lighthouse sandbox:duration=30")
    # The wait's last look: the getImage answer that said it succeeded.
    last_get = [a for a in answers if a.request.method == "GET" and "/images/" in a.url.path][-1]
    assert done.generation.response == ResponseInfo(request_id=last_get.headers["x-request-id"])
    waited = client.images.wait(done.generation.id)
    assert waited.response is not None
    assert waited.response.request_id == answers[-1].headers["x-request-id"]
    # The generations inside a page are read from the page's answer: the page carries it.
    page = client.images.list()
    assert page.response is not None
    assert page.response.request_id is not None
    assert [g.response for g in page.generations] == [None]
    assert [g.response for g in client.images.iter()] == [None]


# -- rate-limit headers read leniently -------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, (None, None, None)),
        (RATE_LIMITS, (10, 7, 42.0)),
        ({"x-ratelimit-limit": " 10 ", "X-RATELIMIT-REMAINING": "0"}, (10, 0, None)),
        ({"X-RateLimit-Reset": "1767225600"}, (None, None, 1767225600.0)),  # a Unix time
        ({"X-RateLimit-Reset": "2.5"}, (None, None, 2.5)),
        ({"X-RateLimit-Limit": "ten"}, (None, None, None)),
        ({"X-RateLimit-Limit": "9.5", "X-RateLimit-Remaining": "-1"}, (None, None, None)),
        ({"X-RateLimit-Limit": "10.0", "X-RateLimit-Remaining": ""}, (10, None, None)),
        ({"X-RateLimit-Reset": "nan"}, (None, None, None)),
        ({"X-RateLimit-Reset": "inf", "X-RateLimit-Limit": "1e400"}, (None, None, None)),
        ({"X-RateLimit-Reset": "Wed, 21 Oct 2015 07:28:00 GMT"}, (None, None, None)),
    ],
)
def test_rate_limit_headers_are_read_leniently(
    headers: dict[str, str], expected: tuple[Any, ...]
) -> None:
    info = response_info(httpx.Headers({"X-Request-ID": "req_1", **headers}))
    assert _limits(info) == expected
    assert info.request_id == "req_1"


def test_a_malformed_rate_limit_header_is_none_on_the_result(sandbox: Sandbox) -> None:
    generation_id = _finished(sandbox)
    malformed = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "many",
        "X-RateLimit-Reset": "",
    }
    http = sandbox.http_client(event_hooks={"response": [_with_rate_limits(malformed)]})
    got = sandbox.client(http_client=http).images.get(generation_id)
    assert _limits(got.response) == (10, None, None)


def test_an_answer_without_a_request_id_has_none() -> None:
    body = {"success": True, "data": {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                                      "status": "starting", "creditCost": 1}}  # fmt: skip
    created = parse_response("createImage", httpx.Response(201, json=body))
    assert created.response == ResponseInfo()


# -- what a result is stays as it was -------------------------------------------------------------


def _two_reads(sandbox: Sandbox) -> tuple[Any, Any]:
    generation_id = _finished(sandbox)
    client = sandbox.client()
    return client.images.get(generation_id), client.images.get(generation_id)


def test_equal_results_from_different_answers_stay_equal(sandbox: Sandbox) -> None:
    first, second = _two_reads(sandbox)
    assert first.response.request_id != second.response.request_id  # two answers
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1
    assert repr(first) == repr(second)
    assert "response" not in repr(first)
    assert "req_" not in repr(first)
    assert first == attrs.evolve(first, response=None)


def test_results_pickle_and_evolve_with_their_response(sandbox: Sandbox) -> None:
    first, _ = _two_reads(sandbox)
    copied = pickle.loads(pickle.dumps(first))
    assert copied == first
    assert copied.response == first.response
    evolved = attrs.evolve(first, name="renamed")
    assert evolved.response is first.response
    assert evolved != first
    page = sandbox.client().images.list()
    assert pickle.loads(pickle.dumps(page)).response == page.response


def test_response_info_is_a_small_frozen_slotted_record() -> None:
    info = ResponseInfo(request_id="req_1", rate_limit_remaining=3)
    assert imagegen.ResponseInfo is ResponseInfo
    assert "ResponseInfo" in imagegen.__all__
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        info.request_id = "req_2"  # type: ignore[misc]
    assert not hasattr(info, "__dict__")
    assert pickle.loads(pickle.dumps(info)) == info
    assert hash(info) == hash(ResponseInfo(request_id="req_1", rate_limit_remaining=3))
    assert [f.name for f in attrs.fields(ResponseInfo)] == [
        "request_id",
        "rate_limit_limit",
        "rate_limit_remaining",
        "rate_limit_reset",
    ]


def test_every_operations_result_class_has_response_outside_its_value() -> None:
    answered = {getattr(results, name) for name in RESULT_OF.values()}
    for cls in answered:
        field = attrs.fields_dict(cls)["response"]
        assert (field.default, field.eq, field.repr) == (None, False, False)
        assert field.hash is None  # follows eq: out of the hash too
    for cls in (results.Credits, results.ApiKeyInfo):  # nested only: no answer of their own
        assert "response" not in attrs.fields_dict(cls)


def test_a_request_id_that_echoes_the_key_does_not_show_it(sandbox: Sandbox) -> None:
    def echo(response: httpx.Response) -> None:
        response.headers["X-Request-ID"] = f"req_{sandbox.api_key}_1"

    http = sandbox.http_client(event_hooks={"response": [echo]})
    status = sandbox.client(http_client=http).status()
    assert status.response is not None
    assert status.response.request_id == "req_<redacted>_1"
    assert sandbox.api_key not in repr(status.response)


@pytest.mark.parametrize(
    "raw",
    [
        [(b"X-Request-ID", b"req_\xc3\xa9")],  # not ASCII: decoded as httpx decodes it
        [(b"x-request-id", b"req_a"), (b"X-Request-Id", b"req_b")],  # twice: "req_a, req_b"
        [(b"Server", b"x"), (b"X-REQUEST-ID", b"req_c"), (b"x-ratelimit-limit", b"10")],
        [(b"Server", b"x")],
    ],
)
def test_the_request_id_is_read_as_httpx_reads_it(raw: list[tuple[bytes, bytes]]) -> None:
    headers = httpx.Headers(raw)
    assert response_info(headers).request_id == headers.get("x-request-id")
    assert response_info(dict(headers)) == response_info(headers)  # any mapping, by name
