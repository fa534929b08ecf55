"""The public-API gate: compare the public API of `imagegen` with the committed baseline.

    python tools/check_api.py            # report; exit 1 on a breaking change CHANGELOG.md lacks
    python tools/check_api.py --update   # rewrite the baseline from the code as it is

The public API is every name in `imagegen.__all__`: for a function its parameters (name, kind,
annotation, default; the keys of a `**options: Unpack[TypedDict]` as keyword-only parameters,
required or not as the TypedDict says), return annotation and labels (async, classmethod, ...);
for a class its bases (the exception tree) and its public members (attributes with annotation
and value, properties, methods, and the dunders a caller uses such as `__init__` and
`__enter__`). griffe reads it from the source statically (nothing is imported), from
`wrapper/imagegen` and `generated/imagegen` (the private subpackage `imagegen._api`) laid out in
one folder, as the wheel installs them. Names under `imagegen._api` count only where
`imagegen.__all__` re-exports them.

The baseline is a small flat JSON object, one entry per public path, sorted, one parameter a
line, so a change of the API is a short reviewable diff. (griffe's own dump of the package, which
`griffe.find_breaking_changes` would need as the old side, holds every private module with line
numbers and docstrings and churns on every edit.) The comparison applies griffe's breakage kinds
to it: object removed or changed kind, class lost a base, parameter removed, moved, changed kind,
changed default, made required, required parameter added, attribute value changed; and, where
griffe says nothing, a type that narrows what a parameter accepts or widens what a result or
attribute holds (a union or Literal member removed from a parameter, added to a return).

A breaking change passes when the "Unreleased" section of CHANGELOG.md names its object's path
(`imagegen.Client.generate`) under a "Breaking", "Changed" or "Removed" heading. Additions never
fail; the baseline is brought up to date with `--update` (at the latest when releasing).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "imagegen"
BASELINE = ROOT / "api" / "imagegen.api.json"
CHANGELOG = ROOT / "CHANGELOG.md"
SEARCH_PATHS = (ROOT / "wrapper", ROOT / "generated")

# Dunder methods a caller uses directly or through syntax; the others (__repr__, __post_init__)
# are not part of what a caller can break on.
PUBLIC_DUNDERS = frozenset(
    {
        "__init__",
        "__call__",
        "__enter__",
        "__exit__",
        "__aenter__",
        "__aexit__",
        "__iter__",
        "__aiter__",
        "__next__",
        "__anext__",
        "__len__",
        "__getitem__",
        "__contains__",
        "__eq__",
        "__hash__",
        "__bool__",
    }
)
# Labels whose change changes how a function is called.
CALL_LABELS = frozenset({"async", "classmethod", "staticmethod"})
# An attribute whose value is expected to change: only its presence and type are held.
VALUE_FREE = frozenset({f"{PACKAGE}.__version__"})
RECORDING_HEADINGS = ("breaking", "changed", "removed")

Entry = dict[str, Any]
Api = dict[str, Entry]


# --- Reading the API --------------------------------------------------------------------------


def load_api(package: str = PACKAGE, search_paths: tuple[Path, ...] = SEARCH_PATHS) -> Api:
    """The public API of `package`, read by griffe, as {public path: entry}."""
    with tempfile.TemporaryDirectory() as scratch:
        return _read_api(package, _installed_layout(package, search_paths, Path(scratch)))


def _installed_layout(package: str, search_paths: tuple[Path, ...], scratch: Path) -> Path:
    """A folder holding `package` as a wheel installs it: the parts of it in each search path,
    in one tree. The generated client, generated/imagegen/_api, is the subpackage
    imagegen._api of wrapper/imagegen; griffe, like Python, reads a package from one folder only,
    and names re-exported from it (ErrorCode) resolve only once it is read with the package."""
    for path in search_paths:
        if (path / package).is_dir():
            shutil.copytree(
                path / package,
                scratch / package,
                ignore=shutil.ignore_patterns("__pycache__"),
                dirs_exist_ok=True,
            )
    return scratch


def _read_api(package: str, search_path: Path) -> Api:
    loader = griffe.GriffeLoader(search_paths=[str(search_path)], allow_inspection=False)
    module = loader.load(package)
    loader.resolve_aliases(implicit=False, external=None)
    assert isinstance(module, griffe.Module)
    exported = module.exports if module.exports is not None else []
    names = sorted(str(name) for name in exported)
    # Where each public object really lives, so bases are named by their public path.
    public_names: dict[str, str] = {}
    for name in names:
        target = _target(module.members.get(name))
        if target is not None:
            public_names[target.path] = f"{package}.{name}"
    api: Api = {}
    for name in names:
        target = _target(module.members.get(name))
        path = f"{package}.{name}"
        if target is None:
            api[path] = {"kind": "unresolved"}
        else:
            api.update(_describe(path, target, public_names))
    return dict(sorted(api.items()))


def _target(obj: griffe.Object | griffe.Alias | None) -> griffe.Object | None:
    """The object an alias (a re-export, maybe of a re-export) finally names."""
    if obj is None:
        return None
    if isinstance(obj, griffe.Alias):
        try:
            return obj.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return obj


def _describe(path: str, obj: griffe.Object, public_names: Mapping[str, str]) -> Iterator[Any]:
    if isinstance(obj, griffe.Class):
        yield (
            path,
            {
                "kind": "class",
                "bases": [_base_name(b, public_names) for b in obj.bases],
                "ancestors": _ancestors(obj, public_names),
            },
        )
        # Its own members and those it inherits (a shared `__init__` is part of its API).
        members = {**obj.inherited_members, **obj.members}
        declared_in = {obj.path, *(c.path for c in _mro(obj))}
        for name in sorted(members):
            if name.startswith("_") and name not in PUBLIC_DUNDERS:
                continue
            member = _target(members[name])
            parent = getattr(member, "parent", None)
            if member is not None and getattr(parent, "path", None) in declared_in:
                yield from _describe(f"{path}.{name}", member, public_names)  # not imported
    elif isinstance(obj, griffe.Function):
        yield path, _function_entry(obj)
    elif isinstance(obj, griffe.Attribute) and (made := _method_of_plan(obj)) is not None:
        yield path, made
    elif isinstance(obj, griffe.Attribute):
        if "property" in obj.labels:
            yield path, {"kind": "property", "annotation": _text(obj.annotation)}
        else:
            entry: Entry = {"kind": "attribute", "annotation": _text(obj.annotation)}
            # A value set in a method (`self.code = code`) is whatever the caller passed.
            assigned_here = {"class-attribute", "module-attribute"} & obj.labels
            if assigned_here and path not in VALUE_FREE:
                entry["value"] = _value_text(obj.value, obj)
            yield path, entry
    else:
        yield path, {"kind": obj.kind.value}


def _mro(cls: griffe.Class) -> list[griffe.Class]:
    try:
        return cls.mro()
    except ValueError:
        return []


# `_io.blocking(plan)` and `_io.awaitable(plan)` make a client's methods of its plan functions
# (`_calls`): the method's signature is the plan's, returning what the plan returns. The
# `_stream` makers do so for plans that emit values: the method returns an iterator of them.
_METHOD_MAKERS = {
    "blocking": [],
    "awaitable": ["async"],
    "blocking_stream": [],
    "awaitable_stream": [],
}
_STREAMED = {
    "blocking_stream": "Generator[{}, None, None]",
    "awaitable_stream": "AsyncGenerator[{}, None]",
}


def _method_of_plan(attribute: griffe.Attribute) -> Entry | None:
    """The method entry of a class attribute `name = blocking(Plans.name)`, else None."""
    value = attribute.value
    if not isinstance(value, griffe.ExprCall) or len(value.arguments) != 1:
        return None
    maker = str(value.function).rsplit(".", 1)[-1]
    argument = value.arguments[0]
    if maker not in _METHOD_MAKERS or not isinstance(argument, griffe.Expr):
        return None
    try:
        plan = attribute.modules_collection[argument.canonical_path]
    except KeyError:
        return None
    plan = _target(plan)
    if not isinstance(plan, griffe.Function):
        return None
    entry = _function_entry(plan)
    entry["labels"] = sorted({*entry["labels"], *_METHOD_MAKERS[maker]})
    returns = entry["returns"]
    if isinstance(returns, str) and returns.startswith("Plan[") and returns.endswith("]"):
        entry["returns"] = returns[len("Plan[") : -1]
    elif isinstance(returns, str) and returns.startswith("Stream[") and maker in _STREAMED:
        entry["returns"] = _STREAMED[maker].format(returns[len("Stream[") : -1])
    return entry


def _function_entry(function: griffe.Function) -> Entry:
    parameters = list(function.parameters)
    is_method = isinstance(function.parent, griffe.Class) and "staticmethod" not in function.labels
    if is_method and parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]  # bound by the call; never part of what a caller passes
    entries: list[Entry] = []
    for p in parameters:
        keys = _unpacked_keys(p, function)
        if keys is not None:
            entries.extend(keys)
            continue
        entries.append(
            {
                "name": p.name,
                "kind": p.kind.value if p.kind is not None else "positional or keyword",
                "annotation": _text(p.annotation),
                "default": _value_text(p.default, function),
            }
        )
    return {
        "kind": "function",
        "labels": sorted(CALL_LABELS & set(function.labels)),
        "parameters": entries,
        "returns": _text(function.returns),
    }


# `**options: Unpack[CreateOptions]` takes exactly the keys of the TypedDict (PEP 692), each a
# keyword argument: the gate holds them as keyword-only parameters, so a key removed, narrowed
# or made required is a breaking change of the function as a parameter's would be. A key that
# may be left out has no default value: OMITTED stands for "optional" where a default would.
OMITTED = "<may be omitted>"
_UNPACK = frozenset({"typing.Unpack", "typing_extensions.Unpack"})
_TYPED_DICT = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
_REQUIRED = {
    "typing.Required": True,
    "typing_extensions.Required": True,
    "typing.NotRequired": False,
    "typing_extensions.NotRequired": False,
}
_QUALIFIERS = frozenset({"typing.ReadOnly", "typing_extensions.ReadOnly"})


def _unpacked_keys(parameter: griffe.Parameter, function: griffe.Function) -> list[Entry] | None:
    """The keys of `**name: Unpack[TD]` as keyword-only parameter entries; None for any other
    parameter, or when griffe cannot read TD as a TypedDict class (then the variadic is kept as
    it is, and `_compare_function` does not let it absorb removed keywords)."""
    annotation = parameter.annotation
    if parameter.kind is not griffe.ParameterKind.var_keyword or not _is_unpack(annotation):
        return None
    assert isinstance(annotation, griffe.ExprSubscript)
    named = annotation.slice
    if not isinstance(named, griffe.Expr):
        return None
    try:
        typed_dict = _target(function.modules_collection[named.canonical_path])
    except (KeyError, ValueError, AttributeError):
        return None
    if not isinstance(typed_dict, griffe.Class):
        return None
    keys = _typed_dict_keys(typed_dict)
    if keys is None:
        return None
    return [
        {
            "name": name,
            "kind": "keyword-only",
            "annotation": _text(key_annotation),
            "default": None if required else OMITTED,
        }
        for name, (key_annotation, required) in keys.items()
    ]


def _is_unpack(annotation: str | griffe.Expr | None) -> bool:
    return isinstance(annotation, griffe.ExprSubscript) and _canonical(annotation.left) in _UNPACK


def _canonical(expr: str | griffe.Expr) -> str:
    return expr.canonical_path if isinstance(expr, griffe.Expr) else expr


def _typed_dict_keys(
    cls: griffe.Class, seen: frozenset[str] = frozenset()
) -> dict[str, tuple[str | griffe.Expr | None, bool]] | None:
    """{key: (annotation, required)} of a TypedDict class, its bases' keys first (each class's
    own `total=` applies to the keys it declares), or None if `cls` is not a TypedDict."""
    if cls.path in seen:
        return None
    inherited: dict[str, tuple[str | griffe.Expr | None, bool]] = {}
    is_typed_dict = False
    for base in cls.bases:
        if _canonical(base) in _TYPED_DICT:
            is_typed_dict = True
            continue
        try:
            resolved = _target(cls.modules_collection[_canonical(base)])
        except (KeyError, ValueError, AttributeError):
            resolved = None
        base_keys = (
            _typed_dict_keys(resolved, seen | {cls.path})
            if isinstance(resolved, griffe.Class)
            else None
        )
        if base_keys is not None:
            is_typed_dict = True
            inherited.update(base_keys)
    if not is_typed_dict:
        return None
    total = str(cls.keywords.get("total", "True")) != "False"
    keys = dict(inherited)
    for name, member in cls.members.items():
        if isinstance(member, griffe.Attribute) and member.annotation is not None:
            keys[name] = _key_of(member.annotation, total)
    return keys


def _key_of(annotation: str | griffe.Expr, total: bool) -> tuple[str | griffe.Expr, bool]:
    """(the key's type, whether it is required) from `Required[T]`, `NotRequired[T]` (also
    under `ReadOnly[...]`) or a plain `T` in a class of that `total`."""
    required = total
    while isinstance(annotation, griffe.ExprSubscript):
        qualifier = _canonical(annotation.left)
        if qualifier in _REQUIRED:
            required = _REQUIRED[qualifier]
        elif qualifier not in _QUALIFIERS:
            break
        annotation = annotation.slice
    return annotation, required


def _ancestors(cls: griffe.Class, public_names: Mapping[str, str]) -> list[str]:
    """Every class `cls` inherits from, private ones in between included (in MRO order), then
    the bases griffe cannot read (Exception, enum.StrEnum): what `except`/isinstance rely on."""
    try:
        resolved = cls.mro()
    except ValueError:  # an inconsistent hierarchy: keep what the bases say
        resolved = []
    names = [public_names.get(c.path, c.path) for c in resolved]
    for klass in (cls, *resolved):
        readable = {c.path for c in klass.resolved_bases}
        for base in klass.bases:
            name = _base_name(base, public_names)
            canonical = base.canonical_path if isinstance(base, griffe.Expr) else base
            if canonical not in readable and name not in names:
                names.append(name)
    return names


def _base_name(base: str | griffe.Expr, public_names: Mapping[str, str]) -> str:
    if isinstance(base, griffe.Expr):
        canonical = base.canonical_path
        return public_names.get(canonical, canonical)
    return public_names.get(base, base)


def _text(value: str | griffe.Expr | None) -> str | None:
    return None if value is None else str(value)


def _value_text(value: str | griffe.Expr | None, where: griffe.Object) -> str | None:
    """A default or value as written; a module constant also with the value it names, so a
    change of `WAIT_TIMEOUT = 600` shows as a changed default of every parameter using it."""
    if value is None:
        return None
    text = str(value)
    if isinstance(value, griffe.ExprName):
        try:
            named = where.modules_collection.get_member(value.canonical_path)
        except (KeyError, ValueError, AttributeError):
            named = None
        named = _target(named) if named is not None else None
        if isinstance(named, griffe.Attribute) and named.value is not None:
            text = f"{text} (= {named.value})"
    return text


# --- Comparing --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Change:
    path: str  # the object whose change it is (the function, for a parameter)
    what: str
    breaking: bool

    def line(self) -> str:
        return f"  {self.path}: {self.what}"


def compare(old: Api, new: Api) -> list[Change]:
    """Every difference between two API dumps, each marked breaking or not."""
    changes: list[Change] = []
    for path, before in old.items():
        after = _lookup(new, path)
        if after is None:
            changes.append(Change(path, f"removed ({before['kind']})", True))
        elif after["kind"] != before["kind"]:
            changes.append(Change(path, f"{before['kind']} became {after['kind']}", True))
        elif before["kind"] == "class":
            changes.extend(_compare_class(path, before, new))
        elif before["kind"] == "function":
            changes.extend(_compare_function(path, before, after))
        elif before["kind"] in ("attribute", "property"):
            changes.extend(_compare_attribute(path, before, after))
    changes.extend(
        Change(path, f"added ({entry['kind']})", False)
        for path, entry in new.items()
        if path not in old and _lookup(old, path) is None
    )
    return sorted(changes)


def _lookup(api: Api, path: str) -> Entry | None:
    """The entry at `path`, or a member `Class.name` inherited from a public base of Class."""
    if path in api:
        return api[path]
    owner, _, name = path.rpartition(".")
    owner_entry = api.get(owner)
    if owner_entry is None or owner_entry["kind"] != "class":
        return None
    for base in owner_entry["bases"]:
        found = _lookup(api, f"{base}.{name}")
        if found is not None:
            return found
    return None


def _compare_class(path: str, before: Entry, new: Api) -> Iterator[Change]:
    # A base moved behind a new intermediate class is still an ancestor: not breaking.
    ancestors = new[path]["ancestors"]
    for base in before["ancestors"]:
        if base not in ancestors:
            yield Change(path, f"no longer a subclass of {base}", True)
    added = [b for b in new[path]["bases"] if b not in before["bases"]]
    if added:
        yield Change(path, f"new base {', '.join(added)}", False)


def _compare_function(path: str, before: Entry, after: Entry) -> Iterator[Change]:
    if before["labels"] != after["labels"]:
        yield Change(path, f"labels {before['labels']} became {after['labels']}", True)
    old_params = {p["name"]: p for p in before["parameters"]}
    new_params = {p["name"]: p for p in after["parameters"]}
    old_positions = _positions(before["parameters"])
    new_positions = _positions(after["parameters"])
    # A plain `**kwargs` still takes a removed keyword; `**x: Unpack[TD]` takes only TD's keys
    # (expanded into parameters where the gate can read TD, see `_unpacked_keys`).
    takes_kwargs = any(
        p["kind"] == "variadic keyword" and not str(p["annotation"]).startswith("Unpack[")
        for p in after["parameters"]
    )
    for name, old in old_params.items():
        new = new_params.get(name)
        if new is None:
            absorbed = takes_kwargs and old["kind"] == "keyword-only"
            yield Change(path, f"parameter {name} removed", not absorbed)
            continue
        if old["kind"] != new["kind"]:
            widened = (old["kind"], new["kind"]) in {
                ("positional-only", "positional or keyword"),
                ("keyword-only", "positional or keyword"),
            }
            yield Change(path, f"parameter {name}: {old['kind']} became {new['kind']}", not widened)
        if name in old_positions and old_positions[name] != new_positions.get(name):
            yield Change(path, f"parameter {name} moved from position {old_positions[name]}", True)
        if old["default"] is not None and new["default"] is None and not _variadic(new):
            yield Change(path, f"parameter {name} became required", True)
        elif old["default"] is not None and old["default"] != new["default"]:
            yield Change(
                path, f"parameter {name} default {old['default']} became {new['default']}", True
            )
        elif old["default"] is None and new["default"] is not None:
            yield Change(path, f"parameter {name} became optional", False)
        yield from _compare_type(path, f"parameter {name}", old, new, accepts=True)
    for name, new in new_params.items():
        if name not in old_params:
            required = new["default"] is None and not _variadic(new)
            what = "required" if required else "optional"
            yield Change(path, f"{what} parameter {name} added", required)
    yield from _compare_type(
        path, "return type", {"annotation": before["returns"]}, {"annotation": after["returns"]}
    )


def _variadic(parameter: Entry) -> bool:
    return parameter["kind"] in ("variadic positional", "variadic keyword")


def _positions(parameters: list[Entry]) -> dict[str, int]:
    positional = ("positional-only", "positional or keyword")
    names = [p["name"] for p in parameters if p["kind"] in positional]
    return {name: index for index, name in enumerate(names)}


def _compare_attribute(path: str, before: Entry, after: Entry) -> Iterator[Change]:
    if "value" in before and before.get("value") != after.get("value"):
        yield Change(path, f"value {before.get('value')} became {after.get('value')}", True)
    yield from _compare_type(path, "type", before, after)


def _compare_type(
    path: str, what: str, before: Entry, after: Entry, *, accepts: bool = False
) -> Iterator[Change]:
    """A parameter may accept more (a union or Literal member added); a result or attribute
    may hold less. Anything else a caller's code may have relied on: breaking."""
    old, new = before["annotation"], after["annotation"]
    if old == new:
        return
    old_members, new_members = _union_members(old), _union_members(new)
    compatible = old_members <= new_members if accepts else new_members <= old_members
    yield Change(path, f"{what} {old} became {new}", not compatible)


