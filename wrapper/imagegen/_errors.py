"""Every exception the SDK raises, and the one place an error answer is mapped to a code.

Everything derives from `ImagegenError`. An answer other than 2xx (or a 2xx whose body does not
parse as the spec says) is an `APIError` whose `.code` is a documented `ErrorCode` member where
the body names or implies one, and the raw string where the server sends a code nobody
documented. The API answers errors in four body shapes; `error_from_response` reads all four from
the raw body (never through the generated models, which raise on a code they do not know).

`ErrorCode` is the generated enum, loaded when first needed (an error answer, or the name read
through PEP 562 `__getattr__`): importing it runs `imagegen_api.models`' `__init__`, which builds
every generated model, a cost `import imagegen` should not carry.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from . import _json

if TYPE_CHECKING:
    from imagegen_api.models import ErrorCode

    from ._types import Generation, GenerationStatus

__all__ = [
    "SERVICE_UNAVAILABLE",
    "UNEXPECTED_RESPONSE",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ConcurrentGenerationError",
    "ContentPolicyError",
    "ErrorCode",
    "GenerationFailedError",
    "ImageInputError",
    "ImagegenError",
    "InsufficientCreditsError",
    "InvalidRequestError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "UnexpectedResponseError",
    "ValidationError",
    "WaitTimeoutError",
    "error_from_response",
    "unexpected_body",
]

# Codes of our own, for answers that name no documented code and imply none. They are plain
# strings, never ErrorCode members, so `code in ErrorCode` tells a documented code from these.
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE"

_DOCUMENTED_STATUSES = frozenset({400, 401, 402, 404, 422, 429, 500, 503})


class ImagegenError(Exception):
    """Base of every exception this SDK raises."""

    def __reduce__(self) -> tuple[object, ...]:
        # The subclasses take keyword-only arguments, which the default pickling (calling the
        # class with `args`) cannot pass: rebuild from the attributes instead, so errors cross
        # process boundaries (multiprocessing, concurrent.futures) intact.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(
    cls: type[ImagegenError], args: tuple[object, ...], state: dict[str, object]
) -> ImagegenError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class APIError(ImagegenError):
    """The API answered, but not with what was asked for.

    `.code` is a `str`: a documented code is the `ErrorCode` member itself (so it compares equal
    to it), any other is the raw string the server sent (or one of this module's own codes when
    the answer named none). `.body` is the raw response text, whatever it was.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str,
        body: str = "",
        request_id: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.body = body
        self.request_id = request_id
        self.retryable = retryable
        # Seconds the server asked us to wait (X-RateLimit-Reset or Retry-After), when it said.
        self.retry_after = retry_after
        self.headers: httpx.Headers = httpx.Headers(headers or {})

    def __str__(self) -> str:
        where = f", request id {self.request_id}" if self.request_id else ""
        return f"{self.message} (HTTP {self.status_code}, code {self.code}{where})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={str(self.code)!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(APIError):
    """401: the key is missing, malformed, unknown or expired."""


class InsufficientCreditsError(APIError):
    """402: not enough credits; nothing was created or charged."""


class NotFoundError(APIError):
    """404: the generation (or the key's account) does not exist, or is not yours."""


class RateLimitError(APIError):
    """429: too many requests. `.retry_after` is how long the server asked us to wait."""


class ConcurrentGenerationError(RateLimitError):
    """429: a generation is already in progress (the API allows one at a time)."""


class ValidationError(APIError):
    """400/422: the server rejected the request's parameters or format."""


class ContentPolicyError(APIError):
    """NSFW_CONTENT_DETECTED: the prompt or an image was refused by the content filter."""


class ImageInputError(APIError):
    """A reference image is invalid, unreachable, could not be fetched, or is too large."""


class ServerError(APIError):
    """5xx: the service failed."""


class ServiceUnavailableError(ServerError):
    """503: the service is temporarily unavailable; nothing was created."""


class UnexpectedResponseError(APIError):
    """An answer the spec does not describe: an undocumented status, or a body that does not parse.

    `.body` keeps the raw text so nothing the server said is lost.
    """


