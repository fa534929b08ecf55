"""The library's errors in the CLI's words.

`InvalidRequestError.field` and the message name the library's Python arguments
(`num_outputs=5`, `images[1]`, `prompt='...'`); a CLI user typed options and arguments
(`--num-outputs 5`, the second `--image`, PROMPT). This module maps the one to the other, so
every message the CLI prints names what the user can change on the command line.
"""

from __future__ import annotations

import re
from typing import Final

from .._errors import InvalidRequestError
from ._create_options import create_fields, own_option

__all__ = ["cli_message", "option_for"]

# Library argument -> what the CLI user typed for it. Positional arguments are in capitals,
# as the usage line shows them.
_OTHER_OPTIONS: Final = {
    "prompt": "PROMPT",
    "images": "--image",
    "download_to": "--out",
    "directory": "--out",
    "timeout": "--timeout",
    "generation_id": "ID",
    "base_url": "--base-url",
    "api_key": "--api-key",
    "limit": "--limit",
    "offset": "--offset",
    "journal": "--journal",
    "keys": "--keys-file",
}


def _create_field_options() -> dict[str, str]:
    """Each create field of the spec: its own option, else `--param NAME`."""
    return {name: own_option(name) or f"--param {name}" for name in create_fields()}


_OPTIONS: Final = {**_OTHER_OPTIONS, **_create_field_options()}
_POSITIONAL: Final = frozenset({"PROMPT", "ID"})
# Boolean fields with their own option are flags: `is_public=True` is `--public`.
_FLAGS: Final = frozenset(
    name
    for name, facts in create_fields().items()
    if facts.get("type") == "boolean" and "enum" not in facts and own_option(name)
)

_INDEXED: Final = re.compile(r"\bimages\[(\d+)\]")
# `name=value`, the value a Python literal: quoted (with any spaces) or one bare token.
_ASSIGNED: Final = re.compile(
    r"(?<![\w-])(" + "|".join(_OPTIONS) + r""")=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,;:)]+)"""
)
# Names with an underscore are Python's wherever they stand; plain words ("name", "prompt")
# are rewritten only where the message opens with the field it is about.
_PYTHON_NAMES: Final = re.compile(
    r"(?<![\w-])(" + "|".join(name for name in _OPTIONS if "_" in name) + r")\b"
)


def option_for(field: str | None) -> str | None:
    """The CLI's name for a library field (`images[1]` is `--image #2`), or None."""
    if field is None:
        return None
    indexed = re.fullmatch(r"images\[(\d+)\]", field)
    if indexed:
        return f"--image #{int(indexed.group(1)) + 1}"
    return _OPTIONS.get(field)


def cli_message(error: InvalidRequestError) -> str:
    """The error's message with the CLI's option names for the library's argument names."""
    message = _INDEXED.sub(lambda m: f"--image #{int(m.group(1)) + 1}", error.message)
    message = _ASSIGNED.sub(_assignment, message)
    message = _PYTHON_NAMES.sub(lambda m: _OPTIONS[m.group(1)], message)
    field = error.field
    if field is None:
        return message
    base = field.split("[", 1)[0]
    option = _OPTIONS.get(base)
    if option is None:
        return message
    opening = re.match(rf"{re.escape(base)}\b(?![\[=])", message)
    if opening:
        message = option + message[opening.end() :]
    if option not in message and not (base in _FLAGS and _negated(option) in message):
        message = f"{option_for(field) or option}: {message}"
    return message


def _negated(flag: str) -> str:
    return "--no-" + flag.removeprefix("--")


def _assignment(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    option = _OPTIONS[name]
    if name in _FLAGS:
        return option if value != "False" else _negated(option)
    if option in _POSITIONAL:
        return value
    if option.startswith("--param "):
        return f"{option}={value}"
    return f"{option} {value}"
