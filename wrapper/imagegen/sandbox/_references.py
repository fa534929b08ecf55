"""Reference images of a create, really checked: base64 decoded and sniffed, loopback URLs
fetched, sizes enforced (10 MB each, 20 MB in all; MB = 2^20 bytes).

URLs (decided here; the docs name the codes, not when each applies):

- a loopback URL (http or https, 127.0.0.0/8, ::1, localhost) is fetched at once, with a 5 s
  timeout and no redirects: no connection or no answer gives 400 IMAGE_DOWNLOAD_FAILED; an
  answer that is not 2xx gives 400 `{"status": "failed", "message": "IMAGE_INACCESSIBLE"}`;
  bytes that are not JPEG, PNG or WEBP give 400 `{"status": "failed", "message": "INVALID_IMAGE"}`;
- a loopback URL naming one of the sandbox's own output files (`/files/<id>/<name>`, http or
  https, any port) is read from its store directly: a previous output can be a reference
  in-process (no server to fetch from), and by an https URL, which is all clients may send;
- any other URL is never contacted: the create is accepted, and the generation fails a few
  seconds later with failureReason IMAGE_INACCESSIBLE (refunded; the webhook says so), as the
  real service reports a URL it cannot reach once it tries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

import httpx
from starlette.concurrency import run_in_threadpool

from .._net import is_loopback_url
from ._bodies import ErrorAnswer
from ._images import (
    MAX_IMAGE_BYTES,
    MAX_TOTAL_BYTES,
    decode_base64_image,
    decoded_size,
    image_type,
    is_decodable,
)

__all__ = ["check_references"]

_FETCH_TIMEOUT: Final = 5.0
_EXTENSIONS: Final = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_OWN_FILE: Final = re.compile(r"^/files/([^/?#]+)/([^/?#]+)$")

OutputFile = Callable[[str, str], "Path | None"]
"""(generation id, file name) -> the output's file, or None: `SandboxControl.output_file`."""


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.2f}MB"


def _too_big(index: int, size: int) -> ErrorAnswer:
    message = f"Image {index} size exceeds 10MB limit. Current size: {_megabytes(size)}."
    return ErrorAnswer.of("IMAGE_SIZE_LIMIT_EXCEEDED", message=message)


def _too_big_in_all(total: int) -> ErrorAnswer:
    message = f"Total image size exceeds 20MB limit. Current total: {_megabytes(total)}."
    return ErrorAnswer.of("IMAGE_SIZE_LIMIT_EXCEEDED", message=message)


def _invalid_image() -> ErrorAnswer:
    return ErrorAnswer.of("INVALID_IMAGE", "status")


def _checked(data: bytes) -> str:
    kind = image_type(data)
    if kind is None or not is_decodable(data):
        raise _invalid_image()
    return _EXTENSIONS[kind]


async def _fetch(url: str) -> bytes:
    try:
        async with (
            httpx.AsyncClient(
                timeout=_FETCH_TIMEOUT, trust_env=False, follow_redirects=False
            ) as http,
            http.stream("GET", url) as response,
        ):
            if not 200 <= response.status_code < 300:
                raise ErrorAnswer.of("IMAGE_INACCESSIBLE", "status")
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_IMAGE_BYTES:
                    break
            return bytes(data)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError):
        raise ErrorAnswer.of("IMAGE_DOWNLOAD_FAILED") from None


async def _read_own(match: re.Match[str], output_file: OutputFile) -> bytes:
    found = await run_in_threadpool(output_file, *match.groups())
    if found is None:  # what the sandbox's own server answers: 404
        raise ErrorAnswer.of("IMAGE_INACCESSIBLE", "status")
    return await run_in_threadpool(found.read_bytes)


async def check_references(
    images_url: list[str],
    images_base64: list[str],
    *,
    output_file: OutputFile | None = None,
) -> tuple[list[tuple[str, bytes | None]], bool]:
    """Each reference image as (file extension, bytes, or None for a URL not fetched), and
    whether any URL is one the sandbox may not fetch; ErrorAnswer with the documented answer."""
    # Sizes first, before decoding anything: a limit is cheaper to check than an image.
    sizes = [decoded_size(text) for text in images_base64]
    for index, size in enumerate(sizes, start=1):
        if size > MAX_IMAGE_BYTES:
            raise _too_big(index, size)
    if sum(sizes) > MAX_TOTAL_BYTES:
        raise _too_big_in_all(sum(sizes))
    images: list[tuple[str, bytes | None]] = []
    for text in images_base64:
        try:
            data = decode_base64_image(text)
        except ValueError:
            raise _invalid_image() from None
        images.append((_checked(data), data))
    inaccessible = False
    total = 0
    for index, url in enumerate(images_url, start=1):
        if is_loopback_url(url):
            own = _OWN_FILE.match(httpx.URL(url).path) if output_file is not None else None
            data = await (_read_own(own, output_file) if own and output_file else _fetch(url))
        else:
            inaccessible = True
            images.append(("", None))
            continue
        if len(data) > MAX_IMAGE_BYTES:
            raise _too_big(index, len(data))
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise _too_big_in_all(total)
        images.append((_checked(data), data))
    return images, inaccessible
