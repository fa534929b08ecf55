"""imagegen: a Python SDK for the imagegen image-generation API.

Seven public names are loaded on first use (PEP 562 module `__getattr__`), not by
`import imagegen`: `BatchItem`, `PollSchedule`, `DownloadedFiles`, `DownloadError`,
`InvalidWebhookError`, `WebhookEvent` and `ResponseInfo`. Their modules (batches, polling,
downloads, webhooks) import the parser, validation and generated models, milliseconds each that
`import imagegen` need not pay (`make bench` holds it at or under 1.3x `import httpx`);
`ResponseInfo`, what a result knows of its answer, is loaded with the first answer.
Everything a client needs to be built is imported here, the generated enums `ErrorCode` and
`GenerationStatus` too (each loads its own module only); the generated client and its
operations are imported by the first request.
"""

from typing import TYPE_CHECKING

from imagegen._api.models import ErrorCode, GenerationStatus

from ._client import AsyncClient, AsyncImages, Client, Images
from ._clock import Clock, SystemClock, VirtualClock
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConcurrentGenerationError,
    ContentPolicyError,
    GenerationFailedError,
    ImagegenError,
    ImageInputError,
    InsufficientCreditsError,
    InvalidRequestError,
    LimiterError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
)
from ._pacing import Pacing
from ._retry import RetryPolicy
from ._types import (
    Account,
    ApiKeyInfo,
    ConnectionStatus,
    CreatedGeneration,
    Credits,
    Generation,
    GenerationPage,
    GenerationResult,
)

if TYPE_CHECKING:
    from ._batch import BatchItem
    from ._download import DownloadedFiles, DownloadError
    from ._polling import PollSchedule
    from ._response import ResponseInfo
    from .webhooks import InvalidWebhookError, WebhookEvent

# name -> (module, attribute) of the names loaded on first use.
_LAZY = {
    "BatchItem": ("imagegen._batch", "BatchItem"),
    "PollSchedule": ("imagegen._polling", "PollSchedule"),
    "DownloadedFiles": ("imagegen._download", "DownloadedFiles"),
    "DownloadError": ("imagegen._download", "DownloadError"),
    "InvalidWebhookError": ("imagegen.webhooks", "InvalidWebhookError"),
    "WebhookEvent": ("imagegen.webhooks", "WebhookEvent"),
    "ResponseInfo": ("imagegen._response", "ResponseInfo"),
}

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Account",
    "ApiKeyInfo",
    "AsyncClient",
    "AsyncImages",
    "AuthenticationError",
    "BatchItem",
    "Client",
    "Clock",
    "ConcurrentGenerationError",
    "ConnectionStatus",
    "ContentPolicyError",
    "CreatedGeneration",
    "Credits",
    "DownloadError",
    "DownloadedFiles",
    "ErrorCode",
    "Generation",
    "GenerationFailedError",
    "GenerationPage",
    "GenerationResult",
    "GenerationStatus",
    "ImageInputError",
    "ImagegenError",
    "Images",
    "InsufficientCreditsError",
    "InvalidRequestError",
    "InvalidWebhookError",
    "LimiterError",
    "NotFoundError",
    "Pacing",
    "PollSchedule",
    "RateLimitError",
    "ResponseInfo",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "SystemClock",
    "UnexpectedResponseError",
    "ValidationError",
    "VirtualClock",
    "WaitTimeoutError",
    "WebhookEvent",
    "__version__",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib  # here: not loaded at startup, and needed only for these names

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value  # once loaded, an ordinary attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
