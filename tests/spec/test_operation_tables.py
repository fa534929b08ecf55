"""Every table of operations is held to the spec's list of operations, so an operation added to
the spec (or removed) cannot be forgotten in any of them."""

from __future__ import annotations

import typing
from pathlib import Path

import httpx
import pytest
import yaml
from imagegen import VirtualClock, _operations, _parsing
from imagegen._spec import create as _spec_schema
from imagegen._spec import operations as generated
from imagegen.sandbox import SandboxTransport, _app, _faults, _middleware, create_app
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.spec import spec_model

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


def _spec_operations() -> dict[str, tuple[str, str]]:
    spec = yaml.safe_load(SPEC.read_text())
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


SPEC_OPERATIONS = _spec_operations()


def test_the_generated_table_is_the_specs() -> None:
    assert {
        name: (facts["method"], facts["path"]) for name, facts in generated.OPERATIONS.items()
    } == SPEC_OPERATIONS


def test_each_operation_says_how_it_may_be_retried() -> None:
    assert set(_operations.OPERATIONS) == set(SPEC_OPERATIONS)
    # A POST is a create or an idempotent write: never retried as a read by accident.
    for name, (method, _) in SPEC_OPERATIONS.items():
        if method != "GET":
            assert _operations.OPERATIONS[name].kind is not _operations.Kind.READ, name


def test_the_parser_has_a_result_for_each_operation() -> None:
    assert set(_parsing.OPERATIONS) == set(SPEC_OPERATIONS)
    assert set(typing.get_args(_parsing.OperationId)) == set(SPEC_OPERATIONS)


def test_the_sandbox_routes_each_operation() -> None:
    assert (*SPEC_OPERATIONS, "getFile") == _faults.OPERATIONS
    for name, (method, path) in SPEC_OPERATIONS.items():
        concrete = path.replace("{generationId}", "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        assert _middleware.operation_of(method, "/v1" + concrete) == name


def test_the_sandbox_has_a_handler_for_each_operation() -> None:
    assert set(_app.HANDLERS) == set(SPEC_OPERATIONS)


# An operation the spec will not plausibly get, beside the spec's operations on a path of theirs:
# the sandbox must route it from the spec's table alone. (Not a name or method the spec may gain,
# such as DELETE: an operation added to the spec the README's way must not break these tests.)
FAKE_NAME = "frobnicateImage"
FAKE_PATH = "/images/{generationId}"
FAKE_METHOD = "PATCH"
UNSERVED_METHOD = "PUT"  # the 405 probe: no operation of the spec on FAKE_PATH, nor the fake
FAKE_OPERATION = {
    "method": FAKE_METHOD,
    "path": FAKE_PATH,
    "path_params": ["generationId"],
    "query_params": [],
    "body": None,
    "success": [204],
}
GENERATION_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
# What FAKE_PATH answers in the spec: its methods (HEAD with GET, as Starlette serves it).
SPEC_METHODS_OF_PATH = {m for m, path in SPEC_OPERATIONS.values() if path == FAKE_PATH}
SPEC_METHODS_OF_PATH |= {"HEAD"} if "GET" in SPEC_METHODS_OF_PATH else set()


def test_the_fake_operation_is_none_of_the_specs() -> None:
    assert FAKE_NAME not in SPEC_OPERATIONS, f"the spec has {FAKE_NAME}: pick another FAKE_NAME"
    taken = SPEC_METHODS_OF_PATH & {FAKE_METHOD, UNSERVED_METHOD}
    assert not taken, f"the spec has {sorted(taken)} {FAKE_PATH}: pick other methods here"
    assert "GET" in SPEC_METHODS_OF_PATH  # the path's own operation, still served beside it


def test_a_spec_operation_without_a_handler_fails_at_app_creation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(generated.OPERATIONS, FAKE_NAME, FAKE_OPERATION)  # type: ignore[index]
    with pytest.raises(LookupError) as failure:
        create_app(clock=VirtualClock())
    message = str(failure.value)
    assert f"'{FAKE_NAME}'" in message
    assert f"{FAKE_METHOD} {FAKE_PATH}" in message
    assert "HANDLERS in wrapper/imagegen/sandbox/_app.py" in message


def test_a_handler_of_no_spec_operation_fails_at_app_creation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(generated.OPERATIONS, "getAccount")  # type: ignore[attr-defined]
    with pytest.raises(LookupError, match=r"'getAccount'.* not an operation of the spec"):
        create_app(clock=VirtualClock())


def test_a_spec_operation_is_served_and_counted_from_the_tables_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def frobnicate_image(request: Request) -> Response:
        return JSONResponse({"frobnicated": request.path_params["generationId"]})

    monkeypatch.setitem(generated.OPERATIONS, FAKE_NAME, FAKE_OPERATION)  # type: ignore[index]
    monkeypatch.setitem(_app.HANDLERS, FAKE_NAME, frobnicate_image)  # type: ignore[index]
    app = create_app(clock=VirtualClock())
    control = app.state.sandbox
    url = "/v1" + FAKE_PATH.replace("{generationId}", GENERATION_ID)
    with httpx.Client(transport=SandboxTransport(app), base_url="http://127.0.0.1") as http:
        response = http.request(FAKE_METHOD, url)
        assert response.status_code == 200
        assert response.json() == {"frobnicated": GENERATION_ID}
        # The same path's other operation is still served, and a 405 allows exactly the
        # spec's methods of the path and the fake's.
        assert http.get(url).status_code == 401
        not_allowed = http.request(UNSERVED_METHOD, url)
        assert not_allowed.status_code == 405
        allowed = set(not_allowed.headers["allow"].split(", "))
        assert allowed == SPEC_METHODS_OF_PATH | {FAKE_METHOD}
    assert control.request_counts()[FAKE_NAME] == {"200": 1}
    assert _middleware.operation_of(FAKE_METHOD, url) == FAKE_NAME
    control.close()


def test_the_sandbox_validates_creates_against_the_specs_schema() -> None:
    """The sandbox's copy of CreateImageRequest (every `$ref` inlined) is the spec's."""
    schema = spec_model.load_spec()["components"]["schemas"]["CreateImageRequest"]
    assert spec_model.inline_refs(schema) == _spec_schema.CREATE_REQUEST_SCHEMA
