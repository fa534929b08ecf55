from enum import StrEnum


class RateLimitCode(StrEnum):
    RATE_LIMIT_ERROR = "RATE_LIMIT_ERROR"

    def __str__(self) -> str:
        return str(self.value)
