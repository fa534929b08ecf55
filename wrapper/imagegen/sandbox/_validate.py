"""Validation of a createImage body, as the spec and docs say, before anything is charged.

The answers (decided in the spec where the docs are silent):

- a body that is not JSON: 400 INVALID_JSON;
- no prompt, or a blank one: 422 `{"detail": "Validation error: prompt is required"}`;
- a field of the wrong JSON type (a body that is not an object included): 422 VALIDATION_ERROR;
- a resolution other than 1k, 2k, 4k: 400 `{"detail": "Invalid resolution. ..."}`;
- more than 10 images in all: 400 `{"detail": "Maximum 10 images allowed ..."}`;
- both image fields non-empty: 400 `{"detail": "Cannot mix images_url and images_base64 ..."}`;
- any other value out of bounds (num_outputs 1-4, aspect ratio, URLs): 400 VALIDATION_ERROR.

Integers may be written as `3.0`; booleans are never numbers.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Final

from .._net import is_loopback_url
from ._bodies import (
    DETAIL_MIXED_INPUTS,
    DETAIL_PROMPT_REQUIRED,
    DETAIL_RESOLUTION,
    DETAIL_TOO_MANY_IMAGES,
    ErrorAnswer,
    error_body,
)

__all__ = ["ASPECT_RATIOS", "RESOLUTIONS", "Validated", "parse_create_body"]

RESOLUTIONS: Final = ("1k", "2k", "4k")
ASPECT_RATIOS: Final = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
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


def _string(body: dict[str, Any], name: str) -> str | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):
        raise _wrong_type()
    return value


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise _wrong_type()
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    raise _wrong_type()


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
    """A valid createImage request, or ErrorAnswer with the documented answer."""
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise _wrong_type()
    prompt = body.get("prompt")
    if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
        raise ErrorAnswer(422, {"detail": DETAIL_PROMPT_REQUIRED})
    if not isinstance(prompt, str):
        raise _wrong_type()
    result = Validated(prompt=prompt)
    if "resolution" in body:
        resolution = body["resolution"]
        if resolution not in RESOLUTIONS:
            raise ErrorAnswer(400, {"detail": DETAIL_RESOLUTION})
        result.resolution = resolution
    urls = _string_list(body, "images_url")
    encoded = _string_list(body, "images_base64")
    if len(urls) + len(encoded) > MAX_IMAGES:
        raise ErrorAnswer(400, {"detail": DETAIL_TOO_MANY_IMAGES})
    if urls and encoded:
        raise ErrorAnswer(400, {"detail": DETAIL_MIXED_INPUTS})
    if not all(_is_reference_url(url) for url in urls):
        raise _bad_value()
    if not all(encoded):
        raise _bad_value()
    result.images_url, result.images_base64 = urls, encoded
    aspect_ratio = _string(body, "aspect_ratio")
    if aspect_ratio is not None:
        if aspect_ratio not in ASPECT_RATIOS:
            raise _bad_value()
        result.aspect_ratio = aspect_ratio
    if "num_outputs" in body:
        num_outputs = _integer(body["num_outputs"], "num_outputs")
        if not 1 <= num_outputs <= 4:
            raise _bad_value()
        result.num_outputs = num_outputs
    model = _string(body, "model")
    if model is not None and not model:
        raise _bad_value()
    result.model = model
    webhook_url = _string(body, "webhook_url")
    # Any URI is valid (the spec says no more); only loopback http(s) URLs are ever posted to.
    if webhook_url is not None and not _is_uri(webhook_url):
        raise _bad_value()
    result.webhook_url = webhook_url
    result.name = _string(body, "name")
    if "is_public" in body:
        if not isinstance(body["is_public"], bool):
            raise _wrong_type()
        result.is_public = body["is_public"]
    return result
