"""Downloading outputs over httpx.MockTransport streams into tmp_path: streaming, no key sent,
https only (loopback excepted), size caps, safe names, no partial files, failures reported."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from imagegen._clock import VirtualClock
from imagegen._download import (
    CHUNK_BYTES,
    DownloadedFiles,
    DownloadError,
    adownload_outputs,
    download_outputs,
)
from imagegen._errors import ImagegenError, InvalidRequestError
from imagegen._types import Generation, GenerationStatus

from tests.factories import make_generation

GEN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
PNG = b"\x89PNG\r\n\x1a\n" + b"png-body" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-body" * 100
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"webp-body" * 100
SECRET = "ig_live_SUPERSECRETKEY"


def generation(
    *urls: str, status: str = "succeeded", failed: int = 0, gid: str = GEN_ID
) -> Generation:
    return make_generation(
        id=gid,
        status=GenerationStatus(status),
        output_images=urls,
        output_number=len(urls) + failed,
        output_success=len(urls),
        output_failed=failed,
    )


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that arrives in chunks and records how much of it was pulled."""

    def __init__(self, chunks: Iterator[bytes] | list[bytes]) -> None:
        self.chunks = iter(chunks)
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.pulled += len(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.pulled += len(chunk)
            yield chunk


def split(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


class Host:
    """A fake image host: path -> handler, recording every request it receives."""

    def __init__(self, routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.url.scheme}://{request.url.netloc.decode()}{request.url.raw_path.decode()}"
        handler = self.routes.get(key)
        if handler is None:
            return httpx.Response(404, text="no such file")
        return handler(request)

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self), **kwargs)  # type: ignore[arg-type]

    def async_client(self, **kwargs: object) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self), **kwargs)  # type: ignore[arg-type]


