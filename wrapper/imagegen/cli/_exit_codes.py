"""One exit code per class of failure, and what to tell the user to do about it.

Scripts branch on the exit code, people read the hint. Both are decided here and nowhere else,
so `imagegen --help`, docs/cli.md and the behaviour cannot drift apart (the help epilog is
rendered from `EXIT_CODE_TABLE`).
"""

from __future__ import annotations

import enum

from .._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ContentPolicyError,
    GenerationFailedError,
    ImageInputError,
    InsufficientCreditsError,
    InvalidRequestError,
    LimiterError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
)

__all__ = ["EXIT_CODE_TABLE", "ExitCode", "exit_code_for", "hint_for"]


class ExitCode(enum.IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    AUTH = 3
    INSUFFICIENT_CREDITS = 4
    NOT_FOUND = 5
    RATE_LIMITED = 6
    CONTENT_POLICY = 7
    IMAGE_INPUT = 8
    VALIDATION = 9
    SERVER = 10
    CONNECTION = 11
    GENERATION_FAILED = 12
    WAIT_TIMEOUT = 13
    DOWNLOAD_FAILED = 14
    BATCH_INCOMPLETE = 15
    INTERRUPTED = 130


# (code, what it means), in the order the help shows them.
EXIT_CODE_TABLE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "success"),
    (ExitCode.ERROR, "any other error"),
    (ExitCode.USAGE, "usage error, or a request rejected before it was sent"),
    (ExitCode.AUTH, "missing, invalid or expired API key"),
    (ExitCode.INSUFFICIENT_CREDITS, "not enough credits"),
    (ExitCode.NOT_FOUND, "generation (or account) not found"),
    (ExitCode.RATE_LIMITED, "rate limited, or a generation already in progress"),
    (ExitCode.CONTENT_POLICY, "prompt or image refused by the content policy"),
    (ExitCode.IMAGE_INPUT, "a reference image is invalid, unreachable or too large"),
    (ExitCode.VALIDATION, "the API rejected the parameters"),
    (ExitCode.SERVER, "server error, or an answer the client cannot interpret"),
    (ExitCode.CONNECTION, "no answer: network error or HTTP timeout (or the shared limiter's)"),
    (ExitCode.GENERATION_FAILED, "the generation ended failed (credits are refunded)"),
    (ExitCode.WAIT_TIMEOUT, "still not finished when --timeout passed (resume with wait)"),
    (ExitCode.DOWNLOAD_FAILED, "the generation succeeded but an output could not be saved"),
    (
        ExitCode.BATCH_INCOMPLETE,
        "a batch ended with items failed or not finished (see the summary)",
    ),
    (ExitCode.INTERRUPTED, "interrupted (Ctrl-C); the resume command is printed"),
)

# Most specific first: ConcurrentGenerationError is a RateLimitError, ServiceUnavailableError a
# ServerError, APITimeoutError an APIConnectionError.
_BY_CLASS: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (InvalidRequestError, ExitCode.USAGE),
    (AuthenticationError, ExitCode.AUTH),
    (InsufficientCreditsError, ExitCode.INSUFFICIENT_CREDITS),
    (NotFoundError, ExitCode.NOT_FOUND),
    (RateLimitError, ExitCode.RATE_LIMITED),
    (ContentPolicyError, ExitCode.CONTENT_POLICY),
    (ImageInputError, ExitCode.IMAGE_INPUT),
    (ValidationError, ExitCode.VALIDATION),
    (ServerError, ExitCode.SERVER),
    (UnexpectedResponseError, ExitCode.SERVER),
    (APIConnectionError, ExitCode.CONNECTION),
    (LimiterError, ExitCode.CONNECTION),  # the shared limiter's server or file, not the API
    (GenerationFailedError, ExitCode.GENERATION_FAILED),
    (WaitTimeoutError, ExitCode.WAIT_TIMEOUT),
)


def _wrong_base_url(error: BaseException) -> bool:
    """A 404 that is no answer of the API's: the library says the base URL is probably wrong."""
    return isinstance(error, UnexpectedResponseError) and error.status_code == 404


def exit_code_for(error: BaseException) -> ExitCode:
    if _wrong_base_url(error):
        return ExitCode.USAGE  # a setting to change, not a server to wait for
    for error_class, code in _BY_CLASS:
        if isinstance(error, error_class):
            return code
    return ExitCode.ERROR


