"""getImage's answer is read in one pass (`generation_from_json`), not built into the generated
model and then converted: these tests hold that pass to the generated model, which stays the
source of the shape. Its fields and their JSON names are the generated `Generation`'s, and for
any body (valid, mangled, arbitrary) it returns what the generated path returns, or raises the
same exception with the same message. The generated path is the wrapper's: the generated model
shown the body with an unknown status string swapped out (`readable_by_model`), since the
wrapper keeps such a status rather than refuse the answer."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagegen import _parsing
from imagegen_api.models import Generation as ApiGeneration
from imagegen_api.models import GenerationStatus, GetImageResponse

from tests.fuzz import bodies

SCHEMA = {"$ref": "#/components/schemas/Generation"}
EXAMPLES = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The field table, by attribute: (JSON name, exact type).
FIELDS = {attribute: (label, kind) for attribute, label, kind, _ in _parsing._GENERATION_FIELDS}


def _outcome(read: Any, raw: Any) -> tuple[str, Any]:
    try:
        return ("result", read(raw))
    except Exception as exc:  # what is raised is the point: compared, not swallowed
        return (type(exc).__name__, str(exc))


def _generated_path(raw: Any) -> Any:
    """What the wrapper did before: the generated envelope and model, then the conversion."""
    readable, unknown_status = _parsing.readable_by_model(raw)
    return _parsing.generation_from_api(
        GetImageResponse.from_dict({"success": True, "data": readable}).data, unknown_status
    )


def _assert_same(raw: Any) -> None:
    assert _outcome(_parsing.generation_from_json, raw) == _outcome(_generated_path, raw)


def test_the_fields_are_the_generated_models_with_its_json_names() -> None:
    generated = {field.name for field in attrs.fields(ApiGeneration)}
    assert generated - {"additional_properties"} == {"generation_id", "status", *FIELDS}
    values: dict[str, Any] = {
        str: "text",
        int: 7,
        float: 2.5,
        bool: True,
        tuple: ["https://example.com/a.png"],
        datetime.datetime: "2026-11-22T07:00:00+00:00",
    }
    body = {"generationId": str(uuid.uuid4()), "status": "succeeded"}
    body.update({label: values[kind] for label, kind in FIELDS.values()})
    model = ApiGeneration.from_dict(body)
    # The generated model writes back exactly these names, each with the value read from it.
    assert model.to_dict() == body
    assert model.additional_properties == {}
    for attribute, (label, _kind) in FIELDS.items():
        value = getattr(model, attribute)
        expected = body[label]
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        assert value == expected, attribute


@pytest.mark.parametrize(
    "raw",
    [
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "starting"},
        {"generationId": "7C9E6679-7425-40DE-944B-E07FC1F90AE7", "status": "succeeded"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "cancelled"},
        {"generationId": "{7c9e6679-7425-40de-944b-e07fc1f90ae7}", "status": "starting"},
        {"generationId": "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "starting"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7\n", "status": "starting"},
        {"generationId": "7c9e6679742540de944be07fc1f90ae7", "status": "starting"},
        {"status": "starting"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
        {"generationId": 12, "status": "starting"},
        {"generationId": "not-a-uuid", "status": "starting"},
        {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": ["succeeded"]},
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "failed",
            "createdAt": None,
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "failed",
            "createdAt": "yesterday",
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "failed",
            "createdAt": "2026-11-22T07:00:00Z",
            "failureReason": "NSFW_CONTENT_DETECTED",
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "succeeded",
            "predictTime": 3,
            "totalTime": True,
            "prompt": None,
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "succeeded",
            "outputNumber": True,
            "prompt": 5,
            "outputImages": ["a", 1],
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "succeeded",
            "outputImages": "a",
            "imageInput": None,
            "isPublic": 0,
            "failureReason": 3,
        },
        {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "succeeded",
            "currentImage": 1.5,
            "deletedImage": None,
            "creditCost": "4",
            "extra": {"x": 1},
        },
    ],
)
def test_chosen_bodies_read_as_the_generated_path_reads_them(raw: dict[str, Any]) -> None:
    _assert_same(raw)


@pytest.mark.parametrize("status", ["cancelled", "", "SUCCEEDED", "failed "])
def test_an_unknown_status_string_is_kept_by_both_paths(status: str) -> None:
    raw = {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": status, "prompt": "p"}
    for read in (_parsing.generation_from_json, _generated_path):
        generation = read(raw)
        assert generation.status == status
        assert not isinstance(generation.status, GenerationStatus)
        assert generation.prompt == "p"
    _assert_same(raw)


def test_a_status_that_is_not_a_string_fails_both_paths_alike() -> None:
    for status in (None, 3, ["succeeded"]):
        raw = {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": status}
        assert _outcome(_parsing.generation_from_json, raw)[0] == "ValueError"
        _assert_same(raw)


def test_a_full_body_reads_into_every_field() -> None:
    raw = {
        "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "status": "succeeded",
        "prompt": "A lighthouse",
        "outputImages": ["https://cdn.example/a.png"],
        "predictTime": 3,
        "createdAt": "2026-11-22T07:00:00Z",
        "isPublic": False,
    }
    generation = _parsing.generation_from_json(raw)
    assert generation.status is GenerationStatus.SUCCEEDED
    assert generation.output_images == ("https://cdn.example/a.png",)
    assert generation.predict_time == 3.0
    assert isinstance(generation.predict_time, float)
    assert generation.created_at == datetime.datetime(2026, 11, 22, 7, tzinfo=datetime.UTC)
    assert generation.is_public is False
    assert generation.name is None
    assert generation.image_input == ()
    _assert_same(raw)


@EXAMPLES
@given(raw=bodies.valid_bodies(SCHEMA))
def test_valid_bodies_read_as_the_generated_path_reads_them(raw: Any) -> None:
    _assert_same(raw)


@EXAMPLES
@given(raw=bodies.valid_bodies(SCHEMA, closed=True).flatmap(bodies.mangle))
def test_mangled_bodies_read_or_fail_as_the_generated_path_does(raw: Any) -> None:
    if isinstance(raw, dict):
        _assert_same(raw)


@EXAMPLES
@given(
    raw=st.dictionaries(
        st.sampled_from(["generationId", "status", *[label for label, _ in FIELDS.values()]]),
        bodies.JSON_VALUES,
    )
)
def test_arbitrary_values_in_every_field_read_or_fail_alike(raw: dict[str, Any]) -> None:
    _assert_same(raw)
