"""Validation of a createImage body, as the spec and docs say, before anything is charged.

The answers the docs spell out are checked first, by hand; then the body is validated against
the spec's own CreateImageRequest schema (`CREATE_REQUEST_SCHEMA`, generated into
`imagegen._spec.create`), so a field the spec adds is checked with no edit here. The answers
(decided in the spec where the docs are silent):

- a body that is not JSON: 400 INVALID_JSON;
- no prompt, or a blank one: 422 `{"detail": "Validation error: prompt is required"}`;
- a field of the wrong JSON type (a body that is not an object included): 422 VALIDATION_ERROR;
- a resolution other than 1k, 2k, 4k: 400 `{"detail": "Invalid resolution. ..."}`;
- more than 10 images in all: 400 `{"detail": "Maximum 10 images allowed ..."}`;
- both image fields non-empty: 400 `{"detail": "Cannot mix images_url and images_base64 ..."}`;
- any other value the schema refuses (num_outputs 1-4, aspect ratio, URLs): 400
  VALIDATION_ERROR.

Integers may be written as `3.0`; booleans are never numbers. Fields the sandbox does not use
are checked by the schema, then ignored.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# jsonschema ships no types (types-jsonschema would): its two names are used as Any here.
from jsonschema import Draft202012Validator, ValidationError  # type: ignore[import-untyped]

from .._net import is_loopback_url
from .._spec import create as _spec_schema
from ._bodies import (
    DETAIL_MIXED_INPUTS,
    DETAIL_PROMPT_REQUIRED,
    DETAIL_RESOLUTION,
    DETAIL_TOO_MANY_IMAGES,
    ErrorAnswer,
    error_body,
)

__all__ = ["RESOLUTIONS", "Validated", "parse_create_body"]

# The spec's resolutions: the one rule the docs give a message of its own (DETAIL_RESOLUTION).
# A tuple: `in` takes any JSON value (a list is not hashable).
RESOLUTIONS: Final = tuple(_spec_schema.CREATE_OPTIONS["resolution"]["enum"])
MAX_IMAGES: Final = 10


@dataclass
class Validated:
    prompt: str
    resolution: str = "1k"
    aspect_ratio: str = "1:1"
    num_outputs: int = 1
    model: str | None = None
    webhook_url: str | None = None
    name: str | None = None
    is_public: bool = False
    images_url: list[str] = field(default_factory=list)
    images_base64: list[str] = field(default_factory=list)


def _wrong_type() -> ErrorAnswer:
    return ErrorAnswer(422, error_body("VALIDATION_ERROR"))


def _bad_value() -> ErrorAnswer:
    return ErrorAnswer.of("VALIDATION_ERROR")


def _string_list(body: dict[str, Any], name: str) -> list[str]:
    if name not in body:
        return []
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _wrong_type()
    return value


# An RFC 3986 URI: ASCII only, from the allowed characters, with well-formed %-escapes.
_URI: Final = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"
)


def _is_uri(text: str) -> bool:
    return _URI.match(text) is not None


def _is_reference_url(text: str) -> bool:
    """What images_url allows: an https URI (as the spec's pattern says), or, as the sandbox's
    own extension, an http URL of a loopback host (a test's image server)."""
    if not _is_uri(text):
        return False
    return text.startswith("https://") or (text.startswith("http://") and is_loopback_url(text))


def parse_json(raw: bytes) -> object:
    """The JSON of a body; ErrorAnswer (400 INVALID_JSON) if it is not JSON."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ErrorAnswer.of("INVALID_JSON") from None


def parse_create_body(raw: bytes) -> Validated:
    """A valid createImage request, or ErrorAnswer with the documented answer.

    First the checks whose answers the docs spell out (prompt, resolution, the images), then
    the spec's own schema for everything else, fields the spec adds included: a value of the
    wrong JSON type is 422 VALIDATION_ERROR, any other value the schema refuses 400. Then what
    the schema cannot say (URIs, loopback references). Fields the sandbox does not know are
    checked by the schema and otherwise ignored."""
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise _wrong_type()
    prompt = body.get("prompt")
    if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
        raise ErrorAnswer(422, {"detail": DETAIL_PROMPT_REQUIRED})
    if not isinstance(prompt, str):
        raise _wrong_type()
    if "resolution" in body and body["resolution"] not in RESOLUTIONS:
        raise ErrorAnswer(400, {"detail": DETAIL_RESOLUTION})
    urls = _string_list(body, "images_url")
    encoded = _string_list(body, "images_base64")
    if len(urls) + len(encoded) > MAX_IMAGES:
        raise ErrorAnswer(400, {"detail": DETAIL_TOO_MANY_IMAGES})
    if urls and encoded:
        raise ErrorAnswer(400, {"detail": DETAIL_MIXED_INPUTS})
    _check_schema(body)
    # What the schema cannot say: its `uri` format is not checked by jsonschema (it needs
    # rfc3987), and references may also be loopback http URLs (the sandbox's own extension).
    if not all(_is_reference_url(url) for url in urls):
        raise _bad_value()
    webhook_url = body.get("webhook_url")
    # Any URI is valid (the spec says no more); only loopback http(s) URLs are ever posted to.
    if webhook_url is not None and not (isinstance(webhook_url, str) and _is_uri(webhook_url)):
        raise _bad_value()
    defaults = Validated(prompt=prompt)
    return Validated(
        prompt=prompt,
        resolution=_given(body, "resolution", defaults.resolution),
        aspect_ratio=_given(body, "aspect_ratio", defaults.aspect_ratio),
        # An integer may be written as `3.0` (the schema's `integer` allows it).
        num_outputs=int(_given(body, "num_outputs", defaults.num_outputs)),
        model=_given(body, "model", defaults.model),
        webhook_url=webhook_url,
        name=_given(body, "name", defaults.name),
        is_public=_given(body, "is_public", defaults.is_public),
        images_url=urls,
        images_base64=encoded,
    )


def _given(body: dict[str, Any], name: str, default: Any) -> Any:
    """The field's value, valid by the schema; the default when absent (or null, should the
    spec come to allow null)."""
    value = body.get(name)
    return default if value is None else value


def _check_schema(body: dict[str, Any]) -> None:
    """ErrorAnswer unless `body` is valid by the spec's CreateImageRequest: 422 when a value
    is of the wrong JSON type (the wrong type wins over a value out of bounds), else 400."""
    errors = list(_schema_validator().iter_errors(body))
    if not errors:
        return
    if any(_is_wrong_type(error) for error in errors):
        raise _wrong_type()
    raise _bad_value()


def _is_wrong_type(error: ValidationError) -> bool:
    """A `type` refused, or alternatives (anyOf, oneOf) each of which refused the type."""
    if error.validator == "type":
        return True
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return False
    by_alternative: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        by_alternative.setdefault(sub.relative_schema_path[0], []).append(sub)
    return all(any(_is_wrong_type(sub) for sub in subs) for subs in by_alternative.values())


# The schema the validator was built from, to build it again when the schema is replaced
# (a test stands in a spec that has added a field).
_validator: tuple[Mapping[str, Any], Draft202012Validator] | None = None


def _schema_validator() -> Draft202012Validator:
    global _validator
    schema = _spec_schema.CREATE_REQUEST_SCHEMA
    if _validator is None or _validator[0] is not schema:
        _validator = (schema, Draft202012Validator(_as_the_sandbox_checks(schema)))
    return _validator[1]


def _as_the_sandbox_checks(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema without the two rules the sandbox widens on purpose: `images_url` items
    match `^https://` in the spec; the sandbox also takes loopback http URLs (a test's image
    server), checked by `_is_reference_url`. `images_base64` items are plain base64 in the
    spec; the sandbox also takes `data:image/...;base64,` URLs, and answers anything that does
    not decode to an image with the documented INVALID_IMAGE (status shape), not a validation
    error. Formats are not asserted (as JSON Schema 2020-12 says by default): the URIs are
    checked by `_is_uri`."""
    widened = copy.deepcopy(dict(schema))
    properties = widened.get("properties", {})
    for name in ("images_url", "images_base64"):
        items = properties.get(name, {}).get("items", {})
        if isinstance(items, dict):
            items.pop("pattern", None)
    return widened
