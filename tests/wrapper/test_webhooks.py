"""imagegen.webhooks.parse over every webhook example in the spec, and over bad bodies."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from imagegen import webhooks
from imagegen._api.models import ErrorCode, GenerationStatus
from imagegen._errors import ImagegenError
from imagegen.webhooks import InvalidWebhookError, WebhookEvent, parse

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
GEN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def spec_webhook_examples() -> list[Any]:
    """Every example body of a webhook in the spec (top-level `webhooks` and create's callback)."""
    spec = yaml.safe_load(SPEC.read_text())
    params = []
    operations = [
        (f"webhooks.{name}", item["post"]) for name, item in spec.get("webhooks", {}).items()
    ]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for cb_name, callback in (operation.get("callbacks") or {}).items():
                for expression, cb_item in callback.items():
                    operations.append((f"{method} {path} {cb_name} {expression}", cb_item["post"]))
    for where, operation in operations:
        content = operation["requestBody"]["content"]["application/json"]
        if "example" in content:
            params.append(pytest.param(content["example"], id=f"{where}"))
        for name, example in (content.get("examples") or {}).items():
            params.append(pytest.param(example["value"], id=f"{where}:{name}"))
    return params


EXAMPLES = spec_webhook_examples()


def test_the_spec_has_webhook_examples_of_both_outcomes() -> None:
    statuses = {p.values[0]["status"] for p in EXAMPLES}
    assert {"succeeded", "failed"} <= statuses


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_spec_example_parses_from_bytes_str_and_mapping(example: dict[str, Any]) -> None:
    text = json.dumps(example)
    events = [parse(example), parse(text), parse(text.encode()), parse(bytearray(text.encode()))]
    assert events[0] == events[1] == events[2] == events[3]
    event = events[0]
    assert isinstance(event, WebhookEvent)
    assert event.generation_id == example["generationId"]
    assert event.status == example["status"]
    assert isinstance(event.status, GenerationStatus)
    assert event.output_images == tuple(example.get("outputImages") or ())
    assert event.credit_cost == example.get("creditCost")
    assert event.failure_reason == example.get("failureReason")
    assert dict(event.raw) == example
    assert event.is_terminal
    if example["status"] == "failed":
        assert event.failed
        assert not event.succeeded
        assert event.code == example.get("message", example.get("failureReason"))
        assert isinstance(event.code, ErrorCode)
    else:
        assert event.succeeded
        assert not event.failed
        assert event.code is None


def test_event_is_frozen_and_hashable() -> None:
    event = parse(
        {"generationId": GEN_ID, "status": "succeeded", "outputImages": ["https://x/0.png"]}
    )
    with pytest.raises(AttributeError):
        event.status = GenerationStatus.FAILED  # type: ignore[misc]
    assert hash(event) == hash(parse(json.dumps(dict(event.raw))))
    with pytest.raises(TypeError):
        event.raw["status"] = "failed"  # type: ignore[index]


def test_module_is_public() -> None:
    assert webhooks.parse is parse
    assert issubclass(InvalidWebhookError, ImagegenError)
    assert issubclass(InvalidWebhookError, ValueError)


def test_generation_id_is_canonicalised() -> None:
    event = parse({"generationId": GEN_ID.upper(), "status": "succeeded"})
    assert event.generation_id == GEN_ID


def test_minimal_body() -> None:
    event = parse(f'{{"generationId": "{GEN_ID}", "status": "failed"}}')
    assert event == WebhookEvent(generation_id=GEN_ID, status=GenerationStatus.FAILED)
    assert event.code is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"message": "IMAGE_INACCESSIBLE"}, ErrorCode.IMAGE_INACCESSIBLE),
        ({"failureReason": "NSFW_CONTENT_DETECTED"}, ErrorCode.NSFW_CONTENT_DETECTED),
        (
            {"message": "Generation failed", "failureReason": "INVALID_IMAGE"},
            ErrorCode.INVALID_IMAGE,
        ),
        ({"message": "BRAND_NEW_CODE"}, "BRAND_NEW_CODE"),
        ({"failureReason": "The model timed out"}, None),
        ({"message": "Something went wrong", "failureReason": None}, None),
    ],
)
def test_failure_code(fields: dict[str, Any], code: str | None) -> None:
    event = parse({"generationId": GEN_ID, "status": "failed", **fields})
    assert event.code == code
    assert isinstance(event.code, ErrorCode) == isinstance(code, ErrorCode)
    assert event.raw.get("message") == fields.get("message")  # kept as sent, even unknown


def test_unknown_fields_are_kept_in_raw() -> None:
    event = parse({"generationId": GEN_ID, "status": "succeeded", "seed": 42, "creditCost": None})
    assert event.raw["seed"] == 42
    assert event.credit_cost is None


def test_utf8_bom_is_accepted() -> None:
    body = b"\xef\xbb\xbf" + json.dumps({"generationId": GEN_ID, "status": "succeeded"}).encode()
    assert parse(body).succeeded
    assert parse("\ufeff" + body.decode("utf-8-sig")).succeeded


# -- bad bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "not JSON"),
        (b"not json", "not JSON"),
        ("{'generationId': 1}", "not JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("<html>502 Bad Gateway</html>", "not JSON"),
        ("[]", "JSON list"),
        ("null", "JSON NoneType"),
        ('"succeeded"', "JSON str"),
        ("{}", "no 'generationId'"),
        ({"status": "succeeded"}, "no 'generationId'"),
        ({"generationId": GEN_ID}, "no 'status'"),
        ({"generationId": 42, "status": "succeeded"}, "must be a string"),
        ({"generationId": "not-a-uuid", "status": "succeeded"}, "not a UUID"),
        ({"generationId": GEN_ID, "status": "cancelled"}, "'cancelled' is not one"),
        ({"generationId": GEN_ID, "status": "SUCCEEDED"}, "is not one"),
        ({"generationId": GEN_ID, "status": None}, "is not one"),
        ({"generationId": GEN_ID, "status": "succeeded", "outputImages": "https://x"}, "list"),
        ({"generationId": GEN_ID, "status": "succeeded", "outputImages": [1]}, "list"),
        ({"generationId": GEN_ID, "status": "succeeded", "creditCost": "2"}, "integer"),
        ({"generationId": GEN_ID, "status": "succeeded", "creditCost": True}, "integer"),
        ({"generationId": GEN_ID, "status": "failed", "failureReason": 5}, "failureReason"),
    ],
)
def test_bad_bodies_raise_invalid_webhook_error(body: Any, fragment: str) -> None:
    with pytest.raises(InvalidWebhookError) as caught:
        parse(body)
    assert fragment in str(caught.value)
    assert str(caught.value) == caught.value.message


def test_long_garbage_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidWebhookError) as caught:
        parse("x" * 100_000)
    assert len(str(caught.value)) < 200


def test_mapping_that_is_not_a_dict() -> None:
    body = MappingProxyType({"generationId": GEN_ID, "status": "succeeded"})
    assert parse(body).generation_id == GEN_ID


@pytest.mark.parametrize("body", [42, None, ["generationId"]])
def test_body_of_the_wrong_python_type(body: Any) -> None:
    with pytest.raises(TypeError, match="bytes, str or a decoded mapping"):
        parse(body)
