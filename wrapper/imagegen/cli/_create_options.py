"""The create's optional fields on the command line, derived from the spec (`CREATE_OPTIONS`).

Every field reaches `images.create(**options)` two ways: its own option (`--num-outputs 2`,
named after the field's Python name, `--kebab-case`) and the generic `--param num_outputs=2`.
Fields go by their Python names, the library's keywords (the spec's `negativePrompt` is
`--negative-prompt` and `--param negative_prompt=...`); `--param` takes the spec's JSON name too,
as the API's docs spell it. Both convert the
text by the field's JSON type and check its enum and limits while the arguments are parsed, so
a wrong value is a usage error before anything is sent. A field the spec adds gets both with no
edit here; `_SPELLINGS` only words the help of the fields there are today.

Decisions:
- Booleans: the own option is a flag pair (`--public` / `--no-public`); `--param` takes
  true/false, 1/0, yes/no.
- Enum values match case-insensitively, around spaces, when only one value matches (the
  library takes "4K" as "4k"); the spec's spelling is what is sent.
- Arrays are comma-separated; each item converted by the items' type.
- A field whose own option would clash with one of the command's other options (a field named
  `timeout` or `json`) has no own option, only `--param`: the CLI must not break on a spec.
- One field given two ways (`--resolution 2k --param resolution=4k`) is a usage error; the
  same spelling given twice keeps the last, as argparse does for any option.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from .._spec import create as _spec

__all__ = [
    "CREATE_OPTIONS_DEST",
    "RESERVED_OPTIONS",
    "add_create_options",
    "convert",
    "create_fields",
    "own_option",
]

# Where the parsed fields go on the namespace: {field name: converted value}.
CREATE_OPTIONS_DEST: Final = "create_options"
# ... and which option gave each: {field name: "--resolution" or "--param resolution"}.
_SOURCES_DEST: Final = "create_option_sources"
# The generate command's options that are not create fields; a field's own option never takes
# one of these names (a test holds this list to the parser).
RESERVED_OPTIONS: Final = frozenset(
    {
        "-h",
        "--help",
        "--api-key",
        "--base-url",
        "--sandbox",
        "--sandbox-speed",
        "--json",
        "-v",
        "--verbose",
        "--image",
        "--param",
        "--no-wait",
        "--out",
        "--timeout",
    }
)


@attrs.frozen
class _Spelling:
    """How the command line words a field the spec has today (the spec's descriptions are
    not in CREATE_OPTIONS, and these say what matters on a command line: cost, units)."""

    flag: str | None = None
    metavar: str | None = None
    help: str | None = None


_SPELLINGS: Final = {
    "resolution": _Spelling(
        help="long side 1024, 2048 or 4096 pixels; costs 1, 2 or 4 credits per image"
    ),
    "aspect_ratio": _Spelling(metavar="W:H"),
    "num_outputs": _Spelling(metavar="N", help="images to make"),
    "model": _Spelling(help="model name (default: the service's)"),
    "name": _Spelling(help="a label for the generation"),
    "webhook_url": _Spelling(metavar="URL", help="the API POSTs the result here when done"),
    "is_public": _Spelling(flag="--public", help="make the generation public (or not)"),
}

_KIND_NAMES: Final = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false (also 1/0, yes/no)",
    "string": "text",
    "array": "a comma-separated list",
}
_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})
_INTEGER: Final = re.compile(r"[+-]?\d+")


def create_fields() -> Mapping[str, Mapping[str, Any]]:
    """The spec's create fields and their facts, read when asked (a test may replace them)."""
    return _spec.CREATE_OPTIONS


def own_option(name: str) -> str | None:
    """The field's own option (`--num-outputs`), or None if it would clash with another."""
    spelling = _SPELLINGS.get(name)
    flag = spelling.flag if spelling and spelling.flag else "--" + name.replace("_", "-")
    clashes = {flag, _negated(flag)} & RESERVED_OPTIONS
    return None if clashes else flag


