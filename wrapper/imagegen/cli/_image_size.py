"""Pixel size of a saved image, read from its header.

The CLI shows the size of every file it saves so the user sees at once that a 16:9 request made
a 16:9 image. Pillow belongs to the sandbox extra, not the CLI's, so the three formats the API
produces or accepts (PNG, JPEG, WEBP) are read here from their headers; Pillow is tried only for
anything else, and when it is missing the size is simply not shown.
"""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["image_size"]

# Enough for every header below (JPEG may put EXIF/ICC segments before its frame header).
_READ_LIMIT = 512 * 1024

# JPEG start-of-frame markers: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of the image at `path`, or None when it cannot be told."""
    try:
        with path.open("rb") as file:
            head = file.read(_READ_LIMIT)
    except OSError:
        return None
    size = _png_size(head) or _jpeg_size(head) or _webp_size(head)
    return size if size is not None else _pillow_size(path)


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _pillow_size(path: Path) -> tuple[int, int] | None:
    try:
        from PIL import Image  # the sandbox extra; optional here
    except ImportError:
        return None
    try:
        with Image.open(path) as image:
            width, height = image.size
            return int(width), int(height)
    except (OSError, ValueError):
        return None
