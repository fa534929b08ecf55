"""Every exception the SDK raises, and the one place an error answer is mapped to a code.

Everything derives from `ImagegenError`. An answer other than 2xx (or a 2xx whose body does not
parse as the spec says) is an `APIError` whose `.code` is a documented `ErrorCode` member where
the body names or implies one, and the raw string where the server sends a code nobody
documented. The API answers errors in four body shapes; `error_from_response` reads all four from
the raw body (never through the generated models, which raise on a code they do not know).

`ErrorCode` is the generated enum (importing it loads its own module only: the generated
`imagegen._api.models` imports each model lazily).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from imagegen._api.models import ErrorCode

from . import _json
from ._secrets import scrub_error
from ._spec.errors import STATUSES_BY_CODE

if TYPE_CHECKING:
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
    "code_fits_status",
    "delay_requested",
    "error_from_response",
    "unexpected_body",
]

# Codes of our own, for answers that name no documented code and imply none. They are plain
# strings, never ErrorCode members, so `code in ErrorCode` tells a documented code from these.
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE"

_DOCUMENTED_STATUSES = frozenset({400, 401, 402, 404, 422, 429, 500, 503})


class ImagegenError(Exception):
    """Base of every exception this SDK raises.

    `generation_id` is the id of the generation the failing call had already created, when
    there is one (a wait, a download or anything else that failed after a create): the
    generation exists, is charged, and can be picked up again with `images.wait(id)`.
    """

    generation_id: str | None = None

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
    the answer named none). `.body` is the raw response text, whatever it was. `.retryable` is
    what the client's one retry rule (`_retry.decide`) says of this answer to the request that
    got it: the client sets it on every error it raises.
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


class LimiterError(ImagegenError):
    """The shared limiter (`limiter=`: its SQLite file, its Redis server) could not be used
    before a create: the create was not sent. (A limiter that fails after a create was sent
    is logged, never raised: the generation exists, and its result is returned.)"""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(ImagegenError):
    """No answer: the connection failed or broke before a response arrived.

    `.request_sent` is True when the request may have reached the server (the connection broke
    or timed out after it was sent): a create may then have taken effect. `.stale_connection` is
    True when the server closed the connection without a byte of answer, as it does to a pooled
    keep-alive connection that sat idle too long. `.retryable` is what the client's one retry
    rule says of this failure on that request, as for an `APIError`.
    """

    retryable: bool = False

    def __init__(
        self,
        message: str = "Could not connect to the API.",
        *,
        request_sent: bool = False,
        stale_connection: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_sent = request_sent
        self.stale_connection = stale_connection


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
        self.generation_id = generation.id
        if code is None and reason is not None and _looks_like_code(reason):
            code = _known_code(reason)
        self.code: str | None = code
        if message is None:
            why = f": {self.code or reason}" if self.code or reason else ""
            message = f"Generation {generation.id} failed{why or ' (the service gave no reason)'}"
        super().__init__(message)
        self.message = message
        scrub_error(self)  # the reason is the server's text: it may echo the key


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
        scrub_error(self)  # the last status is the server's text


# -- mapping an answer to an exception --------------------------------------------------------


def code_fits_status(code: str, status: int) -> bool:
    """Whether the docs give `code` with this HTTP status.

    The rule for a code sent with a status the docs do not give it (a 503 whose body says
    INVALID_API_TOKEN, a 500 that says INSUFFICIENT_CREDITS): the status is the fact the
    transport vouches for, so the status decides the class and whether to retry; the code is
    kept on the error as it was sent. A 2xx that reports a failure has no status of its own to
    go by, so there the code decides.
    """
    if 200 <= status <= 299:
        return True
    return status in STATUSES_BY_CODE.get(code, frozenset())


def _classes_by_code() -> Mapping[str, type[APIError]]:
    """The exception class of each documented code that decides one (the rest go by status)."""
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


_CLASSES_BY_CODE = _classes_by_code()


# The documented `detail` texts (body shape 3) carry no code; these fragments map them to one.
_DETAIL_CODES: tuple[tuple[str, ErrorCode], ...] = (
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
    try:
        return ErrorCode(value)
    except ValueError:
        return value


def _looks_like_code(value: str) -> bool:
    """An UPPER_SNAKE word, as every documented code is (shape 2 and 4 put it in `message`)."""
    return bool(value) and value.replace("_", "").isalnum() and value.upper() == value


def _implied_code(status: int) -> str | None:
    """The documented code a status implies when the body names none (None: no single one).

    Not for 404: every documented 404 names its code (or says "Generation not found"), so a 404
    without one did not come from the API's routes at all (see `_wrong_route_message`).
    """
    if status == 400 or status == 422:
        return ErrorCode.VALIDATION_ERROR
    if status == 401:
        return ErrorCode.AUTHENTICATION_FAILED
    if status == 402:
        return ErrorCode.INSUFFICIENT_CREDITS
    if status == 429:
        return ErrorCode.RATE_LIMIT_ERROR
    if status == 500:
        return ErrorCode.INTERNAL_SERVER_ERROR
    return None


def _class_for(status: int, code: str) -> type[APIError]:
    if code_fits_status(code, status):
        cls = _CLASSES_BY_CODE.get(code)
        if cls is not None:
            return cls
    return _class_for_status(status)


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
            for fragment, code in _DETAIL_CODES:
                if fragment in lowered:
                    return code, text
            if isinstance(data["detail"], list):
                return ErrorCode.VALIDATION_ERROR, text
            return None, text
    # Shapes 2 and 4: {"success": false, "message": CODE} / {"status": "failed", "message": CODE}
    if message is not None and _looks_like_code(message):
        return _known_code(message), message
    return None, message


def _request_url(response: httpx.Response) -> httpx.URL | None:
    try:
        return response.request.url
    except RuntimeError:  # a Response built without its request
        return None


def _wrong_route_message(response: httpx.Response, what: str) -> str:
    """What to say of a 404 that is not one of the API's: the base URL is probably wrong. The
    advice comes first and the URL last, so a message cut short for a terminal keeps it."""
    url = _request_url(response)
    where = f" The request went to {url.copy_with(query=None)}." if url is not None else ""
    return (
        f"The base URL is probably wrong: HTTP 404 with {what}, which is no answer of the API's "
        "(its 404s name a code). Include the API's version prefix in IMAGEGEN_BASE_URL / "
        f"base_url (https://host/v1, not https://host).{where}"
    )


def _decode_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, LookupError):
        return response.content.decode("utf-8", errors="replace")
    except httpx.ResponseNotRead:
        return ""


def error_from_response(response: httpx.Response, *, now: float | None = None) -> APIError:
    """The exception for a non-2xx answer (or a 2xx that reports a failure).

    Pure: reads the status, the headers and the raw body. `now` is the epoch time used to turn an
    `X-RateLimit-Reset` moment into a delay. Whether the request may be retried is not decided
    here but in `_retry.decide`, which the client applies to every error (`.retryable`).
    """
    status = response.status_code
    body = _decode_text(response)
    request_id = response.headers.get("x-request-id")

    parsed: object = None
    parse_failure: str | None = None
    content_type = response.headers.get("content-type", "")
    if not body.strip():
        parse_failure = "an empty body"
    else:
        try:
            parsed = _json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            kind = content_type.split(";")[0].strip() or "unknown type"
            parse_failure = f"a body that is not JSON ({kind})"

    code, message = _read_body(parsed) if parse_failure is None else (None, None)
    if parse_failure is None and code is None and message is None:
        parse_failure = "a JSON body in none of the documented error shapes"

    derived_note = ""
    if code is None:
        implied = _implied_code(status)
        if implied is not None:
            code = implied
            derived_note = f"code {code} derived from HTTP {status}: the body names none"
        elif status == 503:
            code = SERVICE_UNAVAILABLE
        else:
            code = UNEXPECTED_RESPONSE

    if status == 404 and code == UNEXPECTED_RESPONSE:
        # No documented 404 body: a route the API does not have (a base URL without its
        # version prefix, or the wrong host), not a missing generation or account.
        what = parse_failure or (f"the message {message!r}" if message else "no API error body")
        cls: type[APIError] = UnexpectedResponseError
        message = _wrong_route_message(response, what)
    elif status in _DOCUMENTED_STATUSES or 500 <= status <= 599:
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

    return cls(
        message,
        status_code=status,
        code=code,
        body=body,
        request_id=request_id,
        retry_after=delay_requested(response.headers, now=now),
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
        headers=response.headers,
    )


# -- what the server asked us to wait -----------------------------------------------------------

# Values of X-RateLimit-Reset above this are a moment (Unix seconds), below it a delay.
_EPOCH_THRESHOLD = 1e9


def delay_requested(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from `X-RateLimit-Reset` and `Retry-After`.

    `X-RateLimit-Reset` is read as a Unix time when above 10^9, else as seconds from now (the
    docs do not say which). `Retry-After` is seconds or an HTTP date. The longer of the two wins;
    None when neither is there (or neither parses). A fact of the answer, read here; what to do
    with it is `_retry`'s to decide.
    """
    current = time.time() if now is None else now
    delays: list[float] = []
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is not None:
        delays.append(reset - current if reset > _EPOCH_THRESHOLD else reset)
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        seconds = _number(retry_after)
        if seconds is None:
            seconds = _http_date_delay(retry_after, current)
        if seconds is not None:
            delays.append(seconds)
    if not delays:
        return None
    return max(0.0, *delays)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _http_date_delay(value: str, now: float) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp() - now
