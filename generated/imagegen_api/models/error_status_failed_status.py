from enum import StrEnum


class ErrorStatusFailedStatus(StrEnum):
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
