"""Every table of operations is held to the spec's list of operations, so an operation added to
the spec (or removed) cannot be forgotten in any of them."""

from __future__ import annotations

import typing
from pathlib import Path

import yaml
from imagegen import _operations, _parsing
from imagegen._spec import operations as generated
from imagegen.sandbox import _faults, _middleware

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
            assert _operations.OPERATIONS[name] is not _operations.Kind.READ, name


def test_the_parser_has_a_result_for_each_operation() -> None:
    assert set(_parsing.OPERATIONS) == set(SPEC_OPERATIONS)
    assert set(typing.get_args(_parsing.OperationId)) == set(SPEC_OPERATIONS)


def test_the_sandbox_routes_each_operation() -> None:
    assert set(_faults.OPERATIONS) - {"getFile"} == set(SPEC_OPERATIONS)
    for name, (method, path) in SPEC_OPERATIONS.items():
        concrete = path.replace("{generationId}", "7c9e6679-7425-40de-944b-e07fc1f90ae7")
        assert _middleware.operation_of(method, "/v1" + concrete) == name
