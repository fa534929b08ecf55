from enum import StrEnum


class AspectRatio(StrEnum):
    R16_9 = "16:9"
    R21_9 = "21:9"
    R2_3 = "2:3"
    R3_2 = "3:2"
    R3_4 = "3:4"
    R4_3 = "4:3"
    R4_5 = "4:5"
    R5_4 = "5:4"
    R9_16 = "9:16"
    SQUARE = "1:1"

    def __str__(self) -> str:
        return str(self.value)
