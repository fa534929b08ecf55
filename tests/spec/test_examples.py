"""Every example in spec/openapi.yaml validates against its schema, and the spec itself is a
valid OpenAPI 3.1 document.

Examples are what schemathesis replays, what the generated docs show and what the docs-coverage
test compares with the API's documentation: an example that contradicts its own schema would
teach every one of them something false.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.spec import spec_model

# Keys whose values are example data, not spec structure: never walked into.
EXAMPLE_KEYS = ("example", "examples")


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _walk(node: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (pointer, object) in the spec, not descending into example values."""
    if isinstance(node, Mapping):
        yield where, node
        for key, value in node.items():
            if key in EXAMPLE_KEYS:
                continue
            yield from _walk(value, f"{where}/{_escape(str(key))}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{where}/{index}")


def collect_examples() -> list[tuple[str, str, Any]]:
    """(where, schema pointer, value) for every example of the spec.

    Media type, parameter and header objects hold `schema` beside `example`/`examples` (a map of
    Example objects). A schema object may itself carry `examples` (a list) or `example`.
    """
    found: list[tuple[str, str, Any]] = []
    for where, node in _walk(spec_model.load_spec(), ""):
        if "schema" in node and isinstance(node["schema"], Mapping):
            for name, value in spec_model.examples_of(node):
                found.append((f"{where}/{name}", f"{where}/schema", value))
        elif _is_schema_with_examples(where, node):
            if "example" in node:
                found.append((f"{where}/example", where, node["example"]))
            for index, value in enumerate(node.get("examples", [])):
                found.append((f"{where}/examples/{index}", where, value))
    return found


def _is_schema_with_examples(where: str, node: Mapping[str, Any]) -> bool:
    in_schema = "/schema" in where or where.startswith("/components/schemas/")
    return in_schema and ("example" in node or isinstance(node.get("examples"), list))


EXAMPLES = collect_examples()


def test_the_spec_is_valid_openapi() -> None:
    spec_dict, base_uri = read_from_filename(str(spec_model.SPEC_PATH))
    validate(spec_dict, base_uri=base_uri)


def test_examples_were_found_everywhere_they_are_written() -> None:
    # Guards the walk itself: if it stopped finding examples, the test below would pass vacuously.
    places = {where.rsplit("/", 1)[0] for where, _, _ in EXAMPLES}
    assert len(EXAMPLES) >= 40
    assert any(p.startswith("/paths/~1images/post/requestBody") for p in places)
    assert any(p.startswith("/webhooks/generationFinished") for p in places)
    assert any(p.startswith("/components/responses/CreateBadRequest") for p in places)
    assert any(p.startswith("/paths/~1status/get/responses/200") for p in places)


@pytest.mark.parametrize(
    ("schema_pointer", "value"),
    [pytest.param(schema, value, id=where) for where, schema, value in EXAMPLES],
)
def test_example_validates_against_its_schema(schema_pointer: str, value: Any) -> None:
    errors = sorted(
        spec_model.validator_at(schema_pointer).iter_errors(value), key=lambda e: list(e.path)
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def _every_operation_body() -> Iterator[tuple[str, Mapping[str, Any]]]:
    for op in spec_model.operations():
        body = spec_model.resolve(op.node.get("requestBody"))
        if body:
            for media_type, media in body["content"].items():
                yield f"{op.operation_id} request {media_type}", media
        for response in op.responses():
            for media_type, media in (response.response.get("content") or {}).items():
                yield f"{op.operation_id} {response.status} {media_type}", media


@pytest.mark.parametrize(
    "media", [pytest.param(m, id=where) for where, m in _every_operation_body()]
)
def test_every_body_of_every_operation_has_an_example(media: Mapping[str, Any]) -> None:
    assert list(spec_model.examples_of(media)), "document at least one example"


def test_a_wrong_example_is_caught() -> None:
    # The validator must have teeth: the same examples, broken, fail.
    status_ok = spec_model.operation("getStatus").response("200")
    assert status_ok.media is not None
    good = status_ok.media["example"]
    validator = spec_model.validator_at(status_ok.schema_pointer)
    assert validator.is_valid(good)
    missing_required = copy.deepcopy(good)
    del missing_required["data"]["accountId"]
    bad_format = copy.deepcopy(good)
    bad_format["data"]["timestamp"] = "yesterday"
    bad_uuid = copy.deepcopy(good)
    bad_uuid["data"]["apiKeyId"] = "not-a-uuid"
    for broken in (missing_required, bad_format, bad_uuid):
        assert not validator.is_valid(broken)

    created = spec_model.operation("getImage").response("200")
    bad_uri = {
        "success": True,
        "data": {
            "generationId": good["data"]["accountId"],
            "status": "succeeded",
            "outputImages": ["no scheme"],
        },
    }
    assert not spec_model.validator_at(created.schema_pointer).is_valid(bad_uri)
    unknown_code = {"success": False, "error": "NOT_A_CODE", "message": "x"}
    error_schema = spec_model.operation("getStatus").response("401").schema_pointer
    with pytest.raises(jsonschema.ValidationError):
        spec_model.validator_at(error_schema).validate(unknown_code)
