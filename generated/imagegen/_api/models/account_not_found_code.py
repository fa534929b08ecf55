from enum import StrEnum


class AccountNotFoundCode(StrEnum):
    ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND"

    def __str__(self) -> str:
        return str(self.value)