class InvalidRequestError(ImagegenError, ValueError):
    """Rejected on the client before anything was sent. `.field` names the argument at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class APIConnectionError(ImagegenError):
    """No answer: the connection failed or broke before a response arrived.

    `.request_sent` is True when the request may have reached the server (the connection broke
    or timed out after it was sent): a create may then have taken effect.
    """

    def __init__(
        self, message: str = "Could not connect to the API.", *, request_sent: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""

    def __init__(
        self, message: str = "The request timed out.", *, request_sent: bool = False
    ) -> None:
        super().__init__(message, request_sent=request_sent)


class GenerationFailedError(ImagegenError):
    """The generation ended `failed`. `.code` is its failure code: an `ErrorCode` when documented,
    the raw code when the reason is an undocumented one, None when the reason is prose (such as
    a cancellation notice) or absent; the reason itself is in the message. Credits are refunded
    by the API.
    """

    def __init__(
        self,
        generation: Generation,
        *,
        code: str | None = None,
        message: str | None = None,
    ) -> None:
        reason = generation.failure_reason
        self.generation = generation
        if code is None and reason is not None and _looks_like_code(reason):
            code = _known_code(reason)
        self.code: str | None = code
        if message is None:
            why = f": {self.code or reason}" if self.code or reason else ""
            message = f"Generation {generation.id} failed{why or ' (the service gave no reason)'}"
        super().__init__(message)
        self.message = message


class WaitTimeoutError(ImagegenError, TimeoutError):
    """The wait's deadline passed before the generation finished.

    The generation may still finish: resume with `images.wait(generation_id)`.
    """

    def __init__(
        self,
        generation_id: str,
        last_status: GenerationStatus | None,
        *,
        timeout: float | None = None,
        message: str | None = None,
    ) -> None:
        self.generation_id = generation_id
        self.last_status = last_status
        self.timeout = timeout
        if message is None:
            after = f" after {timeout:g} s" if timeout is not None else ""
            message = (
                f"Generation {generation_id} was still {last_status or 'unknown'}{after}; "
                f"resume with images.wait({generation_id!r})"
            )
        super().__init__(message)
        self.message = message


# -- mapping an answer to an exception --------------------------------------------------------


def __getattr__(name: str) -> object:
    if name == "ErrorCode":
        from imagegen_api.models import ErrorCode

        return ErrorCode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _classes_by_code() -> Mapping[str, type[APIError]]:
    """The exception class of each documented code that decides one (the rest go by status)."""
    from imagegen_api.models import ErrorCode

    classes: dict[str, type[APIError]] = {
        ErrorCode.CONCURRENT_GENERATION_ERROR: ConcurrentGenerationError,
        ErrorCode.RATE_LIMIT_ERROR: RateLimitError,
        ErrorCode.INSUFFICIENT_CREDITS: InsufficientCreditsError,
        ErrorCode.NSFW_CONTENT_DETECTED: ContentPolicyError,
    }
    for code in (
        ErrorCode.AUTHENTICATION_FAILED,
        ErrorCode.MISSING_API_TOKEN,
        ErrorCode.INVALID_API_TOKEN,
    ):
        classes[code] = AuthenticationError
    for code in (
        ErrorCode.INVALID_IMAGE,
        ErrorCode.IMAGE_INACCESSIBLE,
        ErrorCode.IMAGE_DOWNLOAD_FAILED,
        ErrorCode.IMAGE_SIZE_LIMIT_EXCEEDED,
    ):
        classes[code] = ImageInputError
    for code in (
        ErrorCode.GENERATION_NOT_FOUND,
        ErrorCode.INVALID_GENERATION_ID,
        ErrorCode.ACCOUNT_NOT_FOUND,
    ):
        classes[code] = NotFoundError
    for code in (ErrorCode.VALIDATION_ERROR, ErrorCode.INVALID_JSON):
        classes[code] = ValidationError
    return classes


@functools.cache
def _detail_codes() -> tuple[tuple[str, ErrorCode], ...]:
    """The documented `detail` texts (body shape 3) carry no code; these fragments map them to
    one."""
    from imagegen_api.models import ErrorCode

    return (
        ("generation not found", ErrorCode.GENERATION_NOT_FOUND),
        ("validation error", ErrorCode.VALIDATION_ERROR),
        ("invalid resolution", ErrorCode.VALIDATION_ERROR),
        ("maximum 10 images", ErrorCode.VALIDATION_ERROR),
        ("cannot mix images_url and images_base64", ErrorCode.VALIDATION_ERROR),
    )


def _known_code(value: object) -> str | None:
    """The ErrorCode member for a documented code, the raw string for any other, or None."""
    if not isinstance(value, str) or not value:
        return None
    from imagegen_api.models import ErrorCode

    try:
        return ErrorCode(value)
    except ValueError:
        return value


def _looks_like_code(value: str) -> bool:
    """An UPPER_SNAKE word, as every documented code is (shape 2 and 4 put it in `message`)."""
    return bool(value) and value.replace("_", "").isalnum() and value.upper() == value


def _implied_code(status: int, path: str | None) -> str | None:
    """The documented code a status implies when the body names none (None: no single one)."""
    from imagegen_api.models import ErrorCode

    if status == 400 or status == 422:
        return ErrorCode.VALIDATION_ERROR
    if status == 401:
        return ErrorCode.AUTHENTICATION_FAILED
    if status == 402:
        return ErrorCode.INSUFFICIENT_CREDITS
    if status == 404 and path is not None:
        if path.rstrip("/").endswith("/account"):
            return ErrorCode.ACCOUNT_NOT_FOUND
        if "/images/" in path:
            return ErrorCode.GENERATION_NOT_FOUND
        return None
    if status == 429:
        return ErrorCode.RATE_LIMIT_ERROR
    if status == 500:
        return ErrorCode.INTERNAL_SERVER_ERROR
    return None


def _class_for(status: int, code: str) -> type[APIError]:
    cls = _classes_by_code().get(code)
    return cls if cls is not None else _class_for_status(status)


def _class_for_status(status: int) -> type[APIError]:
    by_status: dict[int, type[APIError]] = {
        400: ValidationError,
        401: AuthenticationError,
        402: InsufficientCreditsError,
        404: NotFoundError,
        422: ValidationError,
        429: RateLimitError,
        503: ServiceUnavailableError,
    }
    if status in by_status:
        return by_status[status]
    if 500 <= status <= 599:
        # Any 5xx, a proxy's 502/504 page included, is the service failing.
        return ServerError
    return UnexpectedResponseError


def _detail_text(detail: object) -> str | None:
    """The text of a `detail`: a string, or a framework's list of `{"msg": ...}` items."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and detail:
        parts = []
        for item in detail:
            if isinstance(item, Mapping) and isinstance(item.get("msg"), str):
                loc = item.get("loc")
                where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
                parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
            else:
                return None
        return "; ".join(parts)
    return None


