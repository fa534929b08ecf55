"""From an HTTP answer to a result or an exception: the one parser of every response.

A 2xx body goes through the generated model's `from_dict` and is then checked field by field
(the generated models trust the types they are given) and turned into the wrapper's frozen
types. Anything else becomes an `APIError`: nothing that goes wrong here escapes as a
ValueError, KeyError, TypeError or JSONDecodeError, and nothing returns None. Pure, no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Literal, overload

import httpx
from imagegen_api.models import (
    AccountResponse,
    CreateImageResponse,
    GetImageResponse,
    ListImagesResponse,
    StatusCheckResponse,
)
from imagegen_api.models import Generation as ApiGeneration
from imagegen_api.models import GenerationSummary as ApiGenerationSummary
from imagegen_api.types import Unset

from . import _json
from ._errors import InvalidRequestError, error_from_response, unexpected_body
from ._types import (
    Account,
    ApiKeyInfo,
    ConnectionStatus,
    CreatedGeneration,
    Credits,
    Generation,
    GenerationPage,
)

__all__ = ["OPERATIONS", "OperationId", "generation_from_api", "parse_response"]

OperationId = Literal["getStatus", "getAccount", "listImages", "getImage", "createImage"]


class _Mismatch(Exception):
    """A field of a 2xx body is not what the spec says it is."""


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
    if isinstance(data, Mapping) and data.get("success") is False:
        # A 2xx that reports a failure in one of the error shapes: an error all the same.
        raise error_from_response(response, now=now)
    if not isinstance(data, Mapping):
        raise unexpected_body(response, f"the body is a JSON {type(data).__name__}, not an object")
    try:
        return parser(data)
    except _Mismatch as exc:
        raise unexpected_body(response, str(exc)) from None
    except KeyError as exc:
        raise unexpected_body(response, f"required field {exc} is missing") from None
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
        raise unexpected_body(response, f"{type(exc).__name__}: {exc}") from None


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
    if value is None or isinstance(value, Unset):
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Mismatch(f"field {name!r} is not a list of strings")
    return tuple(value)


def _object(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Mismatch(f"field {name!r} is {type(value).__name__}, expected an object")
    return value


# -- one converter per operation ----------------------------------------------------------------


def generation_from_api(model: ApiGeneration | ApiGenerationSummary) -> Generation:
    """A wrapper `Generation` from the generated getImage model or a listImages item."""
    detail = model if isinstance(model, ApiGeneration) else None
    return Generation(
        id=str(model.generation_id),
        status=model.status,
        prompt=_str(model.prompt, "prompt"),
        name=_str(model.name, "name"),
        aspect_ratio=_str(model.aspect_ratio, "aspectRatio"),
        model_provider=_str(model.model_provider, "modelProvider"),
        output_number=_int(model.output_number, "outputNumber"),
        output_success=_int(model.output_success, "outputSuccess"),
        output_failed=_int(model.output_failed, "outputFailed"),
        current_image=_int(detail.current_image, "currentImage") if detail else None,
        deleted_image=_int(detail.deleted_image, "deletedImage") if detail else None,
        credit_cost=_int(model.credit_cost, "creditCost"),
        output_images=_strings(model.output_images, "outputImages"),
        failure_reason=_str(detail.failure_reason, "failureReason") if detail else None,
        predict_time=_float(model.predict_time, "predictTime"),
        total_time=_float(model.total_time, "totalTime"),
        created_at=_moment(model.created_at, "createdAt"),
        is_public=_bool(model.is_public, "isPublic"),
        image_input=_strings(model.image_input, "imageInput"),
    )


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
    for item in items:
        _object(item, "generations[]")
    parsed = ListImagesResponse.from_dict(data).data
    return GenerationPage(
        generations=tuple(generation_from_api(item) for item in parsed.generations),
        total=_required_int(parsed.total, "total"),
        limit=_required_int(parsed.limit, "limit"),
        offset=_required_int(parsed.offset, "offset"),
    )


def _generation(data: Mapping[str, Any]) -> Generation:
    _object(data.get("data"), "data")
    return generation_from_api(GetImageResponse.from_dict(data).data)


def _created(data: Mapping[str, Any]) -> CreatedGeneration:
    _object(data.get("data"), "data")
    parsed = CreateImageResponse.from_dict(data).data
    return CreatedGeneration(
        id=str(parsed.generation_id),
        status=parsed.status,
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
