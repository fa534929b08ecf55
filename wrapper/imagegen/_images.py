"""Image types told apart by their bytes, and the size limits the API sets on reference images.

The API takes JPEG, PNG and WEBP. A file's extension says nothing reliable about what it holds,
so the type is judged by the magic numbers at the start of the data, both for reference images
we upload and for outputs we download.
"""

from __future__ import annotations

import base64
import enum

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_TOTAL_IMAGE_BYTES",
    "ImageType",
    "encode_base64",
    "format_size",
    "image_type_from_content_type",
    "sniff_image_type",
]

# The docs give "10MB" per image and "20MB" in all without saying which megabyte. The larger
# reading (MiB) is used: a file the server then refuses costs nothing (validation is never
# charged), while refusing on the client a file the server would take would be a wrong "no".
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_IMAGE_BYTES = 20 * 1024 * 1024


class ImageType(enum.Enum):
    """An image format the API accepts, with its media type and the file extension we write."""

    JPEG = ("image/jpeg", ".jpg")
    PNG = ("image/png", ".png")
    WEBP = ("image/webp", ".webp")

    @property
    def media_type(self) -> str:
        return self.value[0]

    @property
    def extension(self) -> str:
        return self.value[1]


# Enough leading bytes to tell every supported type apart (WEBP needs 12).
SNIFF_BYTES = 12

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def sniff_image_type(data: bytes) -> ImageType | None:
    """The type `data` starts like, or None when it is none of JPEG, PNG and WEBP."""
    if data.startswith(_PNG_SIGNATURE):
        return ImageType.PNG
    if data.startswith(_JPEG_SIGNATURE):
        return ImageType.JPEG
    # RIFF container: "RIFF", 4 bytes of little-endian size, then the form type "WEBP".
    if len(data) >= SNIFF_BYTES and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageType.WEBP
    return None


_BY_MEDIA_TYPE = {
    "image/jpeg": ImageType.JPEG,
    "image/jpg": ImageType.JPEG,
    "image/pjpeg": ImageType.JPEG,
    "image/png": ImageType.PNG,
    "image/webp": ImageType.WEBP,
}


def image_type_from_content_type(content_type: str | None) -> ImageType | None:
    """The type a Content-Type header names (parameters ignored), or None."""
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    return _BY_MEDIA_TYPE.get(media_type)


def encode_base64(data: bytes) -> str:
    """Plain base64 (no `data:` prefix, no line breaks), as `images_base64` takes it."""
    return base64.b64encode(data).decode("ascii")


def format_size(n_bytes: int) -> str:
    """A size for people: '10.0 MB' style, with the same MiB the limits use."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes / (1024 * 1024):.1f} MB"
