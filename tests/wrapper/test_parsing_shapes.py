"""The answers are read in one pass by the generated shapes (`_spec.results.SHAPES`), not
through the generated models: these tests hold that reading to the generated models, which
openapi-python-client makes from the same spec. The shapes name the models' fields with their
JSON names; for any body the model reads, the reader returns the same values (or refuses a value
of the wrong type the model trusts); what the model refuses, the reader refuses too, except a
status string outside the enum, which the wrapper keeps (see `_types`), and null for an optional
field, which it reads as absent."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagegen import _parsing
from imagegen._api import models
from imagegen._api.types import Unset
from imagegen._spec.results import SHAPES

from tests.fuzz import bodies

from .test_client_scripted import generation as generation_body

EXAMPLES = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Each shaped class against the generated model of one schema that makes it.
MODELS = {
    "Generation": [models.Generation, models.GenerationSummary],
    "CreatedGeneration": [models.CreatedGeneration],
    "Credits": [models.Credits],
    "ApiKeyInfo": [models.ApiKeyInfo],
    "ConnectionStatus": [models.ConnectionStatus],
}
CASES = [(name, model) for name, ms in MODELS.items() for model in ms]


def _json_names(name: str) -> set[str]:
    return {path[-1] for _a, path, *_ in SHAPES[name] if path[0] != "^"}


def _model_value(value: Any) -> Any:
    """A generated model's field as the wrapper holds it."""
    if isinstance(value, Unset) or value is None:
        return None
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, datetime.datetime):
        return value
    return str(value) if value.__class__.__name__ == "UUID" else value


def _expected(name: str, model_class: type, raw: dict[str, Any]) -> dict[str, Any]:
    """What the reader must give for `raw`, through the generated model."""
    model = model_class.from_dict(raw)  # type: ignore[attr-defined]
    back = model.to_dict()
    expected = {}
    for attribute, path, kind, _required, _nested in SHAPES[name]:
        if path[0] == "^" or path[-1] not in back:
            continue
        value = _model_value(getattr(model, _alias(model_class, path[-1])))
        if kind in ("strings",) and value is None:
            value = ()
        if kind == "float" and value is not None:
            value = float(value)
        expected[attribute] = value
    return expected


def _alias(model_class: type, json_name: str) -> str:
    # The generated models' attribute for a JSON name, by writing a body back.
    names = {f.name for f in attrs.fields(model_class)}
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in json_name).lstrip("_")
    for candidate in (snake, f"{snake}_"):
        if candidate in names:
            return candidate
    raise AssertionError(f"{model_class.__name__} has no field for {json_name!r}")


def _read(name: str, raw: Any) -> tuple[str, Any]:
    try:
        return ("result", _parsing.read(name, _parsing._object(raw, "data")))
    except (_parsing._Mismatch, ValueError, TypeError, KeyError, AttributeError) as exc:
        return ("refused", type(exc).__name__)


def _assert_agrees(name: str, model_class: type, raw: Any) -> None:
    try:
        expected = _expected(name, model_class, raw)
    except (ValueError, TypeError, KeyError, AttributeError):
        outcome, result = _read(name, raw)
        status = raw.get("status") if isinstance(raw, dict) else None
        if outcome == "result":
            # Only where the wrapper is lenient on purpose: a status string it keeps, a string
            # outside an enum it passes through, and null for an optional field, read as absent
            # (the model's date parsing refuses it).
            nulls = any(value is None for value in raw.values())
            enums = {path[-1] for _a, path, kind, *_ in SHAPES[name] if kind == "enum"}
            odd_enum = any(isinstance(raw.get(json_name), str) for json_name in enums)
            assert isinstance(status, str) or nulls or odd_enum, raw
            if isinstance(status, str):
                assert result.status == status
        return
    outcome, result = _read(name, raw)
    if outcome == "refused":
        return  # a value of the wrong type the model trusts: refused by the reader
    for attribute, value in expected.items():
        assert getattr(result, attribute) == value, (attribute, raw)


