"""Property tests of webhooks.parse: any valid event parses to what it says; anything else is
an InvalidWebhookError, never a KeyError, TypeError, AttributeError or a bare ValueError."""

from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from imagegen._api.models import ErrorCode, GenerationStatus
from imagegen.webhooks import InvalidWebhookError, WebhookEvent, parse

from tests.fuzz.bodies import JSON_VALUES

FIELDS = ["generationId", "status", "message", "outputImages", "creditCost", "failureReason"]

VALID_EVENTS = st.fixed_dictionaries(
    {
        "generationId": st.uuids().map(str),
        "status": st.sampled_from([s.value for s in GenerationStatus]),
    },
    optional={
        "message": st.sampled_from([c.value for c in ErrorCode]) | st.text(max_size=20),
        "outputImages": st.lists(st.text(max_size=30), max_size=4),
        "creditCost": st.integers(min_value=0, max_value=10_000),
        "failureReason": st.none() | st.text(max_size=20),
        "extra": JSON_VALUES,
    },
)


@settings(max_examples=150, deadline=None)
@given(VALID_EVENTS)
def test_every_valid_event_parses_to_what_it_says(body: dict[str, Any]) -> None:
    for form in (body, json.dumps(body), json.dumps(body).encode()):
        event = parse(form)
        assert isinstance(event, WebhookEvent)
        assert event.generation_id == str(uuid.UUID(body["generationId"]))
        assert event.status == body["status"]
        assert event.output_images == tuple(body.get("outputImages", ()))
        assert event.credit_cost == body.get("creditCost")
        assert event.failure_reason == body.get("failureReason")
        assert dict(event.raw) == body
        if event.code is not None:
            assert event.code in (body.get("message"), body.get("failureReason"))


def _mangled() -> st.SearchStrategy[Any]:
    """Valid events with one field replaced by any JSON value, or removed."""

    def mangle(body: dict[str, Any], field: str, value: Any, remove: bool) -> dict[str, Any]:
        body = dict(body)
        if remove:
            body.pop(field, None)
        else:
            body[field] = value
        return body

    return st.builds(mangle, VALID_EVENTS, st.sampled_from(FIELDS), JSON_VALUES, st.booleans())


def _parse_or_invalid(body: Any) -> None:
    try:
        event = parse(body)
    except InvalidWebhookError as exc:
        problem = str(exc)
        assert problem.startswith("webhook ")
        return
    assert isinstance(event, WebhookEvent)
    assert event.status in set(GenerationStatus)


@settings(max_examples=300, deadline=None)
@given(_mangled())
def test_mangled_events_parse_or_raise_invalid_webhook_error(body: dict[str, Any]) -> None:
    _parse_or_invalid(body)
    _parse_or_invalid(json.dumps(body))


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_parses_or_raises_invalid_webhook_error(value: Any) -> None:
    _parse_or_invalid(json.dumps(value))
    if isinstance(value, dict):
        _parse_or_invalid(value)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_or_text_parse_or_raise_invalid_webhook_error(body: bytes | str) -> None:
    _parse_or_invalid(body)