def _negated(flag: str) -> str:
    return "--no-" + flag.removeprefix("--")


def convert(text: str, facts: Mapping[str, Any]) -> Any:
    """`text` as the value of a field with these facts: its JSON type, enum and limits checked.
    `argparse.ArgumentTypeError` says what is wrong, in one line."""
    kind = facts.get("type")
    if kind == "array":
        items = [item.strip() for item in text.split(",")] if text.strip() else []
        item_facts = {"type": facts.get("items", "string")}
        value: Any = [_scalar(item, item_facts) for item in items]
        low, high = facts.get("min_items"), facts.get("max_items")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise argparse.ArgumentTypeError(f"takes {_bounds(low, high)} items")
        return value
    return _scalar(text, facts)


def _scalar(text: str, facts: Mapping[str, Any]) -> Any:
    kind = facts.get("type")
    value: Any
    if kind == "integer":
        if not _INTEGER.fullmatch(text.strip()):
            raise _not_a(text, kind)
        value = int(text)
    elif kind == "number":
        try:
            value = float(text)
        except ValueError:
            raise _not_a(text, kind) from None
        if not math.isfinite(value):
            raise _not_a(text, kind)
    elif kind == "boolean":
        folded = text.strip().lower()
        if folded not in _TRUE | _FALSE:
            raise _not_a(text, kind)
        value = folded in _TRUE
    elif kind == "string":
        value = text
    else:  # an object, or a schema with no one type: JSON text, as the API takes it
        try:
            value = json.loads(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be JSON, not {text!r}") from None
    if "enum" in facts:
        return _enum_value(value, facts["enum"])
    _check_limits(value, facts)
    return value


def _not_a(text: str, kind: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"must be {_KIND_NAMES[kind]}, not {text!r}")


def _enum_value(value: Any, allowed: Sequence[Any]) -> Any:
    if value in allowed:
        return value
    if isinstance(value, str):
        wanted = value.strip().lower()
        folded = [choice for choice in allowed if str(choice).lower() == wanted]
        if len(folded) == 1:
            return folded[0]
    choices = ", ".join(str(choice) for choice in allowed)
    raise argparse.ArgumentTypeError(f"must be one of {choices}, not {value!r}")


def _check_limits(value: Any, facts: Mapping[str, Any]) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = facts.get("minimum"), facts.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {_bounds(low, high)}, not {value}")
    if isinstance(value, str):
        if len(value) < facts.get("min_length", 0):
            raise argparse.ArgumentTypeError("is empty: give a value or leave it out")
        longest = facts.get("max_length")
        if longest is not None and len(value) > longest:
            raise argparse.ArgumentTypeError(f"is longer than {longest} characters")


def _bounds(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"from {low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _store(
    action: argparse.Action, namespace: argparse.Namespace, name: str, value: Any, given_as: str
) -> None:
    """Record one field; a field already given another way is a usage error."""
    options: dict[str, Any] | None = getattr(namespace, CREATE_OPTIONS_DEST, None)
    sources: dict[str, str] | None = getattr(namespace, _SOURCES_DEST, None)
    if options is None or sources is None:
        options, sources = {}, {}
        setattr(namespace, CREATE_OPTIONS_DEST, options)
        setattr(namespace, _SOURCES_DEST, sources)
    earlier = sources.get(name)
    if earlier is not None and earlier != given_as:
        raise argparse.ArgumentError(
            action, f"{name} is given both as {earlier} and as {given_as}: give it once"
        )
    options[name], sources[name] = value, given_as


class _ParamAction(argparse.Action):
    """`--param NAME=VALUE`, repeatable: any create field of the spec."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        text = values if isinstance(values, str) else ""
        name, equals, raw = text.partition("=")
        name = name.strip()
        fields = create_fields()
        if not equals or not name:
            raise argparse.ArgumentError(self, f"give NAME=VALUE, not {text!r}")
        name = _by_json_name(fields).get(name, name)
        if name not in fields:
            raise argparse.ArgumentError(
                self, f"unknown field {name!r}; the create takes: {', '.join(fields)}"
            )
        try:
            value = convert(raw, fields[name])
        except argparse.ArgumentTypeError as error:
            raise argparse.ArgumentError(self, f"{name}={raw}: {error}") from None
        _store(self, namespace, name, value, f"--param {name}")


def _by_json_name(fields: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """{the spec's name of a field: its Python name}, where they differ (`negativePrompt`)."""
    return {
        facts["json_name"]: name
        for name, facts in fields.items()
        if facts.get("json_name", name) != name
    }


def _own_action(name: str, facts: Mapping[str, Any]) -> type[argparse.Action]:
    """The action of the field's own option: it stores into the same place as `--param`."""
    flag_pair = facts.get("type") == "boolean" and "enum" not in facts

    class OwnOption(argparse.Action):
        def __call__(
            self,
            parser: argparse.ArgumentParser,
            namespace: argparse.Namespace,
            values: str | Sequence[Any] | None,
            option_string: str | None = None,
        ) -> None:
            flag = self.option_strings[0]
            if flag_pair:
                value: Any = option_string != _negated(flag)
            else:
                value = values
            _store(self, namespace, name, value, flag)

    return OwnOption


def _help(name: str, facts: Mapping[str, Any], spelling: _Spelling | None) -> str:
    """The spelling's words when there are some, then what the spec allows."""
    if "enum" in facts:
        allowed = "one of " + ", ".join(str(value) for value in facts["enum"])
    else:
        allowed = _KIND_NAMES.get(str(facts.get("type")), "JSON")
        low, high = facts.get("minimum"), facts.get("maximum")
        if low is not None or high is not None:
            allowed += " " + _bounds(low, high)
    words = spelling.help if spelling is not None and spelling.help else None
    if words is not None and facts.get("type") in {"string", "boolean"} and "enum" not in facts:
        return words  # "text", "true or false" say nothing the words do not
    return f"{words or f'the request field {name}'} ({allowed})"


def _type_for(facts: Mapping[str, Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        return convert(text, facts)

    parse.__name__ = str(facts.get("type", "value"))  # what argparse names in "invalid ..."
    return parse


def add_create_options(parser: argparse.ArgumentParser) -> None:
    """Each create field's own option, and `--param`, on a command that creates."""
    parser.set_defaults(**{CREATE_OPTIONS_DEST: None})
    group = parser.add_argument_group(
        "request options (from the API's spec; each also as --param NAME=VALUE)"
    )
    for name, facts in create_fields().items():
        flag = own_option(name)
        if flag is None:
            continue
        spelling = _SPELLINGS.get(name)
        common: dict[str, Any] = {
            "action": _own_action(name, facts),
            "dest": argparse.SUPPRESS,
            "default": argparse.SUPPRESS,
            "help": _help(name, facts, spelling),
        }
        if facts.get("type") == "boolean" and "enum" not in facts:
            group.add_argument(flag, _negated(flag), nargs=0, **common)
            continue
        metavar = spelling.metavar if spelling and spelling.metavar else None
        if metavar is None and "enum" in facts:
            metavar = "{" + ",".join(str(value) for value in facts["enum"]) + "}"
        group.add_argument(flag, type=_type_for(facts), metavar=metavar or name.upper(), **common)
    group.add_argument(
        "--param",
        action=_ParamAction,
        dest=argparse.SUPPRESS,
        default=argparse.SUPPRESS,
        metavar="NAME=VALUE",
        help="any field of the create request, by its Python name (or its name in the "
        "spec's JSON): "
        + ", ".join(create_fields())
        + "; repeat for more. The value is converted by the field's type "
        "(true/false, numbers, comma-separated lists) and checked before anything is sent",
    )
