from enum import StrEnum


class ImageInputStatusFailedStatus(StrEnum):
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
