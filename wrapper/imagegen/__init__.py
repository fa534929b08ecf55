"""imagegen: a Python SDK for the imagegen image-generation API."""

from ._client import AsyncClient, AsyncImages, Client, Images
from ._clock import Clock, SystemClock, VirtualClock
from ._download import DownloadedFiles, DownloadError
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConcurrentGenerationError,
    ContentPolicyError,
    ErrorCode,
    GenerationFailedError,
    ImagegenError,
    ImageInputError,
    InsufficientCreditsError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
)
from ._pacing import Pacing
from ._polling import PollSchedule
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
    GenerationStatus,
)

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
    "NotFoundError",
    "Pacing",
    "PollSchedule",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "SystemClock",
    "UnexpectedResponseError",
    "ValidationError",
    "VirtualClock",
    "WaitTimeoutError",
    "__version__",
]
