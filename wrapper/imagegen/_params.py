"""Checks of an operation's parameters before a request is built: what the generated request
builders (`_spec/calls.py`) call, with the facts the spec gives each parameter.

Each says what to change, naming the parameter as the caller spells it, before anything is sent.
"""

from __future__ import annotations

import enum as _enum
import functools
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from ._errors import InvalidRequestError
from ._types import CreatedGeneration, Generation

__all__ = ["enum", "integer", "text", "uuid"]

_E = TypeVar("_E", bound=_enum.Enum)


@functools.cache
def _check_generation_id() -> Callable[..., str]:
    # Loaded at the first call (`_validation` costs milliseconds to import); on the hot path a
    # cached call costs less than an import statement.
    from ._validation import check_generation_id

    return check_generation_id


def uuid(value: object, field: str) -> UUID:
    """A UUID parameter: a UUID, or a string (or anything with an `id`, as a generation is)
    that parses as one; `InvalidRequestError` saying what is wrong otherwise."""
    if isinstance(value, (Generation, CreatedGeneration)):
        value = value.id
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    # Accepts a UUID padded with spaces, and says what is wrong with the rest.
    return UUID(_check_generation_id()(value, field=field))


def integer(value: object, field: str, minimum: int | None, maximum: int | None) -> int:
    """An integer parameter within the spec's bounds."""
    low = f" >= {minimum}" if minimum is not None else ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{field} must be an integer{low}, got {value!r}", field=field)
    if minimum is not None and value < minimum:
        raise InvalidRequestError(f"{field} must be an integer{low}, got {value!r}", field=field)
    if maximum is not None and value > maximum:
        raise InvalidRequestError(f"{field} must be at most {maximum}, got {value!r}", field=field)
    return value


def text(value: object, field: str, choices: frozenset[str] | None = None) -> str:
    """A string parameter (one of `choices`, where the spec gives an enum)."""
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a string, not {type(value).__name__}", field=field
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequestError(
            f"{field} holds an undecodable character at position {exc.start} (a lone "
            "surrogate): pass it as plain text",
            field=field,
        ) from None
    if choices is not None and value not in choices:
        raise InvalidRequestError(
            f"{field} must be one of {', '.join(sorted(choices))}, got {value!r}", field=field
        )
    return value


def enum(value: object, field: str, members: type[_E]) -> _E:
    """An enum parameter as the generated client takes it: its generated enum's member, given
    as the member or as its value (the spec's spelling)."""
    if isinstance(value, members):
        return value
    if isinstance(value, str):
        for member in members:
            if member.value == value:
                return member
    choices = ", ".join(str(member.value) for member in members)
    raise InvalidRequestError(f"{field} must be one of {choices}, got {value!r}", field=field)
