"""Hypothesis strategies for response bodies: valid ones generated from the spec's schemas, and
the many ways a server, a proxy or a network can get them wrong."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from tests.fuzz import jsonschema_compat
from tests.spec import spec_model

jsonschema_compat.install()

# hypothesis-jsonschema knows no "uuid" format and would draw any string for it.
CUSTOM_FORMATS = {"uuid": st.uuids().map(str)}

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
# Values a server might invent for an enum field: a status the client does not know, a code
# nobody documented, a near miss in case or spacing.
UNKNOWN_ENUM_VALUES = st.sampled_from(
    ["cancelled", "CANCELLED", "queued", "Succeeded", " failed", "refunded", "UNKNOWN_CODE", ""]
) | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=20)

HTML_PAGES = st.sampled_from(
    [
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
        "<hr><center>nginx</center></body></html>",
        "<!DOCTYPE html><html><body><p>Service Unavailable</p></body></html>",
        "<html>",
    ]
)


def valid_bodies(schema: dict[str, Any], *, closed: bool = False) -> st.SearchStrategy[Any]:
    """Bodies that validate against a spec schema (which may `$ref` components).

    The spec's objects are open, so a server may add fields: unless `closed`, bodies carry up
    to two invented `extra_*` fields. hypothesis-jsonschema could draw those itself from the
    open schema, but at three to four times the cost of the whole run, so they are added here.
    """
    bodies = _closed_bodies(json.dumps(schema, sort_keys=True))
    return bodies if closed else bodies.flatmap(_with_extra_fields)


@st.composite
def _with_extra_fields(draw: st.DrawFn, body: Any) -> Any:
    objects = [p for p in _paths(body) if isinstance(_get(body, p), dict)]
    for _ in range(draw(st.integers(min_value=0, max_value=2)) if objects else 0):
        path = draw(st.sampled_from(objects))
        key = "extra_" + draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", max_size=8))
        value = draw(JSON_VALUES)
        body = _replace(body, path, lambda node, k=key, v=value: {**node, k: v})
    return body


@functools.cache
def _closed_bodies(schema_json: str) -> st.SearchStrategy[Any]:
    # Canonicalising a schema is the slow part of hypothesis-jsonschema: once per schema.
    return from_schema(
        _closed(spec_model.inline_refs(json.loads(schema_json))), custom_formats=CUSTOM_FORMATS
    )


def _closed(node: Any) -> Any:
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Callable[[Any], Any]) -> Any:
    if not path:
        return new(value)
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(value[head], tuple(rest), new)
    return copy


def _other_type(draw: st.DrawFn, current: Any) -> Any:
    candidates = [None, True, 0, 1.5, "x", [], {}, [1], {"k": "v"}, "12", -1]
    return draw(st.sampled_from([c for c in candidates if type(c) is not type(current)]))


_MUTATIONS = ("drop_key", "null", "wrong_type", "unknown_enum", "extra_key", "empty")


@st.composite
def mangle(draw: st.DrawFn, body: Any) -> Any:
    """The body with one to three things wrong: a field missing, null, of the wrong type, an
    enum value nobody documented, a field added, a container emptied."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(body)))
        kind = draw(st.sampled_from(_MUTATIONS))
        if kind == "drop_key":
            if path:
                parent, key = path[:-1], path[-1]
                body = _replace(body, parent, lambda node, key=key: _without(node, key))
            continue
        if kind == "null":
            body = _replace(body, path, lambda _: None)
        elif kind == "wrong_type":
            new = _other_type(draw, _replace(body, path, lambda node: node))
            body = _replace(body, path, lambda _, new=new: new)
        elif kind == "unknown_enum":
            new = draw(UNKNOWN_ENUM_VALUES)
            body = _replace(body, path, lambda _, new=new: new)
        elif kind == "extra_key":
            key, extra = draw(st.text(max_size=10)), draw(JSON_VALUES)
            body = _replace(body, path, lambda node, k=key, v=extra: _with(node, k, v))
        else:
            body = _replace(body, path, lambda node: type(node)() if _is_container(node) else "")
    return body


def _without(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return {k: v for k, v in node.items() if k != key}
    return [v for i, v in enumerate(node) if i != key]


def _with(node: Any, key: str, value: Any) -> Any:
    return {**node, key: value} if isinstance(node, dict) else node


def _is_container(node: Any) -> bool:
    return isinstance(node, dict | list)


def dumps(body: Any) -> bytes:
    return json.dumps(body).encode()


@st.composite
def broken_payloads(draw: st.DrawFn, schema: dict[str, Any]) -> bytes:
    """Bytes that are no JSON body of the schema at all (every response schema is an object)."""
    kind = draw(
        st.sampled_from(["truncated", "text", "binary", "empty", "html", "scalar", "array"])
    )
    if kind == "truncated":
        full = dumps(draw(valid_bodies(schema, closed=True)))
        return full[: draw(st.integers(min_value=0, max_value=len(full) - 1))]
    if kind == "text":
        return draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
    if kind == "binary":
        return draw(st.binary(max_size=40))
    if kind == "empty":
        return b""
    if kind == "html":
        return draw(HTML_PAGES).encode()
    if kind == "scalar":
        return dumps(draw(JSON_SCALARS))
    return dumps(draw(st.lists(JSON_VALUES, max_size=3)))


@st.composite
def mangled_payloads(draw: st.DrawFn, schema: dict[str, Any]) -> bytes:
    """A body of the schema, damaged: mangled fields, or a number spelled as the non-standard
    NaN / Infinity tokens that Python's json module accepts."""
    body = draw(valid_bodies(schema, closed=True))
    if draw(st.booleans()):
        return dumps(draw(mangle(body)))
    numbers = [p for p in _paths(body) if isinstance(_get(body, p), int | float)]
    numbers = [p for p in numbers if not isinstance(_get(body, p), bool)]
    if not numbers:
        return dumps(draw(mangle(body)))
    path = draw(st.sampled_from(numbers))
    token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
    marker = "__imagegen_fuzz_number__"
    return dumps(_replace(body, path, lambda _: marker)).replace(
        f'"{marker}"'.encode(), token.encode()
    )


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value
