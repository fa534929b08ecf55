"""The OpenAPI spec as the contract tests see it: loaded once, its schemas checkable with
jsonschema (Draft 2020-12, `$ref`s resolved through `referencing`) and walkable by operation.

Shared by the spec tests, the parser fuzzer and the cassette validation, so all three hold the
wrapper and the recordings to the very same reading of `spec/openapi.yaml`.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import referencing
import referencing.jsonschema
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "spec" / "openapi.yaml"
# The spec is registered as one resource under this URI, so every "#/components/..." inside it
# resolves against the document itself.
SPEC_URI = "urn:imagegen:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


@functools.cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def _is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986): jsonschema only checks "uri" when rfc3987 is installed,
    and it is not, so this is the check the contract tests rely on."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() or ord(ch) < 0x20 for ch in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(_SCHEME.match(parts.scheme))


@functools.cache
def format_checker() -> jsonschema.FormatChecker:
    checker = copy.deepcopy(jsonschema.Draft202012Validator.FORMAT_CHECKER)
    checker.checks("uri")(_is_uri)
    return checker


@functools.cache
def registry() -> referencing.Registry[Any]:
    resource = referencing.Resource.from_contents(
        load_spec(), default_specification=referencing.jsonschema.DRAFT202012
    )
    return referencing.Registry().with_resource(SPEC_URI, resource)


def pointer(*segments: str) -> str:
    """A JSON pointer (RFC 6901) to a place in the spec."""
    escaped = (s.replace("~", "~0").replace("/", "~1") for s in segments)
    return "/" + "/".join(escaped)


def resolve(node: Any) -> Any:
    """Follow a local `$ref` (to components) until a node that is not a reference."""
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, got {ref}"
        node = load_spec()
        for raw in ref[2:].split("/"):
            node = node[raw.replace("~1", "/").replace("~0", "~")]
    return node


def validator_at(schema_pointer: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema found at `schema_pointer` in the spec, formats checked."""
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=registry(),
        format_checker=format_checker(),
    )


def inline_refs(node: Any, _seen: tuple[str, ...] = ()) -> Any:
    """The schema with every `$ref` replaced by what it names (hypothesis-jsonschema needs
    that). The spec has no recursive schemas; a cycle would fail loudly here."""
    if isinstance(node, Mapping):
        if "$ref" in node:
            ref = node["$ref"]
            assert ref not in _seen, f"recursive schema through {ref}"
            target = inline_refs(resolve({"$ref": ref}), (*_seen, ref))
            siblings = {k: inline_refs(v, _seen) for k, v in node.items() if k != "$ref"}
            return {**target, **siblings} if siblings else target
        return {key: inline_refs(value, _seen) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, _seen) for item in node]
    return node


@dataclass(frozen=True)
class ResponseSpec:
    """One documented (operation, status) answer."""

    operation_id: str
    status: str
    pointer: str  # to the response object, after following its $ref
    response: Mapping[str, Any]

    @property
    def media(self) -> Mapping[str, Any] | None:
        content = self.response.get("content") or {}
        return content.get("application/json")

    @property
    def schema_pointer(self) -> str:
        return f"{self.pointer}/content/application~1json/schema"

    @property
    def headers(self) -> Mapping[str, Any]:
        return {name: resolve(header) for name, header in self.response.get("headers", {}).items()}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    pointer: str
    node: Mapping[str, Any]

    @property
    def path_regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path))
        return re.compile(f"^{pattern}$")

    def responses(self) -> Iterator[ResponseSpec]:
        for status, raw in self.node["responses"].items():
            yield self.response(str(status), raw)

    def response(self, status: str, raw: Any = None) -> ResponseSpec:
        raw = self.node["responses"][status] if raw is None else raw
        where = raw["$ref"][1:] if "$ref" in raw else f"{self.pointer}/responses/{status}"
        return ResponseSpec(self.operation_id, status, where, resolve(raw))

    @property
    def parameters(self) -> list[Mapping[str, Any]]:
        return [resolve(p) for p in self.node.get("parameters", [])]

    @property
    def request_schema_pointer(self) -> str | None:
        body = resolve(self.node.get("requestBody"))
        if not body:
            return None
        return f"{self.pointer}/requestBody/content/application~1json/schema"


def operations() -> list[Operation]:
    found: list[Operation] = []
    for path, item in load_spec()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                node = item[method]
                found.append(
                    Operation(
                        node["operationId"], method, path, pointer("paths", path, method), node
                    )
                )
    return found


def operation(operation_id: str) -> Operation:
    for candidate in operations():
        if candidate.operation_id == operation_id:
            return candidate
    raise KeyError(operation_id)


def match_operation(method: str, path: str) -> Operation:
    """The operation serving `method path` (the path relative to the base URL)."""
    matches = [
        op for op in operations() if op.method == method.lower() and op.path_regex.match(path)
    ]
    # A literal path beats a templated one, as OpenAPI requires.
    matches.sort(key=lambda op: op.path.count("{"))
    if not matches:
        raise LookupError(f"no operation in the spec serves {method} {path}")
    return matches[0]


def examples_of(media: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(name, value) of a media type's or parameter's `example` and `examples`."""
    if "example" in media:
        yield "example", media["example"]
    for name, example in (media.get("examples") or {}).items():
        example = resolve(example)
        assert "value" in example, f"example {name} has no inline value"
        yield name, example["value"]
