"""tools/spec_diff.py on small spec pairs written for each test."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools.conftest import TOOLS, load_tool

spec_diff = load_tool("spec_diff")

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/images": {
            "post": {
                "operationId": "createImage",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CreateImageRequest"}
                        }
                    }
                },
                "responses": {"201": {"description": "ok"}},
            }
        },
        "/images/{id}": {
            "get": {
                "operationId": "getImage",
                "parameters": [{"in": "path", "name": "id", "required": True}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Generation"}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["starting", "succeeded"]},
            "Resolution": {"type": "string", "enum": ["1k", "2k"]},
            "CreateImageRequest": {
                "type": "object",
                "required": ["prompt"],
                "properties": {
                    "prompt": {"type": "string"},
                    "resolution": {"$ref": "#/components/schemas/Resolution"},
                },
            },
            "Generation": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "name": {"type": "string"},
                },
            },
        }
    },
}


def changed(edit: Any) -> list[tuple[bool, str, str]]:
    new = copy.deepcopy(SPEC)
    edit(new)
    return [(c.breaking, c.where, c.what) for c in spec_diff.diff(SPEC, new)]


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"]  # type: ignore[no-any-return]


def test_the_same_spec_has_no_change() -> None:
    assert changed(lambda spec: None) == []
    assert spec_diff.report([]) == "spec: no change of operations, fields or enum values"


def test_an_optional_field_added_is_additive_in_a_request_and_a_response() -> None:
    def add_seed(spec: dict[str, Any]) -> None:
        for name in ("CreateImageRequest", "Generation"):
            schemas(spec)[name]["properties"]["seed"] = {"type": "integer"}

    assert changed(add_seed) == [
        (False, "schema CreateImageRequest: field seed", "added (integer, optional)"),
        (False, "schema Generation: field seed", "added (integer, optional)"),
    ]


def test_a_required_request_field_added_is_breaking() -> None:
    def add(spec: dict[str, Any]) -> None:
        request = schemas(spec)["CreateImageRequest"]
        request["properties"]["model"] = {"type": "string"}
        request["required"].append("model")

    assert changed(add) == [
        (True, "schema CreateImageRequest: field model", "added (string, required)")
    ]


def test_an_enum_value_removed_is_breaking_and_one_added_is_additive() -> None:
    def edit(spec: dict[str, Any]) -> None:
        schemas(spec)["Resolution"]["enum"].remove("2k")
        schemas(spec)["Status"]["enum"].append("cancelled")

    assert changed(edit) == [
        (True, "schema Resolution", "enum value 2k removed"),
        (False, "schema Status", "enum value cancelled added"),
    ]


def test_an_operation_removed_is_breaking_and_one_added_is_additive() -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["paths"]["/images/{id}"]["delete"] = {"operationId": "deleteImage", "responses": {}}
        del spec["paths"]["/images"]

    assert changed(edit) == [
        (True, "operation createImage", "removed (POST /images)"),
        (False, "operation deleteImage", "added (DELETE /images/{id})"),
    ]


def test_required_changes_break_in_the_direction_the_data_travels() -> None:
    def loosen(spec: dict[str, Any]) -> None:
        schemas(spec)["CreateImageRequest"]["required"] = []  # the server accepts more
        schemas(spec)["Generation"]["required"] = []  # the client may now miss `id`

    assert changed(loosen) == [
        (True, "schema Generation: field id", "now optional"),
        (False, "schema CreateImageRequest: field prompt", "now optional"),
    ]


def test_a_changed_type_and_a_removed_field_are_breaking() -> None:
    def edit(spec: dict[str, Any]) -> None:
        schemas(spec)["Generation"]["properties"]["id"] = {"type": "integer"}
        del schemas(spec)["Generation"]["properties"]["name"]

    assert changed(edit) == [
        (True, "schema Generation: field id", "type string became integer"),
        (True, "schema Generation: field name", "removed"),
    ]


@pytest.mark.parametrize(("flags", "status"), [((), 0), (("--fail-on-breaking",), 1)])
def test_the_command_informs_and_fails_only_when_asked(
    tmp_path: Path, flags: tuple[str, ...], status: int
) -> None:
    new = copy.deepcopy(SPEC)
    schemas(new)["Resolution"]["enum"].remove("2k")
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(new))
    result = subprocess.run(
        [sys.executable, str(TOOLS / "spec_diff.py"), "-", str(tmp_path / "new.yaml"), *flags],
        input=yaml.safe_dump(SPEC),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == status
    assert result.stdout.splitlines() == [
        "spec: 1 changes (1 breaking, 0 additive)",
        "  breaking  schema Resolution: enum value 2k removed",
    ]
