from enum import StrEnum


class InsufficientCreditsCode(StrEnum):
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"

    def __str__(self) -> str:
        return str(self.value)
