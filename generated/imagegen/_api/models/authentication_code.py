from enum import StrEnum


class AuthenticationCode(StrEnum):
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    INVALID_API_TOKEN = "INVALID_API_TOKEN"
    MISSING_API_TOKEN = "MISSING_API_TOKEN"

    def __str__(self) -> str:
        return str(self.value)
