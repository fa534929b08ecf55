"""Prompt triggers: words in a prompt that make a generation behave a chosen way.

A trigger is a token `sandbox:NAME` or `sandbox:NAME=VALUE` anywhere in the prompt, e.g.
`"a red fox sandbox:fail=INVALID_IMAGE"`. They exist so that any client, with no access to the
control surface, can reach every documented outcome on purpose. See docs/sandbox.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from ._bodies import CODES, BodyShape, unknown_code

__all__ = ["TriggerError", "Triggers", "parse_triggers"]

_TOKEN: Final = re.compile(r"sandbox:([A-Za-z_-]+)(?:=([A-Za-z0-9_.:-]+))?")
_SHAPES: Final[tuple[BodyShape, ...]] = ("error", "message", "detail", "status")
_MAX_DURATION: Final = 3600.0


class TriggerError(ValueError):
    """A `sandbox:` token that names no trigger, or a trigger with a bad value."""


@dataclass(frozen=True)
class Triggers:
    nsfw: bool = False
    error: str | None = None  # answer the create with this documented code
    shape: BodyShape | None = None  # ... in this body shape
    fail: str | None = None  # the generation fails with this failureReason
    stuck: bool = False  # stuck in processing: cancelled after 50 s
    partial: bool = False  # the last output fails
    noise: bool = False  # incompressible outputs (a 4k 1:1 PNG is ~48 MiB)
    image_format: Literal["png", "jpeg"] = "png"
    duration: float | None = None  # seconds from creation to the end
    status: str | None = None  # report this status value once the generation ends


def _code(name: str, value: str | None) -> str:
    code = (value or "").upper()
    if code not in CODES:
        raise TriggerError(unknown_code(value, f"sandbox:{name} needs"))
    return code


def parse_triggers(prompt: str) -> Triggers:
    found: dict[str, object] = {}
    for match in _TOKEN.finditer(prompt):
        name, value = match.group(1).lower().replace("-", "_"), match.group(2)
        if name == "nsfw":
            found["nsfw"] = True
        elif name in ("error", "fail"):
            found[name] = _code(name, value)
        elif name == "shape":
            if value not in _SHAPES:
                raise TriggerError(f"sandbox:shape is one of {', '.join(_SHAPES)}")
            found["shape"] = value
        elif name in ("stuck", "partial", "noise"):
            found[name] = True
        elif name == "jpeg":
            found["image_format"] = "jpeg"
        elif name == "duration":
            try:
                seconds = float(value or "")
            except ValueError:
                raise TriggerError("sandbox:duration needs a number of seconds") from None
            if not 0 <= seconds <= _MAX_DURATION:
                raise TriggerError(f"sandbox:duration is between 0 and {_MAX_DURATION:g} s")
            found["duration"] = seconds
        elif name == "status":
            if not value:
                raise TriggerError("sandbox:status needs a value, e.g. sandbox:status=canceled")
            found["status"] = value
        else:
            raise TriggerError(f"unknown sandbox trigger sandbox:{match.group(1)}")
    return Triggers(**found)  # type: ignore[arg-type]