def serve(
    data: bytes, content_type: str | None = "image/png", **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        all_headers = dict(headers)
        if content_type:
            all_headers["content-type"] = content_type
        return httpx.Response(200, headers=all_headers, stream=Chunks(split(data)))

    return handler


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# -- saving --------------------------------------------------------------------------------------


def test_saves_every_output_under_safe_names(tmp_path: Path) -> None:
    urls = [
        "https://cdn.example.com/o/0.png",
        "https://cdn.example.com/o/1",
        "https://cdn.example.com/o/2.bin",
    ]
    host = Host(
        {urls[0]: serve(PNG), urls[1]: serve(JPEG, "image/jpeg"), urls[2]: serve(WEBP, None)}
    )
    target = tmp_path / "new" / "nested"
    with host.client() as http:
        files = download_outputs(http, generation(*urls), target)
    assert isinstance(files, DownloadedFiles)
    assert isinstance(files, list)
    assert files == [
        target / f"{GEN_ID}-0.png",
        target / f"{GEN_ID}-1.jpg",
        target / f"{GEN_ID}-2.webp",
    ]
    assert [p.read_bytes() for p in files] == [PNG, JPEG, WEBP]
    assert listing(target) == sorted(p.name for p in files)  # no temporary files left
    assert files.errors == {}
    assert files.failed_outputs == 0
    assert files.complete


def test_saved_files_get_the_permissions_of_the_umask(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    old = os.umask(0o022)
    try:
        with Host({url: serve(PNG)}).client() as http:
            (path,) = download_outputs(http, generation(url), tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # not a temporary file's private 0600


def test_extension_comes_from_the_bytes_not_the_url_or_header(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.exe"
    host = Host({url: serve(JPEG, "image/png")})  # header says PNG, bytes say JPEG
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path)
    assert files == [tmp_path / f"{GEN_ID}-0.jpg"]


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [("image/png", ".png"), ("image/jpeg; charset=binary", ".jpg"), ("image/gif", ".gif"),
     ("image/x-unheard-of-format", ".img")],
)  # fmt: skip
def test_extension_from_content_type_when_bytes_are_unknown(
    tmp_path: Path, content_type: str, extension: str
) -> None:
    url = "https://cdn.example.com/o/0"
    host = Host({url: serve(b"GIF89a" + b"x" * 50, content_type)})
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path)
    assert files == [tmp_path / f"{GEN_ID}-0{extension}"]


def test_downloading_again_replaces_the_same_files(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host({url: serve(PNG)})
    with host.client() as http:
        first = download_outputs(http, generation(url), tmp_path)
        second = download_outputs(http, generation(url), tmp_path)
    assert first == second
    assert listing(tmp_path) == [f"{GEN_ID}-0.png"]


def test_streams_in_chunks_without_loading_the_body(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    body = Chunks(iter([PNG[:10], PNG[10:], b"x" * 1000]))
    host = Host(
        {url: lambda r: httpx.Response(200, headers={"content-type": "image/png"}, stream=body)}
    )
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path)
    assert files[0].read_bytes() == PNG + b"x" * 1000
    assert files[0].suffix == ".png"  # sniffed across chunk boundaries


def test_memory_stays_constant_for_a_large_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    chunk = b"\x00" * CHUNK_BYTES
    size = 32 * 1024 * 1024

    def body() -> Iterator[bytes]:
        yield PNG
        for _ in range(size // CHUNK_BYTES):
            yield chunk  # the same object each time: the test itself allocates nothing

    host = Host({url: lambda r: httpx.Response(200, stream=Chunks(body()))})
    with host.client() as http:
        tracemalloc.start()
        try:
            (path,) = download_outputs(http, generation(url), tmp_path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert path.stat().st_size == size + len(PNG)
    # Streaming holds a chunk or two at a time; reading the body whole would hold 32 MiB.
    assert peak < 2 * 1024 * 1024


# -- credentials ---------------------------------------------------------------------------------


def test_no_api_key_is_sent_even_if_the_client_carries_one(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    moved = "https://other-cdn.example.net/final.png"
    host = Host(
        {
            url: lambda r: httpx.Response(302, headers={"location": moved}),
            moved: serve(PNG),
        }
    )
    # A client misconfigured with the key as default headers: the download must strip them.
    headers = {"Authorization": f"Bearer {SECRET}", "X-API-Key": SECRET, "User-Agent": "test"}
    with host.client(headers=headers) as http:
        files = download_outputs(http, generation(url), tmp_path)
    assert files == [tmp_path / f"{GEN_ID}-0.png"]
    assert [str(r.url) for r in host.requests] == [url, moved]
    for request in host.requests:
        assert "authorization" not in request.headers
        assert "x-api-key" not in request.headers
        assert SECRET not in str(request.headers.raw)
        assert request.headers["user-agent"] == "test"  # other defaults are kept


def test_a_plain_client_sends_no_auth_headers(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host({url: serve(PNG)})
    with host.client() as http:
        download_outputs(http, generation(url), tmp_path)
    (request,) = host.requests
    assert request.method == "GET"
    assert not {"authorization", "x-api-key", "proxy-authorization"} & set(request.headers.keys())


# -- which URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example.com/o/0.png",
        "ftp://cdn.example.com/o/0.png",
        "file:///etc/passwd",
        "cdn.example.com/o/0.png",
        "//cdn.example.com/o/0.png",
        "https:///o/0.png",
        "https://user:pw@cdn.example.com/o/0.png",
        "http://10.0.0.1/o/0.png",
        "http://127.0.0.1.evil.example/o/0.png",
    ],
)
def test_refuses_urls_that_are_not_https_or_loopback(tmp_path: Path, url: str) -> None:
    host = Host({url: serve(PNG)})
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, strict=False)
    assert files == []
    assert url in files.errors
    assert host.requests == []  # refused before anything was sent
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/files/0.png", "http://127.5.6.7/0.png", "http://localhost:9/0.png",
     "http://[::1]:8080/files/0.png"],
)  # fmt: skip
def test_plain_http_is_allowed_to_loopback(tmp_path: Path, url: str) -> None:
    host = Host({url: serve(PNG)})
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path)
    assert files == [tmp_path / f"{GEN_ID}-0.png"]


def test_redirect_to_plain_http_is_refused(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host(
        {url: lambda r: httpx.Response(301, headers={"location": "http://evil.example/x.png"})}
    )
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, strict=False)
    assert files == []
    assert "https only" in files.errors[url]
    assert [str(r.url) for r in host.requests] == [url]


def test_redirect_loop_is_cut(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host({url: lambda r: httpx.Response(302, headers={"location": url})})
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, strict=False)
    assert "redirects" in files.errors[url]
    assert len(host.requests) == 6