# The docs' own "Solution" lines, by error code; a code says more than a class (a generation
# that failed with NSFW_CONTENT_DETECTED wants the content-policy advice, not a generic one).
_HINTS_BY_CODE: dict[str, str] = {
    "AUTHENTICATION_FAILED": "check the key (--api-key or IMAGEGEN_API_KEY); create a new one "
    "if it expired",
    "MISSING_API_TOKEN": "pass --api-key or set IMAGEGEN_API_KEY (or try --sandbox)",
    "INVALID_API_TOKEN": "check the key for typos or extra whitespace; create a new one if it "
    "expired",
    "FAILED_TO_VALIDATE_TOKEN": "the server could not check the key; try again shortly",
    "INVALID_JSON": "the request body was not valid JSON; report this as a client bug",
    "VALIDATION_ERROR": "check the options (see `imagegen generate --help`)",
    "INVALID_GENERATION_ID": "a generation id is a UUID; `imagegen list` shows yours",
    "GENERATION_NOT_FOUND": "check the generation id; `imagegen list` shows yours",
    "ACCOUNT_NOT_FOUND": "the key's account does not exist; check the key",
    "NSFW_CONTENT_DETECTED": "rephrase the prompt or use other reference images",
    "IMAGE_SIZE_LIMIT_EXCEEDED": "keep each reference image under 10 MB and all under 20 MB",
    "IMAGE_DOWNLOAD_FAILED": "make sure every --image URL is public, https, and points to an image",
    "IMAGE_INACCESSIBLE": "make sure every --image URL is public and reachable over https",
    "INVALID_IMAGE": "use valid JPEG, PNG or WEBP files",
    "INSUFFICIENT_CREDITS": "add credits, or lower --num-outputs or --resolution "
    "(`imagegen account` shows the balance)",
    "RATE_LIMIT_ERROR": "at most 10 generations per minute; wait and try again",
    "CONCURRENT_GENERATION_ERROR": "one generation at a time; wait for the one in progress "
    "(`imagegen list`), then try again",
    "GENERATION_START_FAILED": "your credits were refunded; try again",
    "GENERATION_INIT_FAILED": "nothing was charged; try again",
}

_HINTS_BY_EXIT_CODE: dict[ExitCode, str] = {
    ExitCode.USAGE: "see `imagegen --help`",
    ExitCode.AUTH: "check --api-key or IMAGEGEN_API_KEY",
    ExitCode.NOT_FOUND: "check the generation id; `imagegen list` shows yours",
    ExitCode.RATE_LIMITED: "wait and try again",
    ExitCode.VALIDATION: "check the options (see `imagegen generate --help`)",
    ExitCode.SERVER: "try again shortly; quote the request id to support if it persists",
    ExitCode.CONNECTION: "check the network and --base-url / IMAGEGEN_BASE_URL",
    ExitCode.GENERATION_FAILED: "credits of a failed generation are refunded automatically "
    "within 5 minutes",
    ExitCode.WAIT_TIMEOUT: "it may still finish; resume with `imagegen wait ID`",
}


def hint_for(error: BaseException) -> str | None:
    """What the user can do about `error`, or None when there is nothing useful to say."""
    code = getattr(error, "code", None)
    retry_after = getattr(error, "retry_after", None)
    if (
        isinstance(error, RateLimitError)
        and code != "CONCURRENT_GENERATION_ERROR"  # waiting a fixed time is not the advice
        and isinstance(retry_after, int | float)
    ):
        return f"wait {max(retry_after, 1):.0f} s and try again"
    if _wrong_base_url(error):
        return (
            "set --base-url / IMAGEGEN_BASE_URL to the API's address with its version prefix "
            "(https://host/v1)"
        )
    if isinstance(code, str) and code in _HINTS_BY_CODE:
        hint = _HINTS_BY_CODE[code]
        if isinstance(error, GenerationFailedError):
            hint += "; credits of a failed generation are refunded automatically"
        return hint
    if isinstance(error, APIError) and error.status_code >= 500:
        return _HINTS_BY_EXIT_CODE[ExitCode.SERVER]
    return _HINTS_BY_EXIT_CODE.get(exit_code_for(error))
