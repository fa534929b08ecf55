"""Client-side validation of create requests: every bad input is refused with InvalidRequestError
naming the argument, the value at fault and the fix; good inputs become the generated model."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

import pytest
from imagegen._api.models import AspectRatio, CreateImageRequest, Resolution
from imagegen._api.types import UNSET
from imagegen._errors import ImagegenError, InvalidRequestError
from imagegen._images import MAX_IMAGE_BYTES
from imagegen._validation import build_create_request, check_generation_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32


def refused(**kwargs: Any) -> InvalidRequestError:
    prompt = kwargs.pop("prompt", "a lighthouse")
    with pytest.raises(InvalidRequestError) as caught:
        build_create_request(prompt, **kwargs)
    error = caught.value
    assert isinstance(error, ImagegenError)
    assert isinstance(error, ValueError)
    assert str(error) == error.message
    return error


# -- what goes through -------------------------------------------------------------------------


def test_text_only_request_sends_only_what_was_set() -> None:
    request = build_create_request("A lighthouse on a cliff")
    assert isinstance(request, CreateImageRequest)
    assert request.to_dict() == {"prompt": "A lighthouse on a cliff"}


def test_every_field_is_carried_into_the_generated_model() -> None:
    request = build_create_request(
        "A lighthouse",
        images=["https://cdn.example.com/a.png", "https://cdn.example.com/b.jpg"],
        resolution="2k",
        aspect_ratio="16:9",
        num_outputs=4,
        model="imagegen-v2",
        webhook_url="https://example.com/hook",
        name="Lighthouse",
        is_public=True,
    )
    assert request.to_dict() == {
        "prompt": "A lighthouse",
        "images_url": ["https://cdn.example.com/a.png", "https://cdn.example.com/b.jpg"],
        "resolution": "2k",
        "aspect_ratio": "16:9",
        "num_outputs": 4,
        "model": "imagegen-v2",
        "webhook_url": "https://example.com/hook",
        "name": "Lighthouse",
        "is_public": True,
    }


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1k", Resolution.RES_1K), ("2K", Resolution.RES_2K), (" 4k ", Resolution.RES_4K),
     (Resolution.RES_4K, Resolution.RES_4K)],
)  # fmt: skip
def test_resolution_is_case_insensitive(given: str, expected: Resolution) -> None:
    assert build_create_request("x", resolution=given).resolution is expected


def test_aspect_ratio_enum_and_string() -> None:
    assert build_create_request("x", aspect_ratio="1:1").aspect_ratio is AspectRatio.SQUARE
    assert build_create_request("x", aspect_ratio=AspectRatio.R9_16).aspect_ratio is (
        AspectRatio.R9_16
    )


def test_local_images_are_sniffed_and_sent_as_plain_base64(tmp_path: Path) -> None:
    # The extension lies: the file is a PNG named .jpg; content decides, and it is accepted.
    path = tmp_path / "photo.jpg"
    path.write_bytes(PNG)
    data_url = "data:image/webp;base64," + base64.b64encode(WEBP).decode()
    request = build_create_request(
        "x", images=[path, JPEG, bytearray(WEBP), memoryview(PNG), data_url]
    )
    assert request.images_url is UNSET
    assert request.images_base64 == [
        base64.b64encode(b).decode() for b in (PNG, JPEG, WEBP, PNG, WEBP)
    ]
    assert not any(s.startswith("data:") for s in request.images_base64)


def test_ten_images_is_the_limit_and_allowed() -> None:
    urls = [f"https://cdn.example.com/{i}.png" for i in range(10)]
    assert build_create_request("x", images=urls).images_url == urls


def test_empty_image_list_is_text_to_image() -> None:
    assert build_create_request("x", images=[]).to_dict() == {"prompt": "x"}


def test_twenty_megabytes_in_all_is_allowed() -> None:
    half = PNG + b"\x00" * (MAX_IMAGE_BYTES - len(PNG))
    request = build_create_request("x", images=[half, half])
    assert request.images_base64 is not UNSET
    assert len(request.images_base64) == 2


def test_is_public_false_and_empty_name_are_sent() -> None:
    assert build_create_request("x", is_public=False, name="").to_dict() == {
        "prompt": "x",
        "is_public": False,
        "name": "",
    }


def test_whitespace_around_urls_is_dropped() -> None:
    request = build_create_request(
        "x", images=[" https://cdn.example.com/a.png\n"], webhook_url="\thttps://example.com/h "
    )
    assert request.images_url == ["https://cdn.example.com/a.png"]
    assert request.webhook_url == "https://example.com/h"


def test_http_webhook_is_allowed() -> None:
    request = build_create_request("x", webhook_url="http://127.0.0.1:9000/hook")
    assert request.webhook_url == "http://127.0.0.1:9000/hook"


# -- what is refused: at least one test per kind -----------------------------------------------


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_or_blank_prompt(prompt: str) -> None:
    error = refused(prompt=prompt)
    assert error.field == "prompt"
    assert "describe the image" in error.message


@pytest.mark.parametrize("prompt", [None, 42, b"bytes", ["a"]])
def test_prompt_that_is_not_a_string(prompt: object) -> None:
    error = refused(prompt=prompt)
    assert error.field == "prompt"
    assert type(prompt).__name__ in error.message


@pytest.mark.parametrize("resolution", ["8k", "1080p", "", 1, "1 k"])
def test_unknown_resolution_suggests_the_valid_ones(resolution: object) -> None:
    error = refused(resolution=resolution)
    assert error.field == "resolution"
    assert repr(resolution) in error.message
    for valid in ("'1k'", "'2k'", "'4k'"):
        assert valid in error.message


@pytest.mark.parametrize("ratio", ["16x9", "7:3", "", 1.5])
def test_unknown_aspect_ratio(ratio: object) -> None:
    error = refused(aspect_ratio=ratio)
    assert error.field == "aspect_ratio"
    assert repr(ratio) in error.message
    assert "'16:9'" in error.message


@pytest.mark.parametrize("n", [0, 5, -1, 100])
def test_num_outputs_out_of_range(n: int) -> None:
    error = refused(num_outputs=n)
    assert error.field == "num_outputs"
    assert f"num_outputs={n}" in error.message
    assert "1 to 4" in error.message


@pytest.mark.parametrize("n", [True, False, 2.0, "2"])
def test_num_outputs_not_an_int(n: object) -> None:
    error = refused(num_outputs=n)
    assert error.field == "num_outputs"
    assert "whole number from 1 to 4" in error.message


def test_eleven_images() -> None:
    error = refused(images=[f"https://cdn.example.com/{i}.png" for i in range(11)])
    assert error.field == "images"
    assert "11 reference images" in error.message
    assert "at most 10" in error.message
    assert "remove 1" in error.message


def test_urls_mixed_with_bytes() -> None:
    error = refused(images=["https://cdn.example.com/a.png", PNG])
    assert error.field == "images"
    assert "mixes URLs (images[0]) with local images (images[1])" in error.message
    assert "one kind per request" in error.message


def test_urls_mixed_with_paths(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(PNG)
    error = refused(images=[path, "https://cdn.example.com/a.png"])
    assert "mixes URLs (images[1]) with local images (images[0])" in error.message


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://cdn.example.com/a.png", "over https only"),
        ("ftp://cdn.example.com/a.png", "over https only"),
        ("cdn.example.com/a.png", "pathlib.Path"),
        ("photos/a.png", "pathlib.Path"),
        ("C:\\photos\\a.png", "pathlib.Path"),
        ("//cdn.example.com/a.png", "add 'https:'"),
    ],
)
def test_url_that_is_not_https(url: str, hint: str) -> None:
    error = refused(images=[url])
    assert error.field == "images"
    assert "images[0]" in error.message
    assert repr(url) in error.message
    assert "not an https URL" in error.message
    assert hint in error.message


@pytest.mark.parametrize("url", ["https://", "https:///a.png", "https://:443/a.png"])
def test_url_with_no_host(url: str) -> None:
    error = refused(images=[url])
    assert "has no host" in error.message


def test_url_with_credentials_is_refused_and_the_password_not_echoed() -> None:
    url = "https://alice:s3cr3t-pass@cdn.example.com/a.png"
    error = refused(images=[url])
    assert "credentials" in error.message
    assert "s3cr3t-pass" not in error.message
    assert "s3cr3t-pass" not in repr(error.args)
    assert "cdn.example.com" in error.message


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com:port/a.png", "https://cdn.example.com/a b.png"]
)
def test_malformed_url(url: str) -> None:
    error = refused(images=[url])
    assert error.field == "images"
    assert "images[0]" in error.message


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.png"
    error = refused(images=[missing])
    assert error.field == "images"
    assert str(missing) in error.message
    assert "does not exist" in error.message


def test_path_that_is_a_directory(tmp_path: Path) -> None:
    error = refused(images=[tmp_path])
    assert "is a directory" in error.message
    assert str(tmp_path) in error.message


@pytest.mark.parametrize(
    "content",
    [GIF, b"%PDF-1.7 not an image", b"hello, world\n", b"RIFF\x00\x00\x00\x00WAVEfmt "],
)
def test_file_that_is_not_jpeg_png_or_webp_by_its_bytes(tmp_path: Path, content: bytes) -> None:
    # Named .png, but the bytes say otherwise: the bytes decide.
    path = tmp_path / "fake.png"
    path.write_bytes(content)
    error = refused(images=[path])
    assert "not a JPEG, PNG or WEBP image" in error.message
    assert "fake.png" in error.message


def test_bytes_that_are_not_an_image() -> None:
    error = refused(images=[GIF])
    assert "images[0]" in error.message
    assert "not a JPEG, PNG or WEBP image" in error.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    error = refused(images=[path])
    assert "is empty" in error.message


def test_empty_bytes() -> None:
    error = refused(images=[b""])
    assert "is empty" in error.message


def test_image_file_over_ten_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(PNG + b"\x00" * (MAX_IMAGE_BYTES + 1 - len(PNG)))
    error = refused(images=[path])
    assert "big.png" in error.message
    assert "up to 10.0 MB" in error.message
    assert "shrink" in error.message


def test_image_bytes_over_ten_megabytes() -> None:
    error = refused(images=[PNG + b"\x00" * MAX_IMAGE_BYTES])
    assert "up to 10.0 MB" in error.message


def test_images_over_twenty_megabytes_in_all() -> None:
    eight_mb = PNG + b"\x00" * (8 * 1024 * 1024)
    error = refused(images=[eight_mb, eight_mb, eight_mb])
    assert "20.0 MB in all" in error.message
    assert "images[2]" in error.message


def test_bad_data_url() -> None:
    error = refused(images=["data:image/png;base64,!!!not base64!!!"])
    assert "invalid base64" in error.message
    error = refused(images=["data:text/plain,hello"])
    assert "not a base64 data URL" in error.message


@pytest.mark.parametrize("images", ["https://cdn.example.com/a.png", PNG, Path("a.png")])
def test_single_image_not_in_a_list(images: object) -> None:
    error = refused(images=images)
    assert "wrap the single image" in error.message


@pytest.mark.parametrize("image", [42, None, {"url": "https://x"}])
def test_image_of_an_unknown_kind(image: object) -> None:
    error = refused(images=[image])
    assert f"images[0] is a {type(image).__name__}" in error.message


def test_images_not_a_sequence() -> None:
    error = refused(images={"https://cdn.example.com/a.png"})
    assert "must be a list" in error.message


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "example.com/hook", "mailto:a@example.com", "https:///hook"]
)
def test_webhook_url_that_is_not_http_or_has_no_host(url: str) -> None:
    error = refused(webhook_url=url)
    assert error.field == "webhook_url"
    assert "https://example.com/hooks/imagegen" in error.message


def test_webhook_url_credentials_are_not_echoed() -> None:
    error = refused(webhook_url="ftp://bob:hunter2@example.com/hook")
    assert "hunter2" not in error.message


def test_webhook_url_not_a_string() -> None:
    assert refused(webhook_url=b"https://x").field == "webhook_url"


@pytest.mark.parametrize("model", ["", "  "])
def test_empty_model_name(model: str) -> None:
    error = refused(model=model)
    assert error.field == "model"
    assert "leave model out" in error.message


def test_model_not_a_string() -> None:
    assert refused(model=3).field == "model"


@pytest.mark.parametrize("name", [1, b"n", ["n"]])
def test_name_not_a_string(name: object) -> None:
    error = refused(name=name)
    assert error.field == "name"
    assert type(name).__name__ in error.message


@pytest.mark.parametrize("value", [1, "true", "yes", 0])
def test_is_public_not_a_bool(value: object) -> None:
    error = refused(is_public=value)
    assert error.field == "is_public"
    assert repr(value) in error.message
    assert "True or False" in error.message


def test_cheap_checks_come_before_reading_images(tmp_path: Path) -> None:
    # A bad resolution is reported even though the image list is also wrong.
    error = refused(resolution="8k", images=[tmp_path / "missing.png"])
    assert error.field == "resolution"


def test_long_values_are_shortened_in_messages() -> None:
    error = refused(resolution="x" * 10_000)
    assert len(error.message) < 400


# -- generation ids ----------------------------------------------------------------------------


def test_generation_id_is_canonicalised() -> None:
    value = "7C9E6679-7425-40DE-944B-E07FC1F90AE7"
    assert check_generation_id(value) == value.lower()
    assert check_generation_id(uuid.UUID(value)) == value.lower()
    assert check_generation_id("7c9e6679742540de944be07fc1f90ae7") == value.lower()


@pytest.mark.parametrize(
    "value", ["", "not-a-uuid", "../../account", "7c9e6679-7425-40de-944b", "7c9e6679/../x"]
)
def test_generation_id_that_is_not_a_uuid(value: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_generation_id(value)
    assert caught.value.field == "generation_id"
    assert repr(value) in caught.value.message
    assert "UUID" in caught.value.message


@pytest.mark.parametrize("value", [None, 42, b"7c9e6679-7425-40de-944b-e07fc1f90ae7"])
def test_generation_id_not_a_string(value: object) -> None:
    with pytest.raises(InvalidRequestError, match=type(value).__name__):
        check_generation_id(value)
