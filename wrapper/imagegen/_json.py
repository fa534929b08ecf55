"""JSON as RFC 8259 defines it: Python's json accepts NaN and Infinity, which no API sends."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads"]


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def loads(text: str | bytes) -> Any:
    """Parse `text`, raising ValueError (JSONDecodeError included) on anything not strict JSON."""
    return json.loads(text, parse_constant=_refuse_constant)