def _read_body(data: object) -> tuple[str | None, str | None]:
    """(code, message) from one of the four documented shapes; (None, None) if none matches."""
    if not isinstance(data, Mapping):
        return None, None
    from imagegen_api.models import ErrorCode

    error = data.get("error")
    message = data.get("message")
    message = message if isinstance(message, str) else None
    # Shape 1: {"success": false, "error": CODE, "message": text}
    if isinstance(error, str) and error:
        return _known_code(error), message
    # Shape 3: {"detail": text}
    if "detail" in data:
        text = _detail_text(data["detail"])
        if text is not None:
            lowered = text.lower()
            for fragment, code in _detail_codes():
                if fragment in lowered:
                    return code, text
            if isinstance(data["detail"], list):
                return ErrorCode.VALIDATION_ERROR, text
            return None, text
    # Shapes 2 and 4: {"success": false, "message": CODE} / {"status": "failed", "message": CODE}
    if message is not None and _looks_like_code(message):
        return _known_code(message), message
    return None, message


def _request_path(response: httpx.Response) -> str | None:
    try:
        return response.request.url.path
    except RuntimeError:  # a Response built without its request
        return None


def _request_is_create(response: httpx.Response) -> bool | None:
    try:
        request = response.request
    except RuntimeError:
        return None
    return request.method.upper() == "POST"


def _decode_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")
    except httpx.ResponseNotRead:
        return ""


def error_from_response(
    response: httpx.Response,
    *,
    now: float | None = None,
    creates: bool | None = None,
) -> APIError:
    """The exception for a non-2xx answer (or a 2xx that reports a failure).

    Pure: reads the status, the headers and the raw body. `now` is the epoch time used to turn an
    `X-RateLimit-Reset` moment into a delay; `creates` says whether the request was a create
    (taken from the request's method when not given), which decides `.retryable`.
    """
    from . import _retry  # _retry imports this module; import it once both are loaded

    status = response.status_code
    body = _decode_text(response)
    request_id = response.headers.get("x-request-id")
    path = _request_path(response)

    parsed: object = None
    parse_failure: str | None = None
    content_type = response.headers.get("content-type", "")
    if not body.strip():
        parse_failure = "an empty body"
    else:
        try:
            parsed = _json.loads(body)
        except ValueError:
            kind = content_type.split(";")[0].strip() or "unknown type"
            parse_failure = f"a body that is not JSON ({kind})"

    code, message = _read_body(parsed) if parse_failure is None else (None, None)
    if parse_failure is None and code is None and message is None:
        parse_failure = "a JSON body in none of the documented error shapes"

    derived_note = ""
    if code is None:
        implied = _implied_code(status, path)
        if implied is not None:
            code = implied
            derived_note = f"code {code} derived from HTTP {status}: the body names none"
        elif status == 503:
            code = SERVICE_UNAVAILABLE
        else:
            code = UNEXPECTED_RESPONSE

    if status in _DOCUMENTED_STATUSES or 500 <= status <= 599:
        cls = _class_for(status, code)
    elif 200 <= status <= 299 and code != UNEXPECTED_RESPONSE:
        cls = _class_for(status, code)  # a 2xx that reports a failure: classify by its code
    else:
        cls = UnexpectedResponseError

    if message is None:
        reason = response.reason_phrase or "error"
        what = parse_failure or "no message"
        message = f"HTTP {status} {reason} with {what}"
    if derived_note:
        message = f"{message} ({derived_note})"

    is_create = creates if creates is not None else _request_is_create(response)
    retryable = _retry.answer_is_retryable(
        status, code, creates=True if is_create is None else is_create
    )
    retry_after = _retry.delay_requested(response.headers, now=now)
    return cls(
        message,
        status_code=status,
        code=code,
        body=body,
        request_id=request_id,
        retryable=retryable,
        retry_after=retry_after,
        headers=response.headers,
    )


def unexpected_body(
    response: httpx.Response, problem: str, *, request_id: str | None = None
) -> UnexpectedResponseError:
    """The exception for a 2xx whose body does not parse as the spec says."""
    return UnexpectedResponseError(
        f"HTTP {response.status_code} answer that does not match the spec: {problem}",
        status_code=response.status_code,
        code=UNEXPECTED_RESPONSE,
        body=_decode_text(response),
        request_id=request_id or response.headers.get("x-request-id"),
        retryable=False,
        headers=response.headers,
    )
