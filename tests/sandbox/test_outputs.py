"""Outputs: real PNG/JPEG files at the requested pixel size, made lazily and deterministically,
served under /files with absolute URLs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ._support import ORIGIN, Api

# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True


async def finished(api: Api, **body: object) -> dict[str, object]:
    generation_id = await api.created_id(**body)
    api.clock.advance(300)
    data = await api.get(generation_id)
    assert data["status"] == "succeeded"
    return data


@pytest.mark.parametrize(
    ("resolution", "aspect_ratio", "size"),
    [
        ("1k", "1:1", (1024, 1024)),
        ("1k", "16:9", (1024, 576)),
        ("1k", "9:16", (576, 1024)),
        ("1k", "21:9", (1024, 439)),
        ("2k", "3:2", (2048, 1365)),
        ("2k", "4:5", (1638, 2048)),
        ("4k", "3:4", (3072, 4096)),
    ],
)
async def test_outputs_are_pngs_of_the_requested_size(
    api: Api, resolution: str, aspect_ratio: str, size: tuple[int, int]
) -> None:
    data = await finished(api, resolution=resolution, aspect_ratio=aspect_ratio)
    (url,) = data["outputImages"]  # type: ignore[misc]
    assert url.startswith(f"{ORIGIN}/files/{data['generationId']}/")
    response = await api.call("GET", url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"
        assert image.size == size


async def test_jpeg_outputs(api: Api) -> None:
    data = await finished(api, prompt="x sandbox:jpeg", num_outputs=2)
    urls = data["outputImages"]
    assert isinstance(urls, list)
    assert len(urls) == 2
    for url in urls:
        assert url.endswith(".jpg")
        response = await api.call("GET", url)
        assert response.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(response.content)) as image:
            assert (image.format, image.size) == ("JPEG", (1024, 1024))


async def test_outputs_are_deterministic_and_differ_by_index() -> None:
    async def contents(seed: int) -> list[bytes]:
        api = Api(seed=seed)
        try:
            data = await finished(api, num_outputs=2)
            return [(await api.call("GET", url)).content for url in data["outputImages"]]  # type: ignore[attr-defined]
        finally:
            await api.aclose()

    first, again, other = await contents(0), await contents(0), await contents(5)
    assert first == again
    assert first[0] != first[1]
    assert first != other


async def test_files_are_made_lazily_and_only_when_they_exist(api: Api) -> None:
    generation_id = await api.created_id()
    early = await api.call("GET", f"/files/{generation_id}/0.png")
    assert early.status_code == 404
    assert early.json() == {"detail": "File not found"}
    api.clock.advance(300)
    outputs = Path(api.control._files.name) / "outputs"
    assert not outputs.exists()  # nothing is drawn before it is asked for
    for bad in ("1.png", "0.jpg", "x.png", "../0.png", "0"):
        assert (await api.call("GET", f"/files/{generation_id}/{bad}")).status_code == 404
    assert (await api.call("GET", "/files/nope/0.png")).status_code == 404
    assert (await api.call("GET", f"/files/{generation_id}/0.png")).status_code == 200


async def test_outputs_are_public_like_a_cdn(api: Api) -> None:
    data = await finished(api)
    response = await api.call("GET", data["outputImages"][0], key=None)  # type: ignore[index]
    assert response.status_code == 200


async def test_failed_generations_have_no_files(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:fail=INVALID_IMAGE")
    api.clock.advance(10)
    assert (await api.call("GET", f"/files/{generation_id}/0.png")).status_code == 404


async def test_noise_makes_a_4k_output_over_30_mb(api: Api) -> None:
    data = await finished(api, prompt="benchmark sandbox:noise", resolution="4k")
    response = await api.call("GET", data["outputImages"][0])  # type: ignore[index]
    assert len(response.content) >= 30 * 2**20
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (4096, 4096)