@pytest.mark.parametrize(("name", "model_class"), CASES, ids=lambda v: getattr(v, "__name__", v))
def test_the_shapes_hold_every_field_of_the_generated_models(name: str, model_class: type) -> None:
    model_fields = {
        _json_of(f.name) for f in attrs.fields(model_class) if f.name != "additional_properties"
    }
    assert model_fields <= _json_names(name), model_fields - _json_names(name)


def _json_of(attribute: str) -> str:
    head, *rest = attribute.rstrip("_").split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("status", ["cancelled", "", "SUCCEEDED", "failed "])
def test_an_unknown_status_string_is_kept(status: str) -> None:
    raw = generation_body("7c9e6679-7425-40de-944b-e07fc1f90ae7", status, prompt="p")
    generation = _parsing.read("Generation", raw)
    assert generation.status == status
    assert not isinstance(generation.status, models.GenerationStatus)
    assert generation.prompt == "p"


def test_a_full_body_reads_into_every_field() -> None:
    raw = generation_body(
        "7C9E6679-7425-40DE-944B-E07FC1F90AE7",
        "succeeded",
        prompt="A lighthouse",
        outputImages=["https://cdn.example/a.png"],
        predictTime=3,
        createdAt="2026-11-22T07:00:00Z",
        isPublic=False,
        aspectRatio="16:9",
    )
    generation = _parsing.read("Generation", raw)
    assert generation.id == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    assert generation.status is models.GenerationStatus.SUCCEEDED
    assert generation.output_images == ("https://cdn.example/a.png",)
    assert generation.predict_time == 3.0
    assert isinstance(generation.predict_time, float)
    assert generation.created_at == datetime.datetime(2026, 11, 22, 7, tzinfo=datetime.UTC)
    assert generation.is_public is False
    assert generation.name is None
    assert generation.image_input == ()
    assert generation.aspect_ratio == "16:9"
    assert generation.credit_cost == 1


@pytest.mark.parametrize(
    "raw",
    [
        {"status": "starting"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
        {"generationId": 12, "status": "starting"},
        {"generationId": "not-a-uuid", "status": "starting"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": ["succeeded"]},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "s", "prompt": 5},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "s", "isPublic": 0},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "s", "creditCost": "4"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "s", "createdAt": "x"},
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "s",
            "outputImages": "a",
        },
    ],
)
def test_what_breaks_the_spec_is_refused(raw: dict[str, Any]) -> None:
    # Each case on an otherwise complete body, so it is refused for its own defect.
    full = {**generation_body(), **raw}
    for key in ("generationId", "status"):
        if key not in raw:
            del full[key]
    assert _read("Generation", generation_body())[0] == "result"
    assert _read("Generation", full)[0] == "refused"


@pytest.mark.parametrize(("name", "model_class"), CASES, ids=lambda v: getattr(v, "__name__", v))
@EXAMPLES
@given(data=st.data())
def test_valid_bodies_read_as_the_generated_model_reads_them(
    name: str, model_class: type, data: st.DataObject
) -> None:
    raw = data.draw(bodies.valid_bodies({"$ref": f"#/components/schemas/{model_class.__name__}"}))
    _assert_agrees(name, model_class, raw)


@pytest.mark.parametrize(("name", "model_class"), CASES, ids=lambda v: getattr(v, "__name__", v))
@EXAMPLES
@given(data=st.data())
def test_mangled_bodies_are_refused_where_the_generated_model_refuses_them(
    name: str, model_class: type, data: st.DataObject
) -> None:
    schema = {"$ref": f"#/components/schemas/{model_class.__name__}"}
    raw = data.draw(bodies.valid_bodies(schema, closed=True).flatmap(bodies.mangle))
    if isinstance(raw, dict):
        _assert_agrees(name, model_class, raw)
