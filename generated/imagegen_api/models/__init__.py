"""Contains all the data models used in inputs/outputs

Each model is imported when its name is first read (PEP 562 module `__getattr__`), so
`from imagegen_api.models import ErrorCode` runs error_code.py and what it imports, not every
model. Type checkers read the imports under TYPE_CHECKING. (Written by the project's template
spec/templates/models_init.py.jinja, which replaces the generator's eager one.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .account_details import AccountDetails
    from .account_info import AccountInfo
    from .account_response import AccountResponse
    from .api_key_info import ApiKeyInfo
    from .aspect_ratio import AspectRatio
    from .connection_status import ConnectionStatus
    from .create_image_request import CreateImageRequest
    from .create_image_response import CreateImageResponse
    from .created_generation import CreatedGeneration
    from .credits_ import Credits
    from .error_code import ErrorCode
    from .error_code_message import ErrorCodeMessage
    from .error_detail import ErrorDetail
    from .error_response import ErrorResponse
    from .error_status_failed import ErrorStatusFailed
    from .error_status_failed_status import ErrorStatusFailedStatus
    from .generation import Generation
    from .generation_page import GenerationPage
    from .generation_status import GenerationStatus
    from .generation_summary import GenerationSummary
    from .get_image_response import GetImageResponse
    from .list_images_response import ListImagesResponse
    from .resolution import Resolution
    from .status_check_response import StatusCheckResponse
    from .webhook_event import WebhookEvent

__all__ = (
    "AccountDetails",
    "AccountInfo",
    "AccountResponse",
    "ApiKeyInfo",
    "AspectRatio",
    "ConnectionStatus",
    "CreateImageRequest",
    "CreateImageResponse",
    "CreatedGeneration",
    "Credits",
    "ErrorCode",
    "ErrorCodeMessage",
    "ErrorDetail",
    "ErrorResponse",
    "ErrorStatusFailed",
    "ErrorStatusFailedStatus",
    "Generation",
    "GenerationPage",
    "GenerationStatus",
    "GenerationSummary",
    "GetImageResponse",
    "ListImagesResponse",
    "Resolution",
    "StatusCheckResponse",
    "WebhookEvent",
)

# Model name -> the module of this package that defines it.
_MODULES = {
    "AccountDetails": ".account_details",
    "AccountInfo": ".account_info",
    "AccountResponse": ".account_response",
    "ApiKeyInfo": ".api_key_info",
    "AspectRatio": ".aspect_ratio",
    "ConnectionStatus": ".connection_status",
    "CreateImageRequest": ".create_image_request",
    "CreateImageResponse": ".create_image_response",
    "CreatedGeneration": ".created_generation",
    "Credits": ".credits_",
    "ErrorCode": ".error_code",
    "ErrorCodeMessage": ".error_code_message",
    "ErrorDetail": ".error_detail",
    "ErrorResponse": ".error_response",
    "ErrorStatusFailed": ".error_status_failed",
    "ErrorStatusFailedStatus": ".error_status_failed_status",
    "Generation": ".generation",
    "GenerationPage": ".generation_page",
    "GenerationStatus": ".generation_status",
    "GenerationSummary": ".generation_summary",
    "GetImageResponse": ".get_image_response",
    "ListImagesResponse": ".list_images_response",
    "Resolution": ".resolution",
    "StatusCheckResponse": ".status_check_response",
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
