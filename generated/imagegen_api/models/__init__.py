"""Contains all the data models used in inputs/outputs"""

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
