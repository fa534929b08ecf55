from enum import StrEnum


class BadRequestCode(StrEnum):
    IMAGE_DOWNLOAD_FAILED = "IMAGE_DOWNLOAD_FAILED"
    IMAGE_SIZE_LIMIT_EXCEEDED = "IMAGE_SIZE_LIMIT_EXCEEDED"
    INVALID_JSON = "INVALID_JSON"
    NSFW_CONTENT_DETECTED = "NSFW_CONTENT_DETECTED"
    VALIDATION_ERROR = "VALIDATION_ERROR"

    def __str__(self) -> str:
        return str(self.value)
