"""Contains all the data models used in inputs/outputs

Each model is imported when its name is first read (PEP 562 module `__getattr__`), so
`from imagegen._api.models import ErrorCode` runs error_code.py and what it imports, not every
model. Type checkers read the imports under TYPE_CHECKING. (Written by the project's template
spec/templates/models_init.py.jinja, which replaces the generator's eager one.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .account_details import AccountDetails
    from .account_info import AccountInfo
    from .account_not_found_code import AccountNotFoundCode
    from .account_not_found_error_response import AccountNotFoundErrorResponse
    from .account_response import AccountResponse
    from .api_key_info import ApiKeyInfo
    from .aspect_ratio import AspectRatio
    from .authentication_code import AuthenticationCode
    from .authentication_error_response import AuthenticationErrorResponse
    from .bad_request_code import BadRequestCode
    from .bad_request_error_response import BadRequestErrorResponse
    from .connection_status import ConnectionStatus
    from .create_image_request import CreateImageRequest
    from .create_image_response import CreateImageResponse
    from .create_rate_limit_code import CreateRateLimitCode
    from .create_rate_limit_error_response import CreateRateLimitErrorResponse
    from .created_generation import CreatedGeneration
    from .credits_ import Credits
    from .error_code import ErrorCode
    from .error_detail import ErrorDetail
    from .generation import Generation
    from .generation_not_found_code import GenerationNotFoundCode
    from .generation_not_found_detail import GenerationNotFoundDetail
    from .generation_not_found_error_response import GenerationNotFoundErrorResponse
    from .generation_page import GenerationPage
    from .generation_status import GenerationStatus
    from .generation_summary import GenerationSummary
    from .get_image_response import GetImageResponse
    from .image_input_code import ImageInputCode
    from .image_input_status_failed import ImageInputStatusFailed
    from .image_input_status_failed_status import ImageInputStatusFailedStatus
    from .insufficient_credits_code import InsufficientCreditsCode
    from .insufficient_credits_code_message import InsufficientCreditsCodeMessage
    from .insufficient_credits_error_response import InsufficientCreditsErrorResponse
    from .list_images_response import ListImagesResponse
    from .rate_limit_code import RateLimitCode
    from .rate_limit_error_response import RateLimitErrorResponse
    from .resolution import Resolution
    from .server_error_code import ServerErrorCode
    from .server_error_response import ServerErrorResponse
    from .status_check_response import StatusCheckResponse
    from .validation_error_code import ValidationErrorCode
    from .validation_error_response import ValidationErrorResponse
    from .webhook_event import WebhookEvent

__all__ = (
    "AccountDetails",
    "AccountInfo",
    "AccountNotFoundCode",
    "AccountNotFoundErrorResponse",
    "AccountResponse",
    "ApiKeyInfo",
    "AspectRatio",
    "AuthenticationCode",
    "AuthenticationErrorResponse",
    "BadRequestCode",
    "BadRequestErrorResponse",
    "ConnectionStatus",
    "CreateImageRequest",
    "CreateImageResponse",
    "CreateRateLimitCode",
    "CreateRateLimitErrorResponse",
    "CreatedGeneration",
    "Credits",
    "ErrorCode",
    "ErrorDetail",
    "Generation",
    "GenerationNotFoundCode",
    "GenerationNotFoundDetail",
    "GenerationNotFoundErrorResponse",
    "GenerationPage",
    "GenerationStatus",
    "GenerationSummary",
    "GetImageResponse",
    "ImageInputCode",
    "ImageInputStatusFailed",
    "ImageInputStatusFailedStatus",
    "InsufficientCreditsCode",
    "InsufficientCreditsCodeMessage",
    "InsufficientCreditsErrorResponse",
    "ListImagesResponse",
    "RateLimitCode",
    "RateLimitErrorResponse",
    "Resolution",
    "ServerErrorCode",
    "ServerErrorResponse",
    "StatusCheckResponse",
    "ValidationErrorCode",
    "ValidationErrorResponse",
    "WebhookEvent",
)

# Model name -> the module of this package that defines it.
_MODULES = {
    "AccountDetails": ".account_details",
    "AccountInfo": ".account_info",
    "AccountNotFoundCode": ".account_not_found_code",
    "AccountNotFoundErrorResponse": ".account_not_found_error_response",
    "AccountResponse": ".account_response",
    "ApiKeyInfo": ".api_key_info",
    "AspectRatio": ".aspect_ratio",
    "AuthenticationCode": ".authentication_code",
    "AuthenticationErrorResponse": ".authentication_error_response",
    "BadRequestCode": ".bad_request_code",
    "BadRequestErrorResponse": ".bad_request_error_response",
    "ConnectionStatus": ".connection_status",
    "CreateImageRequest": ".create_image_request",
    "CreateImageResponse": ".create_image_response",
    "CreateRateLimitCode": ".create_rate_limit_code",
    "CreateRateLimitErrorResponse": ".create_rate_limit_error_response",
    "CreatedGeneration": ".created_generation",
    "Credits": ".credits_",
    "ErrorCode": ".error_code",
    "ErrorDetail": ".error_detail",
    "Generation": ".generation",
    "GenerationNotFoundCode": ".generation_not_found_code",
    "GenerationNotFoundDetail": ".generation_not_found_detail",
    "GenerationNotFoundErrorResponse": ".generation_not_found_error_response",
    "GenerationPage": ".generation_page",
    "GenerationStatus": ".generation_status",
    "GenerationSummary": ".generation_summary",
    "GetImageResponse": ".get_image_response",
    "ImageInputCode": ".image_input_code",
    "ImageInputStatusFailed": ".image_input_status_failed",
    "ImageInputStatusFailedStatus": ".image_input_status_failed_status",
    "InsufficientCreditsCode": ".insufficient_credits_code",
    "InsufficientCreditsCodeMessage": ".insufficient_credits_code_message",
    "InsufficientCreditsErrorResponse": ".insufficient_credits_error_response",
    "ListImagesResponse": ".list_images_response",
    "RateLimitCode": ".rate_limit_code",
    "RateLimitErrorResponse": ".rate_limit_error_response",
    "Resolution": ".resolution",
    "ServerErrorCode": ".server_error_code",
    "ServerErrorResponse": ".server_error_response",
    "StatusCheckResponse": ".status_check_response",
    "ValidationErrorCode": ".validation_error_code",
    "ValidationErrorResponse": ".validation_error_response",
    "WebhookEvent": ".webhook_event",
}


def __getattr__(name: str) -> object:
    try:
        module = _MODULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
