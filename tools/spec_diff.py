"""What changed between two versions of the OpenAPI spec, each change marked breaking or additive.

    python tools/spec_diff.py OLD NEW [--fail-on-breaking]     # OLD may be - (standard input)

`make generate` runs it on `git show HEAD:spec/openapi.yaml` and the working copy, to inform:
it exits 0 unless `--fail-on-breaking` is given and a change is breaking.

Compared: operations (by operationId, webhooks included), their parameters, request bodies and
responses (by status), and every component schema's fields (nested objects and arrays walked,
a `$ref` named, not followed: the named schema is compared once, under its own name), with each
field's type, whether it is required, and its enum values.

Whether a change breaks depends on who sends the data. A schema used in requests may accept
more (a new optional field, a field no longer required, a new enum value) but not less; one used
in responses (webhook deliveries included) may carry more (new fields, fields now always sent,
new enum values: the SDK reads an unknown value as its raw string) but not less. A schema used
both ways must keep both promises. A removed operation, field, parameter or enum value, or a
changed type, always breaks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REQUEST, RESPONSE = "request", "response"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
REF_PREFIX = "#/components/schemas/"

Spec = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    type: str
    required: bool
    enum: tuple[str, ...] | None


@dataclass(frozen=True, order=True)
class Change:
    breaking: bool
    where: str
    what: str

    def line(self) -> str:
        return f"  {'breaking' if self.breaking else 'additive'}  {self.where}: {self.what}"


# --- Reading a spec -------------------------------------------------------------------------


def operations(spec: Spec) -> dict[str, dict[str, Any]]:
    """operationId -> {where, direction of its request body, parameters, request, responses}."""
    found: dict[str, dict[str, Any]] = {}
    for section, request_direction in (("paths", REQUEST), ("webhooks", RESPONSE)):
        for path, item in (spec.get(section) or {}).items():
            for method in METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                name = operation.get("operationId") or f"{method.upper()} {path}"
                request_body = (operation.get("requestBody") or {}).get("content") or {}
                found[name] = {
                    "where": f"{method.upper()} {path}"
                    + (" (webhook)" if section == "webhooks" else ""),
                    "parameters": {
                        f"{p.get('in')} {p.get('name')}": Field(
                            _type(p.get("schema") or {}), bool(p.get("required")), None
                        )
                        for p in (_follow(spec, p) for p in operation.get("parameters", []))
                    },
                    "request": _body_types(request_body),
                    "request_direction": request_direction,
                    "responses": {
                        str(status): _body_types(_follow(spec, response).get("content") or {})
                        for status, response in (operation.get("responses") or {}).items()
                    },
                }
    return found


def _follow(spec: Spec, node: Mapping[str, Any]) -> Mapping[str, Any]:
    """A `$ref` to anywhere under #/components/ (parameters, responses), followed."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target.get(part, {}) if isinstance(target, Mapping) else {}
    return target if isinstance(target, Mapping) else {}


def _body_types(content: Mapping[str, Any]) -> dict[str, str]:
    return {media: _type(body.get("schema") or {}) for media, body in sorted(content.items())}


