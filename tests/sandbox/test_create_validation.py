"""createImage validation: every documented answer, nothing charged on any of them, and no
500 whatever the body."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagegen import VirtualClock
from imagegen._spec import create as _spec_schema
from imagegen.sandbox import DEFAULT_API_KEY, SandboxTransport, create_app

from ._support import Api, b64, check_against_spec, image_bytes

# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True


VALIDATION_ERROR = {
    "success": False,
    "error": "VALIDATION_ERROR",
    "message": "One or more request parameters are invalid. Please check the required fields.",
}
PROMPT_REQUIRED = {"detail": "Validation error: prompt is required"}
URL = "https://cdn.example.com/refs/a.png"


async def assert_nothing_happened(api: Api) -> None:
    assert (await api.credits())["total"] == 1000
    assert api.control.generations() == []


@pytest.mark.parametrize(
    "raw", [b"{", b"", b"\xff\xfe\x00", b"prompt=a+fox", b"[" * 50_000, b"{'prompt': 'x'}"]
)
async def test_a_body_that_is_not_json_is_invalid_json(api: Api, raw: bytes) -> None:
    response = await api.call(
        "POST", "/v1/images", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "INVALID_JSON",
        "message": "Request body must be valid JSON. Please check your request format.",
    }
    await assert_nothing_happened(api)


@pytest.mark.parametrize("body", [{}, {"prompt": ""}, {"prompt": "  \n\t"}, {"prompt": None}])
async def test_a_missing_or_blank_prompt_is_422_detail(api: Api, body: dict[str, Any]) -> None:
    response = await api.call("POST", "/v1/images", json=body)
    assert response.status_code == 422
    assert response.json() == PROMPT_REQUIRED
    await assert_nothing_happened(api)


@pytest.mark.parametrize("resolution", ["8k", "1K", "", 1, None, ["1k"]])
async def test_a_bad_resolution_is_400_detail(api: Api, resolution: object) -> None:
    response = await api.create(resolution=resolution)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid resolution. Must be 1k, 2k, or 4k"}
    await assert_nothing_happened(api)


@pytest.mark.parametrize(
    "images",
    [
        {"images_url": [URL] * 11},
        {"images_base64": [b64(image_bytes())] * 11},
        {"images_url": [URL] * 6, "images_base64": [b64(image_bytes())] * 5},
    ],
)
async def test_more_than_ten_images_is_400_detail(api: Api, images: dict[str, Any]) -> None:
    response = await api.create(**images)
    assert response.status_code == 400
    assert response.json() == {"detail": "Maximum 10 images allowed (URLs + base64 combined)"}
    await assert_nothing_happened(api)


async def test_mixing_urls_and_base64_is_400_detail(api: Api) -> None:
    response = await api.create(images_url=[URL], images_base64=[b64(image_bytes())])
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot mix images_url and images_base64 in one request"}
    await assert_nothing_happened(api)


@pytest.mark.parametrize(
    "field",
    [
        {"prompt": 5},
        {"prompt": ["a fox"]},
        {"num_outputs": "2"},
        {"num_outputs": True},
        {"num_outputs": 2.5},
        {"num_outputs": None},
        {"aspect_ratio": 16},
        {"model": 3},
        {"name": 3},
        {"name": None},
        {"is_public": "yes"},
        {"is_public": 1},
        {"webhook_url": 80},
        {"images_url": URL},
        {"images_url": [3]},
        {"images_base64": [None]},
    ],
)
async def test_a_field_of_the_wrong_type_is_422(api: Api, field: dict[str, Any]) -> None:
    body = {"prompt": "a fox", **field}
    response = await api.call("POST", "/v1/images", json=body)
    assert response.status_code == 422
    assert response.json() == VALIDATION_ERROR
    await assert_nothing_happened(api)


async def test_a_body_that_is_not_an_object_is_422(api: Api) -> None:
    for body in ([], "a fox", 3, None):
        response = await api.call("POST", "/v1/images", content=json.dumps(body))
        assert response.status_code == 422
        assert response.json() == VALIDATION_ERROR
    await assert_nothing_happened(api)


@pytest.mark.parametrize(
    "field",
    [
        {"num_outputs": 0},
        {"num_outputs": 5},
        {"num_outputs": -1},
        {"num_outputs": 1e300},
        {"aspect_ratio": "7:3"},
        {"aspect_ratio": ""},
        {"model": ""},
        {"webhook_url": "not a url"},
        {"webhook_url": "https://\u0084"},
        {"webhook_url": "/relative/path"},
        {"images_url": ["http://cdn.example.com/a.png"]},
        {"images_url": ["HTTPS://cdn.example.com/a.png"]},
        {"images_url": ["https://\u0084"]},
        {"images_url": ["https://cdn.example.com/%zz"]},
        {"images_url": ["https://exa mple.com/a.png"]},
        {"images_base64": [""]},
    ],
)
async def test_a_value_out_of_bounds_is_400_validation_error(
    api: Api, field: dict[str, Any]
) -> None:
    response = await api.create(**field)
    assert response.status_code == 400
    assert response.json() == VALIDATION_ERROR
    await assert_nothing_happened(api)


@pytest.mark.parametrize(
    "field",
    [
        {"webhook_url": "ftp://127.0.0.1/hook"},
        {"webhook_url": "urn:example:hook"},
        {"images_url": ["https://"]},
    ],
)
async def test_schema_valid_odd_uris_are_accepted(api: Api, field: dict[str, Any]) -> None:
    """The spec asks only for a URI (https for references): such requests are valid. A URL
    the sandbox cannot fetch fails the generation later; a webhook it cannot post to is
    recorded as not delivered."""
    response = await api.create(**field)
    assert response.status_code == 201, response.text


async def test_integers_written_as_floats_are_integers(api: Api) -> None:
    response = await api.create(num_outputs=3.0, resolution="2k")
    assert response.status_code == 201
    assert response.json()["data"]["creditCost"] == 6


async def test_a_full_valid_request_is_created_as_asked(api: Api) -> None:
    generation_id = await api.created_id(
        prompt="A lighthouse sandbox:duration=10",
        resolution="2k",
        aspect_ratio="9:16",
        num_outputs=2,
        model="imagegen-2",
        name="Lighthouse",
        is_public=True,
        webhook_url="https://hooks.example.com/done",
        unknown_field="ignored",
    )
    data = await api.get(generation_id)
    assert data["name"] == "Lighthouse"
    assert data["aspectRatio"] == "9:16"
    assert data["isPublic"] is True
    assert data["outputNumber"] == 2
    assert data["creditCost"] == 4
    assert data["status"] == "starting"
    assert data["failureReason"] is None
    assert "unknown_field" not in data


async def test_defaults(api: Api) -> None:
    generation_id = await api.created_id(prompt="a fox")
    data = await api.get(generation_id)
    assert data["aspectRatio"] == "1:1"
    assert data["outputNumber"] == 1
    assert data["creditCost"] == 1
    assert data["isPublic"] is False
    assert data["name"] == "a fox"
    assert data["imageInput"] == []
    assert data["modelProvider"] == "imagegen"


# -- a field the spec adds, checked by the spec's schema alone ------------------------------


@pytest.fixture
def spec_with_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec, as if it had added `seed` (a non-negative integer) to CreateImageRequest."""
    schema = _spec_schema.CREATE_REQUEST_SCHEMA
    seed = {"type": "integer", "minimum": 0}
    with_seed = {**schema, "properties": {**schema["properties"], "seed": seed}}
    monkeypatch.setattr(_spec_schema, "CREATE_REQUEST_SCHEMA", with_seed)


