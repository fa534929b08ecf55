"""The `--json` documents: the wrapper's result types as plain JSON.

Field names are the wrapper's attribute names (snake_case), so a script reads the same names in
`imagegen get ID --json` as in `client.images.get(ID)`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import attrs

__all__ = ["to_jsonable", "write_json", "write_json_line"]


def to_jsonable(value: object) -> Any:
    cls = type(value)
    if attrs.has(cls):
        # A result's `response` (what its answer's headers said, outside its equality) is no
        # field of the answer, and not in the document.
        return {
            field.name: to_jsonable(getattr(value, field.name))
            for field in attrs.fields(cls)
            if field.eq or field.name != "response"
        }
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def write_json(stream: TextIO, document: object) -> None:
    """Write one JSON document and a newline: the whole of stdout under --json."""
    stream.write(json.dumps(to_jsonable(document), indent=2, ensure_ascii=False))
    stream.write("\n")
    stream.flush()


def write_json_line(stream: TextIO, document: object) -> None:
    """Write one JSON document on one line (JSON lines: `batch --json`, one per item)."""
    stream.write(json.dumps(to_jsonable(document), ensure_ascii=False, separators=(",", ":")))
    stream.write("\n")
    stream.flush()
