"""From an HTTP answer to a result or an exception: the one parser of every response.

A 2xx body is read in one pass into the wrapper's frozen result classes by their `SHAPES`,
which `tools/gen_surface.py` generates from the spec alongside the classes
(`_spec/results.py`): each field is found where the spec puts it, checked against its type
and converted (ids as canonical UUID strings, times as datetimes, lists as tuples, nested
objects as their classes). So a field the spec adds to an answer is read, checked and held
with no edit here. Anything else becomes an `APIError`: nothing that goes wrong here escapes
as a ValueError, KeyError, TypeError or JSONDecodeError, and nothing returns None. Pure, no
I/O.

What the spec marks required must be there and not null; what it leaves optional may be
absent or null (None, or () for a list). A value of the wrong type fails the answer: it breaks
the spec, and a result with a field silently dropped would be worse.

The result of an operation carries its answer's request id and rate-limit headers as its
`response` (`_response.ResponseInfo`), filled in here, the one place answers are read.

One exception: a generation `status` string outside the enum is kept as the raw string (see
`_types`), so one cancelled generation does not fail a whole list page; a wait on it ends
(`unknown_status_error`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

import attrs
import httpx

from imagegen._api.models import GenerationStatus

from . import _json
from ._errors import (
    UNEXPECTED_RESPONSE,
    InvalidRequestError,
    UnexpectedResponseError,
    error_from_response,
    unexpected_body,
)
from ._response import ResponseInfo, response_info
from ._secrets import scrub_error
from ._spec import results
from ._spec.operations import OperationId
from ._spec.results import (
    RESULT_OF,
    SHAPES,
    Generation,
)

__all__ = ["OPERATIONS", "OperationId", "parse_response", "read", "unknown_status_error"]


# The result class of each operation: the spec's answer, as `_spec.results` shapes it.
OPERATIONS: Mapping[str, type[Any]] = {op: getattr(results, cls) for op, cls in RESULT_OF.items()}


class _Mismatch(Exception):
    """A field of a 2xx body is not what the spec says it is."""


_ABSENT = object()  # a field the body does not carry
# An id already in the form str(UUID(id)) gives it: the answer's ids are, so most need no parse.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The known status values, to their members: one dict lookup (no enum call) on the hot path.
_STATUSES: Mapping[str, GenerationStatus] = {status.value: status for status in GenerationStatus}
# The attribute of an operation's result that holds its `ResponseInfo` (tools/gen_surface.py).
RESPONSE_ATTRIBUTE = "response"


def parse_response(
    operation_id: OperationId | str, response: httpx.Response, *, now: float | None = None
) -> Any:
    """The result class of `operation_id`'s answer (`_spec.results.RESULT_OF`: a
    `Generation` for getImage...), or the `APIError` the answer stands for.

    `now` (epoch seconds) turns an `X-RateLimit-Reset` moment into a delay on the error.
    """
    name = RESULT_OF.get(operation_id)
    if name is None:
        raise InvalidRequestError(
            f"unknown operation {operation_id!r}; expected one of {sorted(RESULT_OF)}",
            field="operation_id",
        )
    if not 200 <= response.status_code <= 299:
        raise error_from_response(response, now=now)
    try:
        body = _json.loads(response.content)
    except (ValueError, RecursionError):
        raise unexpected_body(response, "the body is not JSON") from None
    # JSON objects decode to dicts: `dict`, not the slower ABC `Mapping`, is the test here.
    if isinstance(body, dict) and body.get("success") is False:
        # A 2xx that reports a failure in one of the error shapes: an error all the same.
        raise error_from_response(response, now=now)
    if not isinstance(body, dict):
        raise unexpected_body(response, f"the body is a JSON {type(body).__name__}, not an object")
    try:
        success = body.get("success", _ABSENT)
        if success is not True:  # `false` was an error above; the spec's 2xx says true
            state = "missing" if success is _ABSENT else "null" if success is None else "not true"
            raise _Mismatch(f"required field 'success' is {state}")
        result = read(
            name, _object(body.get("data", _ABSENT), "data"), body, response_info(response.headers)
        )
    except _Mismatch as exc:
        raise unexpected_body(response, str(exc)) from None
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise unexpected_body(response, f"{type(exc).__name__}: {exc}") from None
    if result.__class__ is Generation and result.status.__class__ is str:
        # Rare: getImage reports a status this client does not know. A wait on it ends with an
        # error, which should carry this answer as a refused answer's error does.
        return attrs.evolve(result, status=_UnknownStatus.of(result.status, response))
    return result


def read(
    name: str,
    data: Mapping[str, Any],
    envelope: Mapping[str, Any] | None = None,
    info: ResponseInfo | None = None,
) -> Any:
    """The result class `name` from its JSON object `data`, by its shape (`_spec.results`);
    `envelope` is the whole answer, for the fields the spec puts beside `data`, and `info` what
    its headers say (the `response` attribute of an operation's result class; nested results
    have none).

    One loop over the fields: a value of exactly its JSON type is taken as it is (the usual
    case, decided by one identity test); anything else (absent, null, a wrong type) goes
    through the checks, which convert it or raise `_Mismatch`.
    """
    fields: dict[str, Any] = {}
    for attribute, path, kind, required, nested in SHAPES[name]:
        value: Any = data
        for depth, step in enumerate(path):
            if step == "^":
                value = envelope if envelope is not None else {}
            elif value is not _ABSENT:
                value = _object(value, ".".join(path[:depth]) or "data").get(step, _ABSENT)
        if value is None or value is _ABSENT:
            if required:
                label = ".".join(p for p in path if p != "^")
                state = "missing" if value is _ABSENT else "null"
                raise _Mismatch(f"required field {label!r} is {state}")
            continue
        fields[attribute] = _CONVERT[kind](value, path[-1], nested)
    if info is not None:
        fields[RESPONSE_ATTRIBUTE] = info
    return getattr(results, name)(**fields)


# -- one conversion per kind of field -----------------------------------------------------------


def _exact(kind: type) -> Callable[[object, str, str | None], Any]:
    def convert(value: object, label: str, _nested: str | None) -> Any:
        if value.__class__ is kind:
            return value
        if isinstance(value, bool) and kind is not bool:
            raise _Mismatch(f"field {label!r} is a boolean, expected {kind.__name__}")
        if not isinstance(value, kind):
            raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected {kind.__name__}")
        return value

    return convert


def _float(value: object, label: str, _nested: str | None) -> float:
    if value.__class__ is float:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected a number")
    return float(value)


def _uuid(value: object, label: str, _nested: str | None) -> str:
    if value.__class__ is str and _CANONICAL_UUID.fullmatch(value):
        return value
    if not isinstance(value, str):
        raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected a UUID string")
    try:
        return str(UUID(value))
    except ValueError:
        raise _Mismatch(f"field {label!r} is not a UUID") from None


def _moment(value: object, label: str, _nested: str | None) -> datetime.datetime:
    if not isinstance(value, str):
        raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected a date-time")
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _Mismatch(f"field {label!r} is not an ISO 8601 date-time") from None


def _strings(value: object, label: str, _nested: str | None) -> tuple[str, ...]:
    if value.__class__ is list and all(item.__class__ is str for item in value):
        return tuple(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Mismatch(f"field {label!r} is not a list of strings")
    return tuple(value)


def _status(value: object, label: str, _nested: str | None) -> GenerationStatus | str:
    if value.__class__ is str:
        return _STATUSES.get(value, value)  # unknown: kept as sent
    raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected a status string")


def _nested_object(value: object, label: str, nested: str | None) -> Any:
    assert nested is not None
    return read(nested, _object(value, label))


def _nested_objects(value: object, label: str, nested: str | None) -> tuple[Any, ...]:
    assert nested is not None
    if not isinstance(value, list):
        raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected a list")
    return tuple(read(nested, _object(item, f"{label}[]")) for item in value)


def _object(value: object, label: str) -> Mapping[str, Any]:
    if value.__class__ is dict:  # what JSON objects decode to; other mappings checked below
        return value
    if value is _ABSENT or value is None:
        state = "missing" if value is _ABSENT else "null"
        raise _Mismatch(f"required field {label!r} is {state}")
    if not isinstance(value, Mapping):
        raise _Mismatch(f"field {label!r} is {type(value).__name__}, expected an object")
    return value


_CONVERT: Mapping[str, Callable[[object, str, str | None], Any]] = {
    "str": _exact(str),
    "int": _exact(int),
    "bool": _exact(bool),
    "float": _float,
    "uuid": _uuid,
    "datetime": _moment,
    "strings": _strings,
    "status": _status,
    # A string enum's value is kept as sent, known or not: the spec may learn a value after this
    # client was generated, and one such field must not fail the whole answer.
    "enum": _exact(str),
    "object": _nested_object,
    "objects": _nested_objects,
}


# -- a status this client does not know ----------------------------------------------------------


class _UnknownStatus(str):
    """A status value this client does not know, as getImage sent it, with the answer it came
    in (its text, request id and headers) for the error a wait raises on it. A `str` like any
    other to everyone else: it compares, hashes, prints and serializes as the raw value."""

    body: str
    request_id: str | None
    headers: httpx.Headers

    @classmethod
    def of(cls, value: str, response: httpx.Response) -> _UnknownStatus:
        status = cls(value)
        carrier = unexpected_body(response, "")  # the body text and request id, read as always
        status.body, status.request_id = carrier.body, carrier.request_id
        status.headers = carrier.headers
        return status


def unknown_status_error(generation_id: str, status: str) -> UnexpectedResponseError:
    """The error that ends a wait on a generation whose status this client does not know: the
    wait cannot tell whether it will ever change. Carries the answer's body and request id when
    the status came from getImage."""
    known = ", ".join(member.value for member in GenerationStatus)
    error = UnexpectedResponseError(
        f"Generation {generation_id} reports status {str(status)!r}, which this client does "
        f"not know (expected one of {known}), so the wait stopped rather than wait on what may "
        f"never change; inspect it with images.get({generation_id!r}) (CLI: imagegen get "
        f"{generation_id}), and resume with images.wait({generation_id!r}) once it reports a "
        "known status",
        status_code=200,
        code=UNEXPECTED_RESPONSE,
        body=getattr(status, "body", ""),
        request_id=getattr(status, "request_id", None),
        headers=getattr(status, "headers", None),
    )
    scrub_error(error)  # the status is the server's text: it may echo the key
    return error
