from enum import StrEnum


class GenerationNotFoundCode(StrEnum):
    GENERATION_NOT_FOUND = "GENERATION_NOT_FOUND"
    INVALID_GENERATION_ID = "INVALID_GENERATION_ID"

    def __str__(self) -> str:
        return str(self.value)
