from enum import StrEnum


class Resolution(StrEnum):
    RES_1K = "1k"
    RES_2K = "2k"
    RES_4K = "4k"

    def __str__(self) -> str:
        return str(self.value)
