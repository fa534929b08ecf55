"""Reading the webhook the API POSTs to a create's `webhook_url` when the generation finishes.

```python
from imagegen import webhooks

event = webhooks.parse(request_body)        # bytes, str, or an already-decoded dict
if event.failed:
    print(event.generation_id, "failed:", event.code)   # e.g. ErrorCode.INVALID_IMAGE
else:
    print(event.output_images)
```

`parse` raises `InvalidWebhookError` (a `ValueError`) for a body that is not JSON, not an
object, lacks `generationId` or `status`, has fields of the wrong type, or a status this client
does not know. Answer such a request with a 4xx.

The docs describe no signature on webhook deliveries, so a webhook proves nothing about who sent
it: before acting on an event (charging a customer, publishing an image), confirm it with
`client.images.get(event.generation_id)`. The docs also note that delivery may fail; the status
endpoint remains the source of truth.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from imagegen._api.models import ErrorCode, GenerationStatus
from imagegen._api.models import WebhookEvent as _GeneratedWebhookEvent
from imagegen._api.types import Unset

from ._errors import ImagegenError

__all__ = ["InvalidWebhookError", "WebhookEvent", "parse"]

_TERMINAL = frozenset({GenerationStatus.SUCCEEDED, GenerationStatus.FAILED})
_STATUS_VALUES = frozenset(s.value for s in GenerationStatus)
# How much of an unparseable body an error message quotes.
_EXCERPT = 60


class InvalidWebhookError(ImagegenError, ValueError):
    """A webhook body that is not a generation event this client can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """A generation finished (`succeeded` or `failed`).

    `code` is the failure's error code: an `ErrorCode` member when documented (from `message`,
    or from `failureReason` when that is a code), the raw code when the service sent one nobody
    documented, None otherwise. `raw` is the whole decoded body, unknown fields included.
    """

    generation_id: str
    status: GenerationStatus
    output_images: tuple[str, ...] = ()
    credit_cost: int | None = None
    failure_reason: str | None = None
    code: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def succeeded(self) -> bool:
        return self.status == GenerationStatus.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status == GenerationStatus.FAILED

    @property
    def is_terminal(self) -> bool:
        return self.status in _TERMINAL


def parse(body: bytes | bytearray | memoryview | str | Mapping[str, Any]) -> WebhookEvent:
    """The event in a webhook request's body; `InvalidWebhookError` if it is not one."""
    data = _decode(body)
    checked = _check_shape(data)
    try:
        model = _GeneratedWebhookEvent.from_dict(checked)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # _check_shape has ruled out what we know of; anything left is still the body's fault.
        raise InvalidWebhookError(f"webhook body does not match the spec: {exc}") from None

    message = data.get("message")
    failure_reason = None if isinstance(model.failure_reason, Unset) else model.failure_reason
    return WebhookEvent(
        generation_id=str(model.generation_id),
        status=model.status,
        output_images=tuple(model.output_images or ()),
        credit_cost=None if isinstance(model.credit_cost, Unset) else model.credit_cost,
        failure_reason=failure_reason,
        code=_code(message, failure_reason),
        raw=MappingProxyType(dict(data)),
    )


def _decode(body: object) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        data: object = body
    elif isinstance(body, (bytes, bytearray, memoryview, str)):
        try:
            text = body if isinstance(body, str) else bytes(body).decode("utf-8")
            text = text.removeprefix("\ufeff")  # a byte order mark some senders add
        except UnicodeDecodeError:
            raise InvalidWebhookError("webhook body is not UTF-8 text (expected JSON)") from None
        try:
            data = json.loads(text)
        except ValueError:
            excerpt = text[:_EXCERPT] + ("..." if len(text) > _EXCERPT else "")
            raise InvalidWebhookError(f"webhook body is not JSON: {excerpt!r}") from None
    else:
        raise TypeError(
            f"webhooks.parse() takes the request body as bytes, str or a decoded mapping, "
            f"not {type(body).__name__}"
        )
    if not isinstance(data, Mapping):
        raise InvalidWebhookError(
            f"webhook body is a JSON {type(data).__name__}, not an object with generationId "
            "and status"
        )
    return data


def _check_shape(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields checked by type (the generated model trusts them), ready for `from_dict`."""
    for required in ("generationId", "status"):
        if required not in data:
            raise InvalidWebhookError(f"webhook body has no {required!r}")
    generation_id = data["generationId"]
    if not isinstance(generation_id, str):
        raise InvalidWebhookError(
            f"webhook generationId must be a string, not {type(generation_id).__name__}"
        )
    try:
        uuid.UUID(generation_id)
    except ValueError:
        raise InvalidWebhookError(
            f"webhook generationId {generation_id[:_EXCERPT]!r} is not a UUID"
        ) from None
    status = data["status"]
    if not isinstance(status, str) or status not in _STATUS_VALUES:
        known = ", ".join(s.value for s in GenerationStatus)
        raise InvalidWebhookError(
            f"webhook status {status!r} is not one this client knows ({known})"
        )
    output_images = data.get("outputImages")
    if output_images is not None and (
        not isinstance(output_images, list) or not all(isinstance(u, str) for u in output_images)
    ):
        raise InvalidWebhookError("webhook outputImages must be a list of URL strings")
    credit_cost = data.get("creditCost")
    if credit_cost is not None and (
        isinstance(credit_cost, bool) or not isinstance(credit_cost, int)
    ):
        raise InvalidWebhookError(f"webhook creditCost must be an integer, not {credit_cost!r}")
    failure_reason = data.get("failureReason")
    if failure_reason is not None and not isinstance(failure_reason, str):
        raise InvalidWebhookError(
            f"webhook failureReason must be a string or null, not {type(failure_reason).__name__}"
        )

    checked = dict(data)
    # The generated model accepts only documented codes in `message`; an undocumented code, or
    # a sentence, is kept in `raw` (and `code`) instead of failing the whole event.
    message = checked.get("message")
    if message is not None and _documented(message) is None:
        del checked["message"]
    for optional in ("outputImages", "creditCost"):
        if checked.get(optional, 0) is None:
            del checked[optional]
    return checked


def _documented(value: object) -> ErrorCode | None:
    if isinstance(value, str):
        try:
            return ErrorCode(value)
        except ValueError:
            return None
    return None


def _looks_like_code(value: object) -> bool:
    """UPPER_SNAKE_CASE, as every documented code is: tells a code from a sentence."""
    return (
        isinstance(value, str)
        and bool(value)
        and value.replace("_", "").isalnum()
        and value.upper() == value
    )


def _code(message: object, failure_reason: str | None) -> str | None:
    for candidate in (message, failure_reason):
        documented = _documented(candidate)
        if documented is not None:
            return documented
    for candidate in (message, failure_reason):
        if _looks_like_code(candidate):
            assert isinstance(candidate, str)
            return candidate
    return None
