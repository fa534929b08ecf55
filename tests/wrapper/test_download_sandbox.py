"""Downloading real outputs from the in-process sandbox (loopback http): the files are the
images the sandbox made, named safely, and the image requests carry no key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from imagegen._images import ImageType, sniff_image_type
from imagegen.testing import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def test_generate_and_download_sends_no_key_to_the_file_host(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    http = sandbox.http_client(event_hooks={"request": [seen.append]})
    client = sandbox.client(http_client=http)
    result = client.generate(
        "A lighthouse sandbox:duration=30", num_outputs=2, download_to=tmp_path
    )
    generation = result.generation
    assert list(result.paths) == [tmp_path / f"{generation.id}-{i}.png" for i in range(2)]
    for path in result.paths:
        assert sniff_image_type(path.read_bytes()[:12]) is ImageType.PNG
    file_requests = [r for r in seen if "/files/" in r.url.path]
    assert len(file_requests) == 2
    api_requests = [r for r in seen if "/files/" not in r.url.path]
    assert all("authorization" in r.headers for r in api_requests)  # the control: API calls do
    for request in file_requests:
        assert "authorization" not in request.headers
        assert "x-api-key" not in request.headers
        assert sandbox.api_key not in str(request.headers.raw)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in result.paths)


def test_jpeg_outputs_get_a_jpg_name(sandbox: Sandbox, tmp_path: Path) -> None:
    client = sandbox.client()
    generation = client.generate("A lighthouse sandbox:jpeg sandbox:duration=5").generation
    files = client.images.download(generation, tmp_path)
    assert files == [tmp_path / f"{generation.id}-0.jpg"]
    assert sniff_image_type(files[0].read_bytes()) is ImageType.JPEG


def test_partial_generation_reports_the_failed_output(sandbox: Sandbox, tmp_path: Path) -> None:
    client = sandbox.client()
    generation = client.generate(
        "A fox sandbox:partial sandbox:duration=5", num_outputs=3
    ).generation
    files = client.images.download(generation, tmp_path)
    assert files.failed_outputs == generation.output_failed == 1
    assert len(files) == 2
    assert not files.complete


async def test_async_download_from_the_sandbox(sandbox: Sandbox, tmp_path: Path) -> None:
    client = sandbox.async_client()
    result = await client.generate("A lighthouse sandbox:duration=5", download_to=tmp_path)
    assert len(result.paths) == 1
    assert sniff_image_type(result.paths[0].read_bytes()) is ImageType.PNG
