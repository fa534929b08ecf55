"""Contains all the data models used in inputs/outputs"""

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
