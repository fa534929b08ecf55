"""Reference images, really checked: base64 decoded and sniffed, loopback URLs fetched, other
URLs never contacted, size limits enforced with the documented messages."""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagegen.sandbox import DEFAULT_API_KEY

from ._support import Api, answer, b64, image_bytes, loopback_server

INVALID_IMAGE = {"status": "failed", "message": "INVALID_IMAGE"}
MB = 2**20


# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
async def test_each_accepted_type_as_plain_base64_and_data_url(api: Api, kind: str) -> None:
    data = image_bytes(kind)
    plain = b64(data)
    data_url = f"data:image/{kind.lower()};base64,{plain}"
    generation_id = await api.created_id(images_base64=[plain, data_url])
    info = await api.get(generation_id)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[kind]
    assert info["imageInput"] == [
        f"inputs/{generation_id}/0.{extension}",
        f"inputs/{generation_id}/1.{extension}",
    ]


@pytest.mark.parametrize(
    "encoded",
    [
        b64(b"GIF89a" + b"\x00" * 40),  # a real type, not an accepted one
        b64(b"just some text, not a picture"),
        b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30),  # the magic, then garbage
        "not base64 at all!",
        "data:image/png;base64,@@@@",
    ],
)
async def test_anything_else_is_invalid_image_in_the_status_shape(api: Api, encoded: str) -> None:
    response = await api.create(images_base64=[b64(image_bytes()), encoded])
    assert response.status_code == 400
    assert response.json() == INVALID_IMAGE
    assert (await api.credits())["total"] == 1000


async def test_an_image_over_10_mb(api: Api) -> None:
    big = image_bytes() + b"\x00" * (10 * MB)
    response = await api.create(images_base64=[b64(image_bytes()), b64(big)])
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "IMAGE_SIZE_LIMIT_EXCEEDED"
    assert (
        body["message"] == f"Image 2 size exceeds 10MB limit. Current size: {len(big) / MB:.2f}MB."
    )


async def test_images_over_20_mb_in_all(api: Api) -> None:
    part = image_bytes() + b"\x00" * (7 * MB)
    response = await api.create(images_base64=[b64(part)] * 3)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "IMAGE_SIZE_LIMIT_EXCEEDED",
        "message": "Total image size exceeds 20MB limit. "
        f"Current total: {3 * len(part) / MB:.2f}MB.",
    }


async def test_a_non_loopback_url_is_never_fetched_and_fails_the_generation(api: Api) -> None:
    generation_id = await api.created_id(
        images_url=["https://cdn.example.com/refs/a.png"], resolution="2k"
    )
    assert (await api.credits())["total"] == 998
    api.clock.advance(4)
    data = await api.get(generation_id)
    assert data["status"] == "failed"
    assert data["failureReason"] == "IMAGE_INACCESSIBLE"
    assert data["imageInput"] == [f"inputs/{generation_id}/0"]
    assert (await api.credits())["total"] == 1000


async def test_a_loopback_url_is_fetched_and_checked(api: Api) -> None:
    seen: list[str] = []
    png, jpeg = image_bytes(), image_bytes("JPEG")

    def serve(request: http.server.BaseHTTPRequestHandler) -> None:
        seen.append(request.path)
        if request.path == "/a.png":
            answer(request, 200, png, "image/png")
        elif request.path == "/b.jpg":
            answer(request, 200, jpeg, "image/jpeg")
        elif request.path == "/text":
            answer(request, 200, b"hello", "text/plain")
        elif request.path == "/huge":
            answer(request, 200, png + b"\x00" * (10 * MB + 10))
        else:
            answer(request, 404, b"no")

    with loopback_server(serve) as origin:
        generation_id = await api.created_id(images_url=[f"{origin}/a.png", f"{origin}/b.jpg"])
        inputs = (await api.get(generation_id))["imageInput"]
        assert inputs == [f"inputs/{generation_id}/0.png", f"inputs/{generation_id}/1.jpg"]
        missing = await api.create(images_url=[f"{origin}/missing.png"])
        text = await api.create(images_url=[f"{origin}/text"])
        huge = await api.create(images_url=[f"{origin}/huge"])
    assert seen[:2] == ["/a.png", "/b.jpg"]
    assert missing.status_code == 400
    assert missing.json() == {"status": "failed", "message": "IMAGE_INACCESSIBLE"}
    assert text.status_code == 400
    assert text.json() == INVALID_IMAGE
    assert huge.status_code == 400
    assert huge.json()["error"] == "IMAGE_SIZE_LIMIT_EXCEEDED"
    # Reference images make it slower, as the docs say.
    timeline = api.control.generation(generation_id)["sandbox"]
    assert timeline["startingSeconds"] + timeline["processingSeconds"] >= 120


