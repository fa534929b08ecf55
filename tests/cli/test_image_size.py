"""Pixel sizes are read from the file headers, with no Pillow needed for PNG, JPEG or WEBP."""

from __future__ import annotations

import io

import pytest
from imagegen.cli import _image_size
from imagegen.cli._image_size import image_size
from PIL import Image


def _encoded(size: tuple[int, int], image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, format=image_format, **options)
    return buffer.getvalue()


@pytest.fixture
def without_pillow(monkeypatch):
    """Fail the test if the Pillow fallback is reached: the headers alone must tell."""

    def fail(path):
        raise AssertionError(f"Pillow fallback used for {path}")

    monkeypatch.setattr(_image_size, "_pillow_size", fail)


@pytest.mark.usefixtures("without_pillow")
@pytest.mark.parametrize("size", [(1024, 576), (576, 1024), (1, 1), (2048, 877)])
@pytest.mark.parametrize(
    ("image_format", "options"),
    [
        ("PNG", {}),
        ("JPEG", {"quality": 80}),
        ("JPEG", {"progressive": True}),
        ("JPEG", {"exif": b"Exif\x00\x00" + b"\x00" * 4000}),  # a segment before the frame
        ("WEBP", {"lossless": True}),
        ("WEBP", {"quality": 50}),
    ],
)
def test_reads_the_size_from_the_header(tmp_path, size, image_format, options):
    path = tmp_path / "image"
    path.write_bytes(_encoded(size, image_format, **options))
    assert image_size(path) == size


def test_other_formats_fall_back_to_pillow(tmp_path):
    path = tmp_path / "image.gif"
    path.write_bytes(_encoded((33, 17), "GIF"))
    assert image_size(path) == (33, 17)


def test_without_pillow_an_unknown_format_has_no_size(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    path = tmp_path / "image.gif"
    path.write_bytes(_encoded((33, 17), "GIF"))
    assert image_size(path) is None


@pytest.mark.parametrize(
    "content",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00", b"RIFF\x00"],
)
def test_garbage_and_truncated_headers_have_no_size(tmp_path, content):
    path = tmp_path / "broken"
    path.write_bytes(content)
    assert image_size(path) is None


def test_a_missing_file_has_no_size(tmp_path):
    assert image_size(tmp_path / "absent.png") is None
