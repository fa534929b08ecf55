from enum import StrEnum


class ImageInputCode(StrEnum):
    IMAGE_INACCESSIBLE = "IMAGE_INACCESSIBLE"
    INVALID_IMAGE = "INVALID_IMAGE"

    def __str__(self) -> str:
        return str(self.value)
