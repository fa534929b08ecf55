"""Pictures: the outputs the sandbox makes, and the checks it runs on reference images.

Outputs are real PNG (or JPEG) files at the requested pixel size, drawn with Pillow from a
seed, so the same prompt and seed give the same bytes. They are cheap: shapes drawn at 1/16 of
the size and scaled up, a 4k PNG in well under a second. The `noise` variant is incompressible
random pixels (a 4k 1:1 PNG is about 48 MiB), for download benchmarks.
"""

from __future__ import annotations

import base64
import binascii
import io
import random
import re
import struct
import zlib
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_TOTAL_BYTES",
    "credits_per_output",
    "decode_base64_image",
    "image_type",
    "pixel_size",
    "render_output",
]

MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
MAX_TOTAL_BYTES: Final = 20 * 1024 * 1024
_DATA_URL: Final = re.compile(r"^data:([A-Za-z0-9.+/-]*)(;[A-Za-z0-9=.+-]*)*;base64,", re.ASCII)


def _scale(resolution: str) -> int:
    """The N of a resolution "Nk" (1k, 2k, 4k; any the spec adds later, such as 8k): its long
    side is N x 1024 pixels and each output costs N credits, as the spec says of the three it
    lists. A name of another form counts as 1k."""
    number = resolution.lower().removesuffix("k")
    return int(number) if number.isdigit() and int(number) > 0 else 1


def credits_per_output(resolution: str) -> int:
    """Credits one output of this resolution costs: 1, 2 or 4 for 1k, 2k and 4k."""
    return _scale(resolution)


def pixel_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """Width and height: the long side is 1024, 2048 or 4096 pixels (N x 1024 for "Nk")."""
    long_side = 1024 * _scale(resolution)
    width_part, height_part = (int(part) for part in aspect_ratio.split(":"))
    if width_part >= height_part:
        return long_side, max(1, round(long_side * height_part / width_part))
    return max(1, round(long_side * width_part / height_part)), long_side


def image_type(data: bytes) -> Literal["jpeg", "png", "webp"] | None:
    """What the bytes are, by their magic numbers (the only three types the API accepts)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def is_decodable(data: bytes) -> bool:
    """Whether Pillow can read the image's header (a file with the right magic can still be
    garbage after it)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # whatever a broken file makes Pillow raise, a decompression bomb included
        return False
    return width > 0 and height > 0


def decoded_size(text: str) -> int:
    """How many bytes `text` decodes to, without decoding it (to check limits first)."""
    body = _DATA_URL.sub("", text, count=1)
    body = "".join(body.split())
    return len(body) * 3 // 4 - body[-2:].count("=")


def decode_base64_image(text: str) -> bytes:
    """The bytes of a base64 image, plain or as a `data:` URL; ValueError if not base64."""
    body = _DATA_URL.sub("", text, count=1)
    body = "".join(body.split())
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


def render_output(
    path: Path,
    *,
    width: int,
    height: int,
    seed_text: str,
    noise: bool = False,
    image_format: Literal["png", "jpeg"] = "png",
) -> None:
    """Draw one output into `path` (written to a temporary name, then renamed)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed_text)  # noqa: S311 - pictures, not secrets
    partial = path.with_suffix(path.suffix + ".part")
    if noise and image_format == "png":
        _write_noise_png(partial, width, height, rng)
        partial.replace(path)
        return
    if noise:
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        small_width, small_height = max(1, width // 16), max(1, height // 16)
        small = Image.new("RGB", (small_width, small_height), _colour(rng))
        draw = ImageDraw.Draw(small)
        for _ in range(6):
            left, top = rng.randrange(small_width), rng.randrange(small_height)
            right = left + rng.randrange(1, small_width + 1)
            bottom = top + rng.randrange(1, small_height + 1)
            draw.ellipse((left, top, right, bottom), fill=_colour(rng))
        image = small.resize((width, height), Image.Resampling.BILINEAR)
    if image_format == "jpeg":
        image.save(partial, "JPEG", quality=85)
    else:
        image.save(partial, "PNG", compress_level=1)
    partial.replace(path)


def _write_noise_png(path: Path, width: int, height: int, rng: random.Random) -> None:
    """Random RGB pixels as a PNG, written directly: no filtering and stored (uncompressed)
    deflate blocks, since noise does not compress. Four times faster than Pillow here."""
    row_bytes = width * 3
    size = row_bytes * height
    # A 1 MiB random block, repeated: far beyond deflate's 32 KiB window, so it is as
    # incompressible as fully random bytes, and much cheaper to make.
    block = rng.randbytes(min(size, 2**20))
    noise = (block * (size // len(block) + 1))[:size]
    # Each scanline starts with its filter type, 0 (none).
    raw = b"".join(
        b"\x00" + noise[offset : offset + row_bytes] for offset in range(0, len(noise), row_bytes)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with path.open("wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        for kind, data in ((b"IHDR", header), (b"IDAT", zlib.compress(raw, 0)), (b"IEND", b"")):
            out.write(struct.pack(">I", len(data)) + kind)
            out.write(data)
            out.write(struct.pack(">I", zlib.crc32(kind + data)))


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)