async def test_a_loopback_url_nobody_answers_is_image_download_failed(api: Api) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    response = await api.create(images_url=[f"http://127.0.0.1:{port}/a.png"])
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "IMAGE_DOWNLOAD_FAILED",
        "message": "Could not download image from the provided URL. Please verify the URL is "
        "accessible and points to a valid image.",
    }
    assert (await api.credits())["total"] == 1000


async def test_a_previous_output_of_this_sandbox_can_be_a_reference(api: Api) -> None:
    """Read from the sandbox's own files: in-process there is no server to fetch from."""
    api.http.base_url = httpx.URL("http://127.0.0.1")  # as imagegen.testing serves it
    first = await api.created_id(prompt="x sandbox:duration=1")
    api.clock.advance(1)
    (url,) = (await api.get(first))["outputImages"]
    assert url.startswith("http://127.0.0.1/files/")
    second = await api.created_id(images_url=[url])
    assert (await api.get(second))["imageInput"] == [f"inputs/{second}/0.png"]
    missing = await api.create(images_url=[url.replace("/0.png", "/3.png")])
    assert missing.status_code == 400
    assert missing.json() == {"status": "failed", "message": "IMAGE_INACCESSIBLE"}


async def test_an_https_loopback_url_of_an_own_output_is_read_from_the_store(api: Api) -> None:
    """Clients send https URLs only: the sandbox's own files answer on any loopback origin."""
    first = await api.created_id(prompt="x sandbox:duration=1")
    api.clock.advance(1)
    (url,) = (await api.get(first))["outputImages"]
    path = httpx.URL(url).path
    second = await api.created_id(images_url=[f"https://127.0.0.1:8443{path}"])
    generation = await api.get(second)
    assert generation["imageInput"] == [f"inputs/{second}/0.png"]
    api.clock.advance(300)
    assert (await api.get(second))["status"] == "succeeded"


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


async def test_a_decompression_bomb_header_is_invalid_image(api: Api) -> None:
    response = await api.create(images_base64=[b64(_png_claiming(200_000, 200_000))])
    assert response.status_code == 400
    assert response.json() == INVALID_IMAGE


_MAGIC = [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP", b"GIF89a"]


@pytest.fixture(scope="module")
def sync_http() -> Iterator[httpx.Client]:
    from imagegen import VirtualClock
    from imagegen.sandbox import SandboxTransport, create_app

    app = create_app(clock=VirtualClock())
    control = app.state.sandbox
    control.set_limits(control.default_account_id, creates_per_minute=None, max_concurrent=None)
    control.add_credits(control.default_account_id, 10**6)
    with httpx.Client(
        transport=SandboxTransport(app, raise_app_exceptions=True), base_url="http://127.0.0.1"
    ) as http:
        yield http
    control.close()


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(magic=st.sampled_from(_MAGIC), tail=st.binary(min_size=1, max_size=300))
def test_no_bytes_make_it_fail(sync_http: httpx.Client, magic: bytes, tail: bytes) -> None:
    response = sync_http.post(
        "/v1/images",
        json={"prompt": "a fox", "images_base64": [b64(magic + tail)]},
        headers={"X-API-Key": DEFAULT_API_KEY},
    )
    if response.status_code == 201:  # only a real image gets through
        assert magic in _MAGIC[1:4]
    else:
        assert (response.status_code, response.json()) == (400, INVALID_IMAGE)
