"""From an HTTP answer to a result or an exception: the one parser of every response.

A 2xx body goes through the generated model's `from_dict` and is then checked field by field
(the generated models trust the types they are given) and turned into the wrapper's frozen
types. Anything else becomes an `APIError`: nothing that goes wrong here escapes as a
ValueError, KeyError, TypeError or JSONDecodeError, and nothing returns None. Pure, no I/O.

One exception to "what the generated models refuse is refused": a generation `status` string
outside the enum. The generated models raise on it, so one cancelled generation would fail a
whole list page; here it is read as the raw string (see `_types`), and only a wait on it ends
(`unknown_status_error`). Any other field of the wrong type still fails the answer: it breaks
the spec, and a result with a field silently dropped would be worse.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, overload
from uuid import UUID

import attrs
import httpx
from imagegen_api.models import (
    AccountResponse,
    CreateImageResponse,
    GenerationStatus,
    ListImagesResponse,
    StatusCheckResponse,
)
from imagegen_api.models import Generation as ApiGeneration
from imagegen_api.models import GenerationSummary as ApiGenerationSummary
from imagegen_api.types import Unset

from . import _json
from ._errors import (
    UNEXPECTED_RESPONSE,
    InvalidRequestError,
    UnexpectedResponseError,
    error_from_response,
    unexpected_body,
)
from ._secrets import scrub_error
from ._types import (
    Account,
    ApiKeyInfo,
    ConnectionStatus,
    CreatedGeneration,
    Credits,
    Generation,
    GenerationPage,
)

__all__ = [
    "OPERATIONS",
    "OperationId",
    "generation_from_api",
    "parse_response",
    "readable_by_model",
    "unknown_status_error",
]

OperationId = Literal["getStatus", "getAccount", "listImages", "getImage", "createImage"]


class _Mismatch(Exception):
    """A field of a 2xx body is not what the spec says it is."""


_ABSENT = object()  # a field the body does not carry
# An id already in the form str(UUID(id)) gives it: the answer's ids are, so most need no parse.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The known status values, to their members: one dict lookup (no enum call) on the hot path.
_STATUSES: Mapping[str, GenerationStatus] = {status.value: status for status in GenerationStatus}
# What the generated models are shown in place of an unknown status, which they would refuse.
_STAND_IN_STATUS = GenerationStatus.STARTING.value


@overload
def parse_response(
    operation_id: Literal["getStatus"], response: httpx.Response, *, now: float | None = None
) -> ConnectionStatus: ...
@overload
def parse_response(
    operation_id: Literal["getAccount"], response: httpx.Response, *, now: float | None = None
) -> Account: ...
@overload
def parse_response(
    operation_id: Literal["listImages"], response: httpx.Response, *, now: float | None = None
) -> GenerationPage: ...
@overload
def parse_response(
    operation_id: Literal["getImage"], response: httpx.Response, *, now: float | None = None
) -> Generation: ...
@overload
def parse_response(
    operation_id: Literal["createImage"], response: httpx.Response, *, now: float | None = None
) -> CreatedGeneration: ...
@overload
def parse_response(
    operation_id: str, response: httpx.Response, *, now: float | None = None
) -> ConnectionStatus | Account | GenerationPage | Generation | CreatedGeneration: ...


def parse_response(
    operation_id: str, response: httpx.Response, *, now: float | None = None
) -> ConnectionStatus | Account | GenerationPage | Generation | CreatedGeneration:
    """The wrapper type for `operation_id`'s answer, or the `APIError` the answer stands for.

    `now` (epoch seconds) turns an `X-RateLimit-Reset` moment into a delay on the error.
    """
    parser = OPERATIONS.get(operation_id)
    if parser is None:
        raise InvalidRequestError(
            f"unknown operation {operation_id!r}; expected one of {sorted(OPERATIONS)}",
            field="operation_id",
        )
    if not 200 <= response.status_code <= 299:
        raise error_from_response(response, now=now)
    try:
        data = _json.loads(response.content)
    except (ValueError, RecursionError):
        raise unexpected_body(response, "the body is not JSON") from None
    # JSON objects decode to dicts: `dict`, not the slower ABC `Mapping`, is the test here.
    if isinstance(data, dict) and data.get("success") is False:
        # A 2xx that reports a failure in one of the error shapes: an error all the same.
        raise error_from_response(response, now=now)
    if not isinstance(data, dict):
        raise unexpected_body(response, f"the body is a JSON {type(data).__name__}, not an object")
    try:
        result = parser(data)
    except _Mismatch as exc:
        raise unexpected_body(response, str(exc)) from None
    except KeyError as exc:
        raise unexpected_body(response, f"required field {exc} is missing") from None
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise unexpected_body(response, f"{type(exc).__name__}: {exc}") from None
    if result.__class__ is Generation and result.status.__class__ is str:
        # Rare: getImage reports a status this client does not know. A wait on it ends with an
        # error, which should carry this answer as a refused answer's error does.
        return attrs.evolve(result, status=_UnknownStatus.of(result.status, response))
    return result


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


# -- field checks: the generated models pass values through as they come ----------------------


def _optional(value: object, kind: type | tuple[type, ...], name: str) -> Any:
    cls = value.__class__
    if cls is kind:  # the usual case, decided at once: a value of exactly the JSON type
        return value
    if value is None or isinstance(value, Unset):
        return None
    if isinstance(value, bool) and kind is not bool:
        raise _Mismatch(f"field {name!r} is a boolean, expected {_kind_name(kind)}")
    if not isinstance(value, kind):
        raise _Mismatch(f"field {name!r} is {type(value).__name__}, expected {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def _str(value: object, name: str) -> str | None:
    result: str | None = _optional(value, str, name)
    return result


def _int(value: object, name: str) -> int | None:
    result: int | None = _optional(value, int, name)
    return result


def _required_int(value: object, name: str) -> int:
    result = _int(value, name)
    if result is None:
        raise _Mismatch(f"field {name!r} is null, expected int")
    return result


def _float(value: object, name: str) -> float | None:
    if value.__class__ is float:
        return value
    result: int | float | None = _optional(value, (int, float), name)
    return None if result is None else float(result)


def _bool(value: object, name: str) -> bool | None:
    result: bool | None = _optional(value, bool, name)
    return result


def _moment(value: object, name: str) -> datetime.datetime | None:
    result: datetime.datetime | None = _optional(value, datetime.datetime, name)
    return result


def _strings(value: object, name: str) -> tuple[str, ...]:
    if value.__class__ is list and all(item.__class__ is str for item in value):
        return tuple(value)
    if value is None or isinstance(value, Unset):
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Mismatch(f"field {name!r} is not a list of strings")
    return tuple(value)


def _object(value: object, name: str) -> Mapping[str, Any]:
    if value.__class__ is dict:  # what JSON objects decode to; other mappings checked below
        return value
    if not isinstance(value, Mapping):
        raise _Mismatch(f"field {name!r} is {type(value).__name__}, expected an object")
    return value


# -- one converter per operation ----------------------------------------------------------------


def _checked(value: object, kind: type, name: str) -> Any:
    """A field's value as the wrapper holds it, for any value not exactly of its JSON type."""
    if kind is float:
        return _float(value, name)
    if kind is tuple:
        return _strings(value, name)
    return _optional(value, kind, name)


