"""JSON as RFC 8259 defines it: Python's json accepts NaN and Infinity, which no API sends."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads"]


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


# One decoder, made once: `json.loads` with any keyword argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def loads(text: str | bytes) -> Any:
    """Parse `text`, raising ValueError (JSONDecodeError included) on anything not strict JSON."""
    # What json.loads does before decoding, as it does it.
    if isinstance(text, str):
        if text.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    elif text[:1] == b"{" and text[1:2] != b"\0":
        # An object whose first two bytes are not zero: UTF-8, as detect_encoding would say.
        text = text.decode("utf-8", "surrogatepass")
    else:
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _DECODER.decode(text)