def _union_members(annotation: str | None) -> frozenset[str]:
    """The members of a top-level `A | B | Literal['x', 'y'] | Optional[C]` ({A, B, 'x', 'y',
    C, None}); any other annotation is one member."""
    if annotation is None:
        return frozenset({"<none>"})
    members: set[str] = set()
    for part in _split_top(annotation, "|"):
        match = re.fullmatch(r"(?:typing\.)?(Literal|Optional|Union)\[(.*)\]", part)
        if match is None:
            members.add(part)
            continue
        inner = _split_top(match.group(2), ",")
        if match.group(1) == "Optional":
            inner.append("None")
        members.update(_union_members(" | ".join(inner)) if match.group(1) != "Literal" else inner)
    return frozenset(members)


def _split_top(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


# --- CHANGELOG ------------------------------------------------------------------------------


def recorded_text(changelog: str) -> str:
    """The text under the Breaking/Changed/Removed headings of the Unreleased section."""
    unreleased = re.search(
        r"^## \[?Unreleased\]?.*?$(.*?)(?=^## |\Z)", changelog, re.M | re.S | re.I
    )
    if unreleased is None:
        return ""
    kept, keep = [], False
    for line in unreleased.group(1).splitlines():
        heading = re.match(r"^###\s+(.*)$", line)
        if heading is not None:
            keep = heading.group(1).strip().lower().startswith(RECORDING_HEADINGS)
        elif keep:
            kept.append(line)
    return "\n".join(kept)


def is_recorded(path: str, recorded: str) -> bool:
    # The exact path: `imagegen.Client` does not record a change of `imagegen.Client.generate`,
    # nor the other way round.
    return re.search(rf"(?<![\w.]){re.escape(path)}(?![\w]|\.\w)", recorded) is not None


# --- Baseline and report --------------------------------------------------------------------


def dump(api: Api) -> str:
    """The baseline's text: JSON, sorted, one entry's scalar fields and each parameter a line."""
    lines = ["{"]
    for index, (path, entry) in enumerate(sorted(api.items())):
        fields = []
        for key in sorted(entry):
            value = entry[key]
            if key == "parameters" and value:
                params = ",\n".join(f"      {json.dumps(p, sort_keys=True)}" for p in value)
                fields.append(f'    "parameters": [\n{params}\n    ]')
            else:
                fields.append(f"    {json.dumps(key)}: {json.dumps(value, sort_keys=True)}")
        comma = "," if index < len(api) - 1 else ""
        lines.append(f"  {json.dumps(path)}: {{\n" + ",\n".join(fields) + f"\n  }}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def check(old: Api, new: Api, changelog: str) -> tuple[int, str]:
    """(exit status, report) of comparing the baseline with the code."""
    changes = compare(old, new)
    recorded = recorded_text(changelog)
    unrecorded = [c for c in changes if c.breaking and not is_recorded(c.path, recorded)]
    accepted = [c for c in changes if c.breaking and is_recorded(c.path, recorded)]
    additive = [c for c in changes if not c.breaking]
    out = [f"public API of {PACKAGE}: {len(new)} objects, {len(changes)} changes from the baseline"]
    for title, group in (
        ("breaking, not in CHANGELOG.md's Unreleased section", unrecorded),
        ("breaking, recorded in CHANGELOG.md", accepted),
        ("additive", additive),
    ):
        if group:
            out.append(f"{title}:")
            out.extend(c.line() for c in group)
    if unrecorded:
        out.append(
            "Record each path above under '### Changed' (or Breaking/Removed) in the Unreleased "
            "section of CHANGELOG.md, or undo the change."
        )
    if changes:
        out.append("The baseline is behind the code: `python tools/check_api.py --update`.")
    return (1 if unrecorded else 0), "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--changelog", type=Path, default=CHANGELOG)
    args = parser.parse_args(argv)
    api = load_api()
    if args.update:
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        args.baseline.write_text(dump(api), encoding="utf-8")
        print(f"wrote {args.baseline} ({len(api)} objects)")
        return 0
    if not args.baseline.exists():
        print(f"no baseline at {args.baseline}: `python tools/check_api.py --update`")
        return 1
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    changelog = args.changelog.read_text(encoding="utf-8") if args.changelog.exists() else ""
    status, report = check(baseline, api, changelog)
    print(report)
    return status


if __name__ == "__main__":
    sys.exit(main())