def test_relative_redirect_is_resolved(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host(
        {url: lambda r: httpx.Response(307, headers={"location": "/real/0.png"}),
         "https://cdn.example.com/real/0.png": serve(PNG)}
    )  # fmt: skip
    with host.client() as http:
        assert download_outputs(http, generation(url), tmp_path)[0].read_bytes() == PNG


# -- names that try to escape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/../../../../etc/passwd",
        "https://cdn.example.com/o/..%2F..%2F..%2Fescape.png",
        "https://cdn.example.com//tmp/absolute.png",
        "https://cdn.example.com/o/%2Ftmp%2Fabsolute.png",
        "https://cdn.example.com/o/..\\..\\win.png",
    ],
)
def test_server_given_names_never_leave_the_directory(tmp_path: Path, url: str) -> None:
    target = tmp_path / "out"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "image/png",
                     "content-disposition": 'attachment; filename="../../escaped.png"'},
            stream=Chunks(split(PNG)),
        )  # fmt: skip

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        files = download_outputs(http, generation(url), target)
    assert files == [target / f"{GEN_ID}-0.png"]
    assert listing(tmp_path) == ["out"]
    assert listing(target) == [f"{GEN_ID}-0.png"]


def test_a_generation_id_that_is_not_a_uuid_is_refused(tmp_path: Path) -> None:
    host = Host({})
    with host.client() as http, pytest.raises(InvalidRequestError) as caught:
        download_outputs(
            http, generation("https://cdn.example.com/0.png", gid="../../evil"), tmp_path
        )
    assert caught.value.field == "generation.id"
    assert host.requests == []
    assert listing(tmp_path) == []


# -- size caps -----------------------------------------------------------------------------------


def test_content_length_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    body = Chunks([PNG])
    host = Host(
        {url: lambda r: httpx.Response(200, headers={"content-length": str(10**9)}, stream=body)}
    )
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, max_bytes=1000, strict=False)
    assert "over the 1000 bytes limit" in files.errors[url]
    assert body.pulled == 0
    assert listing(tmp_path) == []


def test_endless_body_is_cut_at_the_cap_and_leaves_no_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"

    def endless() -> Iterator[bytes]:
        yield PNG
        while True:
            yield b"\x00" * CHUNK_BYTES

    body = Chunks(endless())
    host = Host({url: lambda r: httpx.Response(200, stream=body)})
    cap = 1024 * 1024
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, max_bytes=cap, strict=False)
    assert "limit" in files.errors[url]
    assert cap < body.pulled <= cap + 2 * CHUNK_BYTES + len(PNG)  # stopped right after the cap
    assert listing(tmp_path) == []


