"""tools/gen_surface.py names what users pass as the generated client names it, and turns each
kind of parameter into what the generated client takes (or says why it cannot)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools.conftest import load_tool

gen_surface = load_tool("gen_surface")
ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())


def _spec() -> dict[str, Any]:
    return copy.deepcopy(SPEC)


@pytest.mark.parametrize(
    ("json_name", "python"),
    [
        ("negativePrompt", "negative_prompt"),
        ("generationId", "generation_id"),
        ("webhook_url", "webhook_url"),
        ("HTTPStatus", "http_status"),
        ("type", "type_"),  # a builtin: openapi-python-client adds "_"
        ("class", "class_"),
    ],
)
def test_python_names_are_openapi_python_clients(json_name: str, python: str) -> None:
    assert gen_surface.python_name(json_name) == python


def test_the_create_options_are_the_generated_models_attributes_and_json_names() -> None:
    """Every create field, set by its Python name, is sent under its JSON name (what the
    generated model does with it), for the committed output of the spec."""
    from imagegen._spec.create import CREATE_OPTIONS
    from imagegen._validation import build_create_request

    for name, facts in CREATE_OPTIONS.items():
        sample: object = {
            "integer": facts.get("minimum", 1),
            "number": 1.0,
            "boolean": True,
            "array": [],
        }.get(facts["type"], "https://example.com/x" if facts.get("format") == "uri" else "x")
        if "enum" in facts:
            sample = facts["enum"][0]
        sent = build_create_request("a fox", **{name: sample}).to_dict()
        assert facts["json_name"] in sent, name


def _create_options(spec: dict[str, Any]) -> dict[str, Any]:
    text = gen_surface.create_module(spec)
    found = re.search(r"^CREATE_OPTIONS: .*? = (\{.*?\})\n", text, re.M | re.S)
    assert found is not None
    return eval(found.group(1))  # type: ignore[no-any-return]  # the generator's own repr


def test_a_camel_case_field_is_keyed_by_its_python_name_with_its_json_name() -> None:
    spec = _spec()
    spec["components"]["schemas"]["CreateImageRequest"]["properties"]["negativePrompt"] = {
        "type": "string"
    }
    options = _create_options(spec)
    assert options["negative_prompt"] == {"json_name": "negativePrompt", "type": "string"}
    assert "negativePrompt" not in options
    assert "    negative_prompt: str | None" in gen_surface.create_module(spec)


@pytest.mark.parametrize(
    ("json_name", "words"),
    [
        ("aspectRatio", "aspect_ratio in Python, which is already the field aspect_ratio"),
        ("timeout", "already the argument timeout"),
        ("downloadTo", "already the argument download_to"),
    ],
)
def test_a_field_whose_python_name_is_taken_is_refused(json_name: str, words: str) -> None:
    spec = _spec()
    spec["components"]["schemas"]["CreateImageRequest"]["properties"][json_name] = {
        "type": "string"
    }
    with pytest.raises(gen_surface.SpecError, match=re.escape(words)):
        gen_surface.create_module(spec)


def _list_parameter(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    node = {"name": "status", "in": "query", "required": False, "schema": schema, **extra}
    return dict(gen_surface._parameter(SPEC, "listImages (GET /images)", node))


def test_an_optional_ref_enum_parameter_is_the_generated_enum_or_unset() -> None:
    parameter = _list_parameter({"$ref": "#/components/schemas/GenerationStatus"})
    values = ", ".join(repr(v) for v in SPEC["components"]["schemas"]["GenerationStatus"]["enum"])
    assert parameter["annotation"] == f"GenerationStatus | Literal[{values}] | None"
    assert parameter["default"] == "None"
    assert parameter["check"] == (
        "_unset() if status is None else _params.enum(status, 'status', _generation_status_class())"
    )
    assert parameter["enum_class"] == "GenerationStatus"


def test_an_optional_parameter_with_a_default_is_always_sent() -> None:
    parameter = _list_parameter({"type": "integer", "minimum": 1, "default": 5})
    assert (parameter["annotation"], parameter["default"]) == ("int", "5")
    assert "_unset" not in parameter["check"]


@pytest.mark.parametrize(
    "schema",
    [{"type": "string", "enum": ["a", "b"]}, {"type": "integer", "enum": [1, 2]}],
)
def test_an_enum_parameter_without_a_named_string_schema_is_a_clear_spec_error(
    schema: dict[str, Any],
) -> None:
    with pytest.raises(gen_surface.SpecError, match=r"listImages .*parameter status.*\$ref"):
        _list_parameter(schema)


def test_the_calls_of_the_spec_load_unset_only_where_a_parameter_needs_it() -> None:
    """The committed spec has no optional parameter without a default: no `_unset` loader;
    a spec with one has it, and a loader of its enum class."""
    assert "_unset" not in gen_surface.calls_module(_spec(), gen_surface._table())
    spec = _spec()
    spec["paths"]["/images"]["get"]["parameters"].append(
        {
            "name": "status",
            "in": "query",
            "schema": {"$ref": "#/components/schemas/GenerationStatus"},
        }
    )
    text = gen_surface.calls_module(spec, gen_surface._table())
    assert "def _unset() -> Any:" in text
    assert "def _generation_status_class() -> type[GenerationStatus]:" in text
    assert "from imagegen._api.models import CreateImageRequest, GenerationStatus" in text


def test_every_operations_result_class_gets_response_and_no_nested_class_does() -> None:
    """The answer's `ResponseInfo` is an attribute of each class an operation answers with,
    generated (so a class a new operation brings gets it too), outside eq and repr."""
    text = gen_surface.results_module(_spec())
    answered = set(gen_surface.CLASS_OF_SCHEMA.values()) - {"Credits", "ApiKeyInfo"}
    for cls in sorted(answered | {"Credits", "ApiKeyInfo"}):
        body = text.split(f"\nclass {cls}", 1)[1].split("\n@attrs.frozen", 1)[0]
        line = "response: _responses.ResponseInfo | None = attrs.field(default=None, eq=False, "
        assert (line in body.replace("(\n        ", "(")) == (cls in answered), cls


def test_a_field_named_response_stops_the_generator() -> None:
    spec = _spec()
    spec["components"]["schemas"]["ConnectionStatus"]["properties"]["response"] = {"type": "string"}
    with pytest.raises(gen_surface.SpecError, match=r"ConnectionStatus\.response: a field"):
        gen_surface.results_module(spec)