@pytest.mark.usefixtures("spec_with_seed")
@pytest.mark.parametrize("seed", [0, 3, 3.0, 2**40])
async def test_a_valid_new_field_is_accepted_and_echoed_nowhere(api: Api, seed: object) -> None:
    response = await api.create(seed=seed)
    assert response.status_code == 201, response.text
    assert "seed" not in response.json()["data"]
    data = await api.get(response.json()["data"]["generationId"])
    assert "seed" not in data


@pytest.mark.usefixtures("spec_with_seed")
@pytest.mark.parametrize("seed", ["3", 2.5, True, None, [3], {"value": 3}])
async def test_a_new_field_of_the_wrong_type_is_422(api: Api, seed: object) -> None:
    response = await api.create(seed=seed)
    assert response.status_code == 422
    assert response.json() == VALIDATION_ERROR
    await assert_nothing_happened(api)


@pytest.mark.usefixtures("spec_with_seed")
async def test_a_new_field_out_of_its_bounds_is_400(api: Api) -> None:
    response = await api.create(seed=-1)
    assert response.status_code == 400
    assert response.json() == VALIDATION_ERROR
    await assert_nothing_happened(api)


async def test_a_new_nullable_field_of_the_wrong_type_is_422(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong type is 422 also where the schema offers alternatives (`anyOf`), each refused."""
    schema = _spec_schema.CREATE_REQUEST_SCHEMA
    seed = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]}
    with_seed = {**schema, "properties": {**schema["properties"], "seed": seed}}
    monkeypatch.setattr(_spec_schema, "CREATE_REQUEST_SCHEMA", with_seed)
    assert (await api.create(seed="3")).status_code == 422
    assert (await api.create(seed=-1)).status_code == 400
    assert (await api.create(seed=None)).status_code == 201


@pytest.mark.usefixtures("spec_with_seed")
async def test_the_documented_answers_come_before_the_schemas(api: Api) -> None:
    """A body wrong in a documented way and in the new field gets the documented answer."""
    response = await api.call("POST", "/v1/images", json={"seed": "x"})
    assert response.json() == PROMPT_REQUIRED
    response = await api.create(resolution="8k", seed="x")
    assert response.json() == {"detail": "Invalid resolution. Must be 1k, 2k, or 4k"}
    response = await api.create(images_url=[URL], images_base64=[b64(image_bytes())], seed="x")
    assert response.json() == {"detail": "Cannot mix images_url and images_base64 in one request"}
    await assert_nothing_happened(api)


def test_the_spec_examples_are_accepted() -> None:
    """The three documented request examples create (URL references are accepted and fail
    later, as the sandbox never fetches a non-loopback URL)."""
    from tests.spec import spec_model

    clock = VirtualClock()
    app = create_app(clock=clock)
    app.state.sandbox.set_limits(
        app.state.sandbox.default_account_id, creates_per_minute=None, max_concurrent=None
    )
    media = spec_model.operation("createImage").node["requestBody"]["content"]["application/json"]
    with httpx.Client(transport=SandboxTransport(app), base_url="http://127.0.0.1") as http:
        for name, example in media["examples"].items():
            response = http.post(
                "/v1/images", json=example["value"], headers={"X-API-Key": DEFAULT_API_KEY}
            )
            assert response.status_code == 201, (name, response.text)
            check_against_spec(response)
    app.state.sandbox.close()


# -- no 500 on any input ----------------------------------------------------------------------

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_fields = st.sampled_from(
    [
        "prompt",
        "images_url",
        "images_base64",
        "resolution",
        "aspect_ratio",
        "num_outputs",
        "model",
        "webhook_url",
        "name",
        "is_public",
        "seed",
        "unknown",
    ]
)
_valueish = _json | st.sampled_from(["1k", "4k", "16:9", "a fox", URL, "https://127.0.0.1:1/x"])


@pytest.fixture(scope="module")
def sync_http() -> Any:
    app = create_app(clock=VirtualClock())
    control = app.state.sandbox
    control.set_limits(control.default_account_id, creates_per_minute=None, max_concurrent=None)
    with httpx.Client(
        transport=SandboxTransport(app, raise_app_exceptions=True), base_url="http://127.0.0.1"
    ) as http:
        yield http
    control.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(_fields, _valueish, max_size=6) | _json)
def test_no_body_makes_it_fail(sync_http: httpx.Client, body: object) -> None:
    response = sync_http.post(
        "/v1/images",
        content=json.dumps(body, allow_nan=True),
        headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"},
    )
    assert response.status_code in (201, 400, 402, 422), response.text
    check_against_spec(response)