def _type(schema: Mapping[str, Any]) -> str:
    """A schema's type in one short string: a component's name, `string(uri)`, `array[X]`."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " | ".join(_type(member) for member in schema[combinator])
    if "const" in schema:
        return f"const {schema['const']!r}"
    kind = schema.get("type", "any")
    text = " | ".join(str(k) for k in kind) if isinstance(kind, list) else str(kind)
    if "format" in schema:
        text += f"({schema['format']})"
    if kind == "array":
        text += f"[{_type(schema.get('items') or {})}]"
    return text


def fields(schema: Mapping[str, Any], prefix: str = "") -> dict[str, Field]:
    """Every field of a schema by dotted path (`[]` for an array's items), its own as ``."""
    found: dict[str, Field] = {}
    if not prefix:
        found[""] = Field(_type(schema), True, _enum(schema))
    if "$ref" in schema:
        return found
    required = set(schema.get("required") or [])
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        found[path] = Field(_type(sub), name in required, _enum(sub))
        found.update(fields(sub, f"{path}."))
    items = schema.get("items")
    if isinstance(items, Mapping) and "$ref" not in items:
        found.update(fields(items, f"{prefix.rstrip('.')}[]." if prefix else "[]."))
    return {k: v for k, v in found.items() if k or not prefix}


def _enum(schema: Mapping[str, Any]) -> tuple[str, ...] | None:
    values = schema.get("enum")
    return None if values is None else tuple(str(v) for v in values)


def directions(spec: Spec) -> dict[str, set[str]]:
    """component schema name -> the directions it travels in (through any chain of refs)."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    used: dict[str, set[str]] = {}

    def mark(node: Any, direction: str) -> None:
        for ref in _refs(node):
            name = ref.removeprefix(REF_PREFIX)
            if direction not in used.setdefault(name, set()):
                used[name].add(direction)
                mark(schemas.get(name, {}), direction)

    for operation in _raw_operations(spec):
        section, raw = operation
        request_direction = REQUEST if section == "paths" else RESPONSE
        mark(raw.get("requestBody"), request_direction)
        for parameter in raw.get("parameters", []):
            mark(_follow(spec, parameter), REQUEST)
        for response in (raw.get("responses") or {}).values():
            mark(_follow(spec, response), RESPONSE)
    return used


def _raw_operations(spec: Spec) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for section in ("paths", "webhooks"):
        for item in (spec.get(section) or {}).values():
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    yield section, item[method]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# --- Comparing ------------------------------------------------------------------------------


def diff(old: Spec, new: Spec) -> list[Change]:
    """Every change from `old` to `new`: breaking ones first, then in order of place."""
    changes = list(_diff_operations(operations(old), operations(new)))
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    old_used, new_used = directions(old), directions(new)
    for name in sorted(old_schemas.keys() | new_schemas.keys()):
        where = f"schema {name}"
        if name not in new_schemas:
            changes.append(Change(True, where, "removed"))
        elif name not in old_schemas:
            changes.append(Change(False, where, "added"))
        else:
            ways = old_used.get(name, set()) | new_used.get(name, set())
            changes.extend(
                _diff_fields(where, fields(old_schemas[name]), fields(new_schemas[name]), ways)
            )
    return sorted(changes, key=lambda c: (not c.breaking, c.where, c.what))


def _diff_operations(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    for name in sorted(old.keys() | new.keys()):
        where = f"operation {name}"
        if name not in new:
            yield Change(True, where, f"removed ({old[name]['where']})")
            continue
        if name not in old:
            yield Change(False, where, f"added ({new[name]['where']})")
            continue
        before, after = old[name], new[name]
        if before["where"] != after["where"]:
            yield Change(True, where, f"moved from {before['where']} to {after['where']}")
        yield from _diff_fields(
            where, before["parameters"], after["parameters"], {REQUEST}, noun="parameter"
        )
        yield from _diff_types(
            f"{where} request body",
            before["request"],
            after["request"],
            after["request_direction"],
        )
        for status in sorted(before["responses"].keys() | after["responses"].keys()):
            label = f"{where} response {status}"
            if status not in after["responses"]:
                yield Change(True, label, "removed")
            elif status not in before["responses"]:
                yield Change(False, label, "added")
            else:
                yield from _diff_types(
                    label, before["responses"][status], after["responses"][status], RESPONSE
                )


def _diff_types(
    where: str, before: dict[str, str], after: dict[str, str], direction: str
) -> Iterator[Change]:
    for media in sorted(before.keys() | after.keys()):
        if media not in after:
            yield Change(True, where, f"{media} removed")
        elif media not in before:
            yield Change(False, where, f"{media} added")
        elif before[media] != after[media]:
            yield Change(True, where, f"type {before[media]} became {after[media]}")


def _diff_fields(
    where: str, old: dict[str, Field], new: dict[str, Field], ways: set[str], noun: str = "field"
) -> Iterator[Change]:
    sends = REQUEST in ways  # the client sends it: the server must accept what it did
    reads = RESPONSE in ways or not ways  # the client reads it: it must keep what it got
    for path in sorted(old.keys() | new.keys()):
        label = f"{where}: {noun} {path}" if path else where
        before, after = old.get(path), new.get(path)
        if after is None:
            yield Change(True, label, "removed")
            continue
        if before is None:
            required = "required" if after.required else "optional"
            yield Change(sends and after.required, label, f"added ({after.type}, {required})")
            continue
        if before.type != after.type:
            yield Change(True, label, f"type {before.type} became {after.type}")
        if before.required != after.required:
            now = "required" if after.required else "optional"
            yield Change(sends if after.required else reads, label, f"now {now}")
        old_values, new_values = set(before.enum or ()), set(after.enum or ())
        for value in sorted(old_values - new_values):
            yield Change(True, label, f"enum value {value} removed")
        for value in sorted(new_values - old_values):
            yield Change(False, label, f"enum value {value} added")


# --- Command line ---------------------------------------------------------------------------


def report(changes: list[Change]) -> str:
    if not changes:
        return "spec: no change of operations, fields or enum values"
    broken = sum(c.breaking for c in changes)
    head = f"spec: {len(changes)} changes ({broken} breaking, {len(changes) - broken} additive)"
    return "\n".join([head, *(c.line() for c in changes)])


def _read(source: str) -> Spec:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    return loaded if isinstance(loaded, Mapping) else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the spec before (a path, or - for standard input)")
    parser.add_argument("new", help="the spec after")
    parser.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 on a breaking change"
    )
    args = parser.parse_args(argv)
    changes = diff(_read(args.old), _read(args.new))
    print(report(changes))
    return 1 if args.fail_on_breaking and any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