# The fields of a wrapper `Generation` taken from the generated models, in the order they are
# checked: (attribute of both, name in the JSON body, the exact type a present value has when
# it needs no conversion, whether only getImage's model has it). `tuple` marks a list of
# strings (held as a tuple).
_GENERATION_FIELDS: tuple[tuple[str, str, type, bool], ...] = (
    ("prompt", "prompt", str, False),
    ("name", "name", str, False),
    ("aspect_ratio", "aspectRatio", str, False),
    ("model_provider", "modelProvider", str, False),
    ("output_number", "outputNumber", int, False),
    ("output_success", "outputSuccess", int, False),
    ("output_failed", "outputFailed", int, False),
    ("current_image", "currentImage", int, True),
    ("deleted_image", "deletedImage", int, True),
    ("credit_cost", "creditCost", int, False),
    ("output_images", "outputImages", tuple, False),
    ("failure_reason", "failureReason", str, True),
    ("predict_time", "predictTime", float, False),
    ("total_time", "totalTime", float, False),
    ("created_at", "createdAt", datetime.datetime, False),
    ("is_public", "isPublic", bool, False),
    ("image_input", "imageInput", tuple, False),
)


def generation_from_api(
    model: ApiGeneration | ApiGenerationSummary, unknown_status: str | None = None
) -> Generation:
    """A wrapper `Generation` from the generated getImage model or a listImages item.

    `unknown_status` is the status `readable_by_model` took out of the item, if it did: it is
    the generation's status, not the stand-in the model holds. One loop over the fields: a value
    of exactly its JSON type is taken as it is (the usual case, decided by one identity test);
    anything else (absent, null, a list, a wrong type) goes through the field checks, which
    convert it or raise.
    """
    detail = isinstance(model, ApiGeneration)
    status = model.status if unknown_status is None else unknown_status
    fields: dict[str, Any] = {"id": str(model.generation_id), "status": status}
    for attribute, label, kind, detail_only in _GENERATION_FIELDS:
        if detail_only and not detail:
            continue
        value = getattr(model, attribute)
        fields[attribute] = value if value.__class__ is kind else _checked(value, kind, label)
    return Generation(**fields)


