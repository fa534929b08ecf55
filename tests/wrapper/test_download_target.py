"""Where outputs will be saved is checked before anything is spent: `check_target` makes the
directory if needed and proves it writable, and every problem is an InvalidRequestError
naming `download_to`; `download_outputs` never lets a raw OSError about its directory out."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from imagegen._download import DownloadError, check_target, download_outputs
from imagegen._errors import InvalidRequestError
from imagegen._types import Generation, GenerationStatus

from tests.factories import make_generation

GEN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def _can_create_in(directory: Path) -> bool:
    probe = directory / "probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


def read_only_directory(tmp_path: Path) -> Path:
    """A directory nobody may create files in: a 0500 one, or (as root, which permission bits
    do not stop) /sys, which is read-only to everyone in containers and sandboxes."""
    candidate = tmp_path / "read-only"
    candidate.mkdir()
    candidate.chmod(0o500)
    if not _can_create_in(candidate):
        return candidate
    assert Path("/sys").is_dir()
    assert not _can_create_in(Path("/sys"))
    return Path("/sys")


def test_a_fresh_nested_path_is_created_and_left_empty(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    assert check_target(target) == target
    assert target.is_dir()
    assert list(target.iterdir()) == []  # the write probe is gone
    assert check_target(str(target)) == target  # and again, as a str, now that it exists


def test_an_existing_writable_directory_is_accepted_untouched(tmp_path: Path) -> None:
    (tmp_path / "kept.png").write_bytes(b"x")
    assert check_target(tmp_path) == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png"]


def test_a_path_that_cannot_be_created_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_target("/proc/nope")
    assert caught.value.field == "download_to"
    assert "/proc/nope" in str(caught.value)
    assert "download_to" in str(caught.value)  # says what to change
    assert not isinstance(caught.value, OSError)
    assert not Path("/proc/nope").exists()


def test_an_existing_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "photo.png"
    existing.write_bytes(b"keep me")
    with pytest.raises(InvalidRequestError) as caught:
        check_target(existing)
    assert caught.value.field == "download_to"
    assert "is a file" in str(caught.value)
    assert "download_to" in str(caught.value)
    assert existing.read_bytes() == b"keep me"


def test_a_path_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(InvalidRequestError) as caught:
        check_target(tmp_path / "file" / "sub")
    assert caught.value.field == "download_to"


def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    target = read_only_directory(tmp_path)
    before = sorted(os.listdir(target))
    try:
        with pytest.raises(InvalidRequestError) as caught:
            check_target(target)
    finally:
        if target != Path("/sys"):
            target.chmod(0o700)
    assert caught.value.field == "download_to"
    assert "cannot be written" in str(caught.value)
    assert str(target) in str(caught.value)
    assert sorted(os.listdir(target)) == before


def test_something_that_is_not_a_path_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_target(42)  # type: ignore[arg-type]
    assert caught.value.field == "download_to"


# -- download_outputs itself -----------------------------------------------------------------


def finished(*urls: str) -> Generation:
    return make_generation(id=GEN_ID, status=GenerationStatus.SUCCEEDED, output_images=urls)


def test_download_into_an_uncreatable_directory_is_an_invalid_request() -> None:
    with httpx.Client() as http, pytest.raises(InvalidRequestError) as caught:
        download_outputs(http, finished("https://cdn.example.com/0.png"), "/proc/nope/out")
    assert caught.value.field == "directory"
    assert not isinstance(caught.value, OSError)


def test_download_below_a_file_is_an_invalid_request(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with httpx.Client() as http, pytest.raises(InvalidRequestError) as caught:
        download_outputs(http, finished("https://cdn.example.com/0.png"), tmp_path / "file" / "x")
    assert caught.value.field == "directory"


def test_download_into_a_read_only_directory_is_a_download_error(tmp_path: Path) -> None:
    target = read_only_directory(tmp_path)
    url = "https://cdn.example.com/0.png"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=png))
    try:
        with httpx.Client(transport=transport) as http, pytest.raises(DownloadError) as caught:
            download_outputs(http, finished(url), target)
    finally:
        if target != Path("/sys"):
            target.chmod(0o700)
    assert "could not write the file" in caught.value.errors[url]