def test_body_exactly_at_the_cap_is_saved(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"
    host = Host({url: serve(PNG)})
    with host.client() as http:
        files = download_outputs(http, generation(url), tmp_path, max_bytes=len(PNG))
    assert files[0].stat().st_size == len(PNG)


@pytest.mark.parametrize("max_bytes", [0, -1, True, 1.5])
def test_bad_max_bytes(tmp_path: Path, max_bytes: object) -> None:
    with httpx.Client() as http, pytest.raises(InvalidRequestError):
        download_outputs(http, generation(), tmp_path, max_bytes=max_bytes)  # type: ignore[arg-type]


# -- failures --------------------------------------------------------------------------------------


def test_failed_outputs_are_reported_and_the_rest_saved(tmp_path: Path) -> None:
    good = "https://cdn.example.com/o/0.png"
    missing = "https://cdn.example.com/o/1.png?X-Signature=tok3n"
    html = "https://cdn.example.com/o/2.png"
    empty = "https://cdn.example.com/o/3.png"
    host = Host(
        {good: serve(PNG), html: serve(b"<html>oops</html>", "text/html"), empty: serve(b"")}
    )
    with host.client() as http:
        files = download_outputs(
            http, generation(good, missing, html, empty, failed=1), tmp_path, strict=False
        )
    assert files == [tmp_path / f"{GEN_ID}-0.png"]
    assert files.failed_outputs == 1
    assert not files.complete
    assert files.errors[missing] == "the image host answered HTTP 404"
    assert "text/html, not an image" in files.errors[html]
    assert "empty body" in files.errors[empty]
    assert listing(tmp_path) == [f"{GEN_ID}-0.png"]


def test_strict_download_raises_after_trying_every_output(tmp_path: Path) -> None:
    good = "https://cdn.example.com/o/1.png"
    bad = "https://cdn.example.com/o/0.png?X-Signature=tok3n"
    host = Host({good: serve(PNG)})
    gen = generation(bad, good)
    with host.client() as http, pytest.raises(DownloadError) as caught:
        download_outputs(http, gen, tmp_path)
    error = caught.value
    assert isinstance(error, ImagegenError)
    assert error.generation is gen
    assert error.files == [tmp_path / f"{GEN_ID}-1.png"]  # the good one was still saved
    assert (tmp_path / f"{GEN_ID}-1.png").read_bytes() == PNG
    assert set(error.errors) == {bad}
    assert "1 of the outputs" in str(error)
    assert "tok3n" not in str(error)  # pre-signed tokens stay out of messages


def test_connection_broken_mid_stream_leaves_no_partial_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"

    def breaking() -> Iterator[bytes]:
        yield PNG
        raise httpx.ReadError("connection reset")

    host = Host({url: lambda r: httpx.Response(200, stream=Chunks(breaking()))})
    with host.client() as http:  # retried (test_download_retry.py), each attempt cleaned up
        files = download_outputs(
            http, generation(url), tmp_path, strict=False, clock=VirtualClock()
        )
    assert "ReadError" in files.errors[url]
    assert listing(tmp_path) == []


def test_unreachable_host_is_reported(tmp_path: Path) -> None:
    url = "https://cdn.example.com/o/0.png"

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as http:
        files = download_outputs(
            http, generation(url), tmp_path, strict=False, clock=VirtualClock()
        )
    assert "ConnectError" in files.errors[url]


def test_unfinished_generation_is_refused(tmp_path: Path) -> None:
    with httpx.Client() as http, pytest.raises(InvalidRequestError) as caught:
        download_outputs(http, generation(status="processing"), tmp_path)
    assert "images.wait" in str(caught.value)
    assert listing(tmp_path) == []


def test_failed_generation_downloads_nothing(tmp_path: Path) -> None:
    target = tmp_path / "never-created"
    with httpx.Client() as http:
        files = download_outputs(http, generation(status="failed", failed=2), target)
    assert files == []
    assert files.failed_outputs == 2
    assert not target.exists()


def test_directory_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with httpx.Client() as http, pytest.raises(InvalidRequestError) as caught:
        download_outputs(http, generation("https://cdn.example.com/0.png"), path)
    assert caught.value.field == "directory"


def test_unwritable_directory_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere; simulate with a directory removed mid-way
        url = "https://cdn.example.com/o/0.png"
        target = tmp_path / "gone"

        def vanish(request: httpx.Request) -> httpx.Response:
            target.rmdir()
            return serve(PNG)(request)

        with Host({url: vanish}).client() as http:
            files = download_outputs(http, generation(url), target, strict=False)
    else:
        url = "https://cdn.example.com/o/0.png"
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o500)
        with Host({url: serve(PNG)}).client() as http:
            files = download_outputs(http, generation(url), target, strict=False)
        target.chmod(0o700)
    assert "could not write the file" in files.errors[url]


# -- async -----------------------------------------------------------------------------------------


async def test_async_download_saves_streams_and_sends_no_key(tmp_path: Path) -> None:
    urls = ["https://cdn.example.com/o/0.png", "http://127.0.0.1:8080/files/1.jpg"]
    host = Host({urls[0]: serve(PNG), urls[1]: serve(JPEG, "image/jpeg")})
    async with host.async_client(headers={"X-API-Key": SECRET}) as http:
        files = await adownload_outputs(http, generation(*urls, failed=1), tmp_path)
    assert files == [tmp_path / f"{GEN_ID}-0.png", tmp_path / f"{GEN_ID}-1.jpg"]
    assert [p.read_bytes() for p in files] == [PNG, JPEG]
    assert files.failed_outputs == 1
    assert all("x-api-key" not in r.headers for r in host.requests)


async def test_async_download_caps_refuses_and_raises(tmp_path: Path) -> None:
    big = "https://cdn.example.com/o/0.png"
    plain = "http://cdn.example.com/o/1.png"

    def endless() -> Iterator[bytes]:
        while True:
            yield PNG

    body = Chunks(endless())
    host = Host({big: lambda r: httpx.Response(200, stream=body), plain: serve(PNG)})
    async with host.async_client() as http:
        with pytest.raises(DownloadError) as caught:
            await adownload_outputs(http, generation(big, plain), tmp_path, max_bytes=10_000)
    assert set(caught.value.errors) == {big, plain}
    # Read in CHUNK_BYTES pieces: at most one piece past the cap was pulled.
    assert body.pulled <= 10_000 + CHUNK_BYTES + len(PNG)
    assert [str(r.url) for r in host.requests] == [big]
    assert listing(tmp_path) == []