def readable_by_model(item: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
    """`item` (a generation's JSON object) as the generated model can read it, and the unknown
    status taken out of it (None when there is none).

    The generated models refuse a status string outside the enum. Such a string is swapped for
    a known one here and handed back, to be the wrapper's status instead; any other value (not
    a string) stays for the model to refuse as it always did, at the moment it always did.
    """
    status = item.get("status")
    if status.__class__ is not str or status in _STATUSES:
        return item, None
    return {**item, "status": _STAND_IN_STATUS}, status


def _status(data: Mapping[str, Any]) -> ConnectionStatus:
    _object(data.get("data"), "data")
    parsed = StatusCheckResponse.from_dict(data).data
    return ConnectionStatus(
        account_id=str(parsed.account_id),
        api_key_id=str(parsed.api_key_id),
        api_key_name=_str(parsed.api_key_name, "apiKeyName"),
        timestamp=_moment(parsed.timestamp, "timestamp"),
        message=_str(data.get("message"), "message"),
    )


def _account(data: Mapping[str, Any]) -> Account:
    inner = _object(data.get("data"), "data")
    for part in ("account", "credits", "apiKey"):
        _object(inner.get(part), part)
    parsed = AccountResponse.from_dict(data).data
    account, credits, key = parsed.account, parsed.credits_, parsed.api_key
    return Account(
        id=str(account.id),
        name=_str(account.name, "name"),
        email=_str(account.email, "email"),
        is_personal_account=_bool(account.is_personal_account, "isPersonalAccount"),
        picture_url=_str(account.picture_url, "pictureUrl"),
        created_at=_moment(account.created_at, "createdAt"),
        credits=Credits(
            total=_required_int(credits.total, "total"),
            free=_int(credits.free, "free"),
            purchased=_int(credits.purchased, "purchased"),
            refunded=_int(credits.refunded, "refunded"),
            redeemed=_int(credits.redeemed, "redeemed"),
            bonus=_int(credits.bonus, "bonus"),
            affiliate=_int(credits.affiliate, "affiliate"),
        ),
        api_key=ApiKeyInfo(
            name=_str(key.name, "apiKey.name"),
            prefix=_str(key.prefix, "apiKey.prefix"),
            created_at=_moment(key.created_at, "apiKey.createdAt"),
        ),
    )


def _page(data: Mapping[str, Any]) -> GenerationPage:
    inner = _object(data.get("data"), "data")
    items = inner.get("generations")
    if not isinstance(items, list):
        raise _Mismatch("field 'generations' is not a list")
    readable = [readable_by_model(_object(item, "generations[]")) for item in items]
    unknown = [status for _item, status in readable]
    if any(status is not None for status in unknown):
        data = {**data, "data": {**inner, "generations": [item for item, _status in readable]}}
    parsed = ListImagesResponse.from_dict(data).data
    return GenerationPage(
        generations=tuple(
            generation_from_api(item, status)
            for item, status in zip(parsed.generations, unknown, strict=True)
        ),
        total=_required_int(parsed.total, "total"),
        limit=_required_int(parsed.limit, "limit"),
        offset=_required_int(parsed.offset, "offset"),
    )


def _generation(data: Mapping[str, Any]) -> Generation:
    raw = _object(data.get("data"), "data")
    if "success" not in data:  # required: GetImageResponse.from_dict raises this KeyError
        raise KeyError("success")
    return generation_from_json(raw)


def generation_from_json(raw: Mapping[str, Any]) -> Generation:
    """getImage's generation straight from its JSON object, in one pass: what
    `generation_from_api(GetImageResponse.from_dict(body).data)` returns or raises, without
    building the generated model first (images.get is the call polling repeats).

    First the conversions the generated `Generation.from_dict` makes, in its order and with its
    exceptions (the id as a UUID, the status as the generated enum, `createdAt` as a datetime),
    except that a status string the enum lacks is kept as it is (`readable_by_model`), then the
    field checks of `generation_from_api`, over the same `_GENERATION_FIELDS`. The
    generated model stays the source of the shape: tests/wrapper/test_parsing_one_pass.py holds
    the fields and their JSON names to it, and the result to that of the generated path.
    """
    generation_id = raw["generationId"]
    if generation_id.__class__ is not str or not _CANONICAL_UUID.fullmatch(generation_id):
        generation_id = str(UUID(generation_id))  # what the generated model does, and raises
    # An unknown status string is kept as it came; a value that is not a string raises what
    # the generated model raises.
    status = raw["status"]
    status = _STATUSES.get(status, status) if status.__class__ is str else GenerationStatus(status)
    created_at = raw.get("createdAt", _ABSENT)
    if created_at is not _ABSENT:
        created_at = datetime.datetime.fromisoformat(created_at)
    fields: dict[str, Any] = {"id": generation_id, "status": status}
    for attribute, label, kind, _detail_only in _GENERATION_FIELDS:
        value = created_at if kind is datetime.datetime else raw.get(label)
        if value.__class__ is kind:
            fields[attribute] = value
        elif value is None or value is _ABSENT:
            pass  # absent and null are None (or ()), the wrapper type's defaults
        else:
            fields[attribute] = _checked(value, kind, label)
    return Generation(**fields)


def _created(data: Mapping[str, Any]) -> CreatedGeneration:
    inner, unknown_status = readable_by_model(_object(data.get("data"), "data"))
    if unknown_status is not None:
        data = {**data, "data": inner}
    parsed = CreateImageResponse.from_dict(data).data
    return CreatedGeneration(
        id=str(parsed.generation_id),
        status=parsed.status if unknown_status is None else unknown_status,
        credit_cost=_required_int(parsed.credit_cost, "creditCost"),
    )


_Result = ConnectionStatus | Account | GenerationPage | Generation | CreatedGeneration

OPERATIONS: Mapping[str, Callable[[Mapping[str, Any]], _Result]] = {
    "getStatus": _status,
    "getAccount": _account,
    "listImages": _page,
    "getImage": _generation,
    "createImage": _created,
}
