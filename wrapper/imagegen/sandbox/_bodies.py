"""The documented error answers: for each error code of the spec its HTTP status and message,
and the four body shapes the docs use.

Everything the sandbox answers with on an error comes from here, so the docs' wording lives in
one place. The codes and their statuses are the spec's (`imagegen._spec.errors`, generated), read
when asked, so a code added to the spec can be injected with no edit here; the messages are the
docs' wording, hand-written, with one made of the code for a code that has none yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal

from .._spec import errors as _spec_errors

__all__ = [
    "CODES",
    "DETAIL_GENERATION_NOT_FOUND",
    "DETAIL_MIXED_INPUTS",
    "DETAIL_PROMPT_REQUIRED",
    "DETAIL_RESOLUTION",
    "DETAIL_SERVICE_UNAVAILABLE",
    "DETAIL_TOO_MANY_IMAGES",
    "MESSAGES",
    "BodyShape",
    "ErrorAnswer",
    "error_body",
    "json_bytes",
    "message_of",
    "status_of",
    "unknown_code",
]

BodyShape = Literal["error", "message", "detail", "status"]
"""The four documented shapes:

- `"error"`: `{"success": false, "error": CODE, "message": text}`
- `"message"`: `{"success": false, "message": CODE}`
- `"detail"`: `{"detail": text}`
- `"status"`: `{"status": "failed", "message": CODE}`
"""

# code -> the docs' message. Behaviour, not a mirror of the spec (which has no messages): a
# code of the spec missing here gets one made of the code (`message_of`); a message whose code
# the spec no longer has fails tests/sandbox/test_spec_codes.py.
MESSAGES: Final[Mapping[str, str]] = {
    "AUTHENTICATION_FAILED": "Authentication failed.",
    "MISSING_API_TOKEN": (
        'Missing API token. Include it in Authorization header as "Bearer YOUR_API_TOKEN" or '
        "in X-API-Key header."
    ),
    "INVALID_API_TOKEN": "Invalid or expired API token.",
    "FAILED_TO_VALIDATE_TOKEN": "Failed to validate API token.",
    "INVALID_JSON": "Request body must be valid JSON. Please check your request format.",
    "VALIDATION_ERROR": (
        "One or more request parameters are invalid. Please check the required fields."
    ),
    "INVALID_GENERATION_ID": "Invalid generation ID format. Must be a valid UUID.",
    "NSFW_CONTENT_DETECTED": (
        "Your prompt contains content that violates our content policy. Please modify your "
        "prompt and try again."
    ),
    "IMAGE_SIZE_LIMIT_EXCEEDED": "Total image size exceeds 20MB limit. Current total: 25.50MB.",
    "IMAGE_DOWNLOAD_FAILED": (
        "Could not download image from the provided URL. Please verify the URL is accessible "
        "and points to a valid image."
    ),
    "INSUFFICIENT_CREDITS": (
        "Not enough credits to complete this request. Required: 2 credits. Please add more "
        "credits to your account."
    ),
    "ACCOUNT_NOT_FOUND": "Account not found. Please verify your account ID.",
    "GENERATION_NOT_FOUND": "Generation not found or access denied.",
    "RATE_LIMIT_ERROR": (
        "You can create up to 10 generations per minute. Please wait and try again."
    ),
    "CONCURRENT_GENERATION_ERROR": (
        "You already have a generation in progress. Please wait for it to complete."
    ),
    "FETCH_FAILED": "Failed to fetch images. Please try again.",
    "IMAGE_UPLOAD_FAILED": (
        "Failed to process image 1. Please ensure the image is valid and accessible."
    ),
    "GENERATION_UPDATE_FAILED": (
        "Could not update the generation record. Please try again or contact support if the "
        "issue persists."
    ),
    "GENERATION_INIT_FAILED": "Could not initialize your generation request. Please try again.",
    "CREDIT_PROCESSING_FAILED": (
        "Could not process credit payment. Please try again or contact support."
    ),
    "GENERATION_START_FAILED": (
        "Failed to start image generation. Your credits have been refunded. Please try again."
    ),
    "INTERNAL_SERVER_ERROR": (
        "An unexpected error occurred. Please try again or contact support if the issue persists."
    ),
    # The two codes of the docs' "error categories", documented only in the status shape.
    "INVALID_IMAGE": "One or more input images are not valid JPEG, PNG or WEBP files.",
    "IMAGE_INACCESSIBLE": "One or more image URLs are inaccessible.",
}


class _Codes(Mapping[str, tuple[int, str]]):
    """code -> (HTTP status, message) for every error code of the spec, read from the generated
    table when asked (so it is the spec's as `make generate` last wrote it)."""

    def __getitem__(self, code: str) -> tuple[int, str]:
        return status_of(code), message_of(code)

    def __iter__(self) -> Iterator[str]:
        return iter(_spec_errors.STATUSES_BY_CODE)

    def __len__(self) -> int:
        return len(_spec_errors.STATUSES_BY_CODE)

    def __contains__(self, code: object) -> bool:
        return code in _spec_errors.STATUSES_BY_CODE

    def __repr__(self) -> str:
        return f"<the {len(self)} error codes of the spec>"


CODES: Final[Mapping[str, tuple[int, str]]] = _Codes()


def status_of(code: str) -> int:
    """The status the sandbox answers `code` with: the spec's, the lowest where it lists several
    (VALIDATION_ERROR is 400 or 422: 400, the docs' example). KeyError for a code it lacks."""
    return min(_spec_errors.STATUSES_BY_CODE[code])


def message_of(code: str) -> str:
    """The docs' message of `code`, or one made of the code (PROMPT_TOO_LONG: "Prompt too
    long.") for a code that has no message written yet."""
    return MESSAGES.get(code) or f"{code.replace('_', ' ').capitalize()}."


def unknown_code(code: object, what: str) -> str:
    """The message refusing `code`, which is none of the spec's: what `what` takes instead."""
    return (
        f"{what} one of the {len(CODES)} error codes of the spec (ErrorCode, listed by an "
        f"error response), not {code!r}"
    )


DETAIL_PROMPT_REQUIRED: Final = "Validation error: prompt is required"
DETAIL_RESOLUTION: Final = "Invalid resolution. Must be 1k, 2k, or 4k"
DETAIL_TOO_MANY_IMAGES: Final = "Maximum 10 images allowed (URLs + base64 combined)"
DETAIL_MIXED_INPUTS: Final = "Cannot mix images_url and images_base64 in one request"
DETAIL_GENERATION_NOT_FOUND: Final = "Generation not found"
DETAIL_SERVICE_UNAVAILABLE: Final = "Service temporarily unavailable"


def error_body(code: str, shape: BodyShape = "error", message: str | None = None) -> dict[str, Any]:
    """The body of an error answer with `code`, in one of the four documented shapes.

    `message` replaces the docs' text in the shapes that carry text (`error`, `detail`).
    """
    text = message if message is not None else message_of(code)
    if shape == "error":
        return {"success": False, "error": code, "message": text}
    if shape == "message":
        return {"success": False, "message": code}
    if shape == "detail":
        return {"detail": text}
    return {"status": "failed", "message": code}


def json_bytes(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


class ErrorAnswer(Exception):
    """A documented error answer: raised where a request is refused, answered by the app."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}

    @classmethod
    def of(
        cls,
        code: str,
        shape: BodyShape = "error",
        *,
        message: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> ErrorAnswer:
        """The answer with `code`'s documented status, in `shape`."""
        return cls(status_of(code), error_body(code, shape, message), headers)
