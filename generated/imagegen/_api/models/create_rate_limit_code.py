from enum import StrEnum


class CreateRateLimitCode(StrEnum):
    CONCURRENT_GENERATION_ERROR = "CONCURRENT_GENERATION_ERROR"
    RATE_LIMIT_ERROR = "RATE_LIMIT_ERROR"

    def __str__(self) -> str:
        return str(self.value)
