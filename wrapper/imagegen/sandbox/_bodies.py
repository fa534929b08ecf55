"""The documented error answers: for each of the 24 codes its HTTP status and message, and
the four body shapes the docs use.

Everything the sandbox answers with on an error comes from here, so the docs' wording lives in
one place.
"""

from __future__ import annotations

import json
from typing import Any, Final, Literal

__all__ = [
    "CODES",
    "DETAIL_GENERATION_NOT_FOUND",
    "DETAIL_MIXED_INPUTS",
    "DETAIL_PROMPT_REQUIRED",
    "DETAIL_RESOLUTION",
    "DETAIL_SERVICE_UNAVAILABLE",
    "DETAIL_TOO_MANY_IMAGES",
    "BodyShape",
    "ErrorAnswer",
    "error_body",
    "json_bytes",
]

BodyShape = Literal["error", "message", "detail", "status"]
"""The four documented shapes:

- `"error"`: `{"success": false, "error": CODE, "message": text}`
- `"message"`: `{"success": false, "message": CODE}`
- `"detail"`: `{"detail": text}`
- `"status"`: `{"status": "failed", "message": CODE}`
"""

# code -> (HTTP status, the docs' message)
CODES: Final[dict[str, tuple[int, str]]] = {
    "AUTHENTICATION_FAILED": (401, "Authentication failed."),
    "MISSING_API_TOKEN": (
        401,
        'Missing API token. Include it in Authorization header as "Bearer YOUR_API_TOKEN" or '
        "in X-API-Key header.",
    ),
    "INVALID_API_TOKEN": (401, "Invalid or expired API token."),
    "FAILED_TO_VALIDATE_TOKEN": (500, "Failed to validate API token."),
    "INVALID_JSON": (400, "Request body must be valid JSON. Please check your request format."),
    "VALIDATION_ERROR": (
        400,
        "One or more request parameters are invalid. Please check the required fields.",
    ),
    "INVALID_GENERATION_ID": (404, "Invalid generation ID format. Must be a valid UUID."),
    "NSFW_CONTENT_DETECTED": (
        400,
        "Your prompt contains content that violates our content policy. Please modify your "
        "prompt and try again.",
    ),
    "IMAGE_SIZE_LIMIT_EXCEEDED": (
        400,
        "Total image size exceeds 20MB limit. Current total: 25.50MB.",
    ),
    "IMAGE_DOWNLOAD_FAILED": (
        400,
        "Could not download image from the provided URL. Please verify the URL is accessible "
        "and points to a valid image.",
    ),
    "INSUFFICIENT_CREDITS": (
        402,
        "Not enough credits to complete this request. Required: 2 credits. Please add more "
        "credits to your account.",
    ),
    "ACCOUNT_NOT_FOUND": (404, "Account not found. Please verify your account ID."),
    "GENERATION_NOT_FOUND": (404, "Generation not found or access denied."),
    "RATE_LIMIT_ERROR": (
        429,
        "You can create up to 10 generations per minute. Please wait and try again.",
    ),
    "CONCURRENT_GENERATION_ERROR": (
        429,
        "You already have a generation in progress. Please wait for it to complete.",
    ),
    "FETCH_FAILED": (500, "Failed to fetch images. Please try again."),
    "IMAGE_UPLOAD_FAILED": (
        500,
        "Failed to process image 1. Please ensure the image is valid and accessible.",
    ),
    "GENERATION_UPDATE_FAILED": (
        500,
        "Could not update the generation record. Please try again or contact support if the "
        "issue persists.",
    ),
    "GENERATION_INIT_FAILED": (
        500,
        "Could not initialize your generation request. Please try again.",
    ),
    "CREDIT_PROCESSING_FAILED": (
        500,
        "Could not process credit payment. Please try again or contact support.",
    ),
    "GENERATION_START_FAILED": (
        500,
        "Failed to start image generation. Your credits have been refunded. Please try again.",
    ),
    "INTERNAL_SERVER_ERROR": (
        500,
        "An unexpected error occurred. Please try again or contact support if the issue persists.",
    ),
    # The two codes of the docs' "error categories", documented only in the status shape.
    "INVALID_IMAGE": (400, "One or more input images are not valid JPEG, PNG or WEBP files."),
    "IMAGE_INACCESSIBLE": (400, "One or more image URLs are inaccessible."),
}

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
    text = message if message is not None else CODES.get(code, (500, code))[1]
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
        return cls(CODES[code][0], error_body(code, shape, message), headers)
