"""Saving a generation's outputs to disk.

The output URLs point at an image host, not at the API, so:

- no API key goes with them: each request is built afresh through the caller's http client with
  every credential header removed, and redirects are followed here, one checked hop at a time;
- only https is allowed (plain http only to loopback, where the offline sandbox serves files),
  on the first URL and on every redirect;
- each file streams to disk in chunks (constant memory), into a temporary file in the target
  directory that is renamed into place only when complete: no partial file is ever left under
  the final name;
- the size is capped, by Content-Length before reading and by counting while reading;
- the file name is ours, never the server's: `<generation id>-<index><ext>`, the index being
  the output's position in `outputImages` and the extension taken from the bytes (JPEG, PNG,
  WEBP), else from an image Content-Type. A name in the URL (`../../etc/passwd`) is ignored;
- a transient failure (no answer, a dropped connection, a body cut short, HTTP 408, 429, 500,
  502, 503, 504) is tried again from scratch, on the client's `RetryPolicy` (its backoff, its
  `max_retries` and `budget` per output, `Retry-After` up to `max_server_delay`) and sleeping
  on its `Clock`. Anything else (403, 404, a body over the cap, a non-image) would fail the same
  way again and is not retried.

The temporary file is `.<generation id>-<index>-<random>.part`: hidden, and never matching an
output's name, so a process killed mid-download (which runs no cleanup) leaves only that behind.
Every other way out of a download, KeyboardInterrupt and task cancellation included, removes it.

Failures: every output is tried. By default (`strict=True`) any output that could not be saved
raises `DownloadError` afterwards, which carries the files that were saved and the reason for
each URL that failed, so nothing is lost silently and nothing saved is lost. With `strict=False`
the same report comes back on the returned `DownloadedFiles` (`.errors`). Outputs the service
itself failed to produce (`outputFailed`) have no URL; their count is `.failed_outputs`, which
never raises: the generation did succeed, and those credits are the service's to refund.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TypedDict, Unpack

import httpx

from ._clock import Clock, SystemClock
from ._defaults import DEFAULT_MAX_DOWNLOAD_BYTES
from ._errors import ImagegenError, InvalidRequestError
from ._images import SNIFF_BYTES, format_size, image_type_from_content_type, sniff_image_type
from ._io import CHUNK_BYTES, AsyncIO, Chunks, Close, NextChunk, Plan, Sleep, SyncIO, Transmit
from ._net import is_loopback_host
from ._observe import Observer
from ._retry import RetryPolicy, delay_requested
from ._secrets import scrub_error
from ._types import Generation
from ._validation import check_generation_id

__all__ = [
    "CHUNK_BYTES",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "DownloadError",
    "DownloadedFiles",
    "adownload_outputs",
    "check_target",
    "download_outputs",
    "download_plan",
    "iter_write_checks",
]

logger = logging.getLogger("imagegen")

MAX_REDIRECTS = 5

# Headers that carry credentials: never sent to an image host, whoever set them.
_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "proxy-authorization")
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}")
# Answers of an image host (or the CDN or proxy in front of it) that may differ next time.
_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# The name of `check_target`'s probe file, before its random part.
_WRITE_CHECK = ".imagegen-write-check-"


class DownloadedFiles(list[Path]):
    """The paths saved, in output order, plus what could not be saved.

    `.failed_outputs`: outputs the service failed to produce (the generation's `outputFailed`).
    `.errors`: output URL -> why it could not be saved (empty unless downloaded with
    `strict=False`, since a strict download raises `DownloadError` instead).
    """

    def __init__(
        self,
        paths: Iterable[Path] = (),
        *,
        failed_outputs: int = 0,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(paths)
        self.failed_outputs = failed_outputs
        self.errors: dict[str, str] = dict(errors or {})

    @property
    def complete(self) -> bool:
        """True when every output the generation was asked for is on disk."""
        return self.failed_outputs == 0 and not self.errors

    def __repr__(self) -> str:
        return (
            f"DownloadedFiles({list(self)!r}, failed_outputs={self.failed_outputs}, "
            f"errors={len(self.errors)})"
        )


class DownloadError(ImagegenError):
    """Some outputs could not be saved. `.files` holds those that were, with `.files.errors`
    (URL -> reason) for the rest; `.generation` is the generation being downloaded."""

    def __init__(self, generation: Generation, files: DownloadedFiles) -> None:
        self.generation = generation
        self.files = files
        reasons = "; ".join(
            f"{_display(url)}: {reason}" for url, reason in list(files.errors.items())[:3]
        )
        more = f" (and {len(files.errors) - 3} more)" if len(files.errors) > 3 else ""
        message = (
            f"{len(files.errors)} of the outputs of generation {generation.id} could not be "
            f"saved ({len(files)} saved): {reasons}{more}"
        )
        super().__init__(message)
        self.message = message
        scrub_error(self)  # the URLs are the server's: they may echo the key

    @property
    def errors(self) -> dict[str, str]:
        return self.files.errors


class _Refused(Exception):
    """An output that will not be saved, with the reason (a message for people)."""


class _Transient(_Refused):
    """A failure that may not happen again: worth another attempt. `headers` are those of the
    answer, if there was one (for `Retry-After`)."""

    def __init__(self, reason: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.headers: Mapping[str, str] = headers if headers is not None else {}


def check_target(directory: str | os.PathLike[str]) -> Path:
    """`directory` as a `Path`, once it is known that outputs can be saved into it.

    For `generate(download_to=...)` to call before the create is sent, so that a target that
    cannot be written is found before anything is charged. The directory is created if missing
    (it is where the outputs go, so it is not left over) and proven writable by creating and
    removing a hidden file in it. Every problem is an `InvalidRequestError` (`field`
    "download_to") saying what to change.
    """
    path = _directory_path(directory, "download_to")
    _ensure_directory(path, "download_to", create=True)
    probe = path / f"{_WRITE_CHECK}{secrets.token_hex(8)}.part"
    created = False
    try:
        with probe.open("xb"):
            created = True
    except OSError as exc:
        raise InvalidRequestError(
            f"download_to {str(path)!r} cannot be written ({_strerror(exc)}): pass download_to "
            "a directory you may create files in",
            field="download_to",
        ) from None
    finally:
        if created:
            with contextlib.suppress(OSError):
                probe.unlink()
    return path


def iter_write_checks(directory: Path) -> Iterator[Path]:
    """The files `check_target` made in `directory` to prove it writable: each lives for two
    system calls, so one found is what a process killed between them left."""
    pattern = re.compile(re.escape(_WRITE_CHECK) + r"[0-9a-f]{16}\.part")
    for path in directory.glob(f"{_WRITE_CHECK}*.part"):
        if pattern.fullmatch(path.name):
            yield path


def download_plan(
    http: httpx.Client | httpx.AsyncClient,
    generation: Generation,
    directory: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    strict: bool = True,
    retry: RetryPolicy | None = None,
    clock: Clock | None = None,
    observer: Observer | None = None,
    user_agent: str | None = None,
) -> Plan[DownloadedFiles]:
    """Save every output of a finished `generation` into `directory` (created if missing),
    one after another; `http` only builds the requests (the runner sends them).

    Transient failures are retried on `retry` (default `RetryPolicy()`), waiting on `clock`
    (default `SystemClock()`). `user_agent`, when given, is the requests' User-Agent (the
    client's own, where `http` does not send it by default); else `http`'s default is sent.
    """
    plan = _Plan(generation, directory, max_bytes, retry, clock)
    saved: list[Path] = []
    errors: dict[str, str] = {}
    events = observer if observer is not None and observer.hook is not None else None
    for index, url in enumerate(generation.output_images):
        attempts = plan.attempts(url)
        while True:
            try:
                path = yield from _save(http, url, plan.target(index), max_bytes, user_agent)
                saved.append(path)
                if events is not None:
                    size = path.stat().st_size
                    events.emit(
                        "download",
                        generation_id=generation.id,
                        index=index,
                        path=str(path),
                        bytes=size,
                    )
                break
            except (_Refused, httpx.HTTPError, OSError) as exc:
                delay = attempts.next_delay(exc)
                if delay is None:
                    errors[url] = attempts.reason(exc)
                    if events is not None:
                        events.emit(
                            "download", generation_id=generation.id, index=index, error=errors[url]
                        )
                    break
                if events is not None:
                    events.emit(
                        "retry",
                        operation="download",
                        # next_delay counted the attempt about to be made: this is retry
                        # made - 1 (1: the first retry), as the log line and API retries say.
                        attempt=attempts.made - 1,
                        delay=delay,
                        cause=_reason(exc),
                    )
            yield Sleep(delay)
    return plan.result(saved, errors, strict)


def download_outputs(
    http: httpx.Client,
    generation: Generation,
    directory: str | os.PathLike[str],
    **options: Unpack[_DownloadOptions],
) -> DownloadedFiles:
    """`download_plan`, run with blocking I/O through `http`."""
    clock = options.get("clock") or SystemClock()
    return SyncIO(http, clock).run(download_plan(http, generation, directory, **options))


async def adownload_outputs(
    http: httpx.AsyncClient,
    generation: Generation,
    directory: str | os.PathLike[str],
    **options: Unpack[_DownloadOptions],
) -> DownloadedFiles:
    """`download_plan`, run with awaits through `http`."""
    clock = options.get("clock") or SystemClock()
    return await AsyncIO(http, clock).run(download_plan(http, generation, directory, **options))


class _DownloadOptions(TypedDict, total=False):
    max_bytes: int
    strict: bool
    retry: RetryPolicy | None
    clock: Clock | None


def _save(
    http: httpx.Client | httpx.AsyncClient,
    url: str,
    target: _OutputFile,
    max_bytes: int,
    user_agent: str | None = None,
) -> Plan[Path]:
    """One attempt at one output: its final path, or an exception with nothing left on disk."""
    try:
        response = yield from _open(http, url, user_agent)
        try:
            target.begin(response, max_bytes)
            chunks = yield Chunks(response)
            while (chunk := (yield NextChunk(chunks))) is not None:
                target.write(chunk)
        except Exception:
            yield Close(response)  # at once, so its connection serves the next attempt
            raise
        yield Close(response)
        return target.finish(response)
    finally:
        target.discard()  # a no-op once finished; runs on KeyboardInterrupt and cancellation too


# -- one download -----------------------------------------------------------------------------


class _Plan:
    """The checks and names shared by every output of one generation."""

    def __init__(
        self,
        generation: Generation,
        directory: str | os.PathLike[str],
        max_bytes: int,
        retry: RetryPolicy | None,
        clock: Clock | None,
    ) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise InvalidRequestError(
                f"max_bytes must be a positive whole number of bytes, not {max_bytes!r}",
                field="max_bytes",
            )
        if not generation.is_terminal:
            raise InvalidRequestError(
                f"generation {generation.id} is still {generation.status}: wait for it to "
                f"finish (images.wait({generation.id!r})) before downloading its outputs",
                field="generation",
            )
        self.generation = generation
        self.retry = retry if retry is not None else RetryPolicy()
        self.clock: Clock = clock if clock is not None else SystemClock()
        # The id becomes part of a file name: it must be exactly a UUID, nothing path-like.
        self.stem = check_generation_id(generation.id, field="generation.id")
        self.directory = _directory_path(directory, "directory")
        # Nothing to save, nothing to create (a failed generation leaves no empty directory).
        _ensure_directory(self.directory, "directory", create=bool(generation.output_images))

    def target(self, index: int) -> _OutputFile:
        return _OutputFile(self.directory, f"{self.stem}-{index}")

    def attempts(self, url: str) -> _Attempts:
        return _Attempts(self.retry, self.clock, url)

    def result(self, saved: list[Path], errors: dict[str, str], strict: bool) -> DownloadedFiles:
        files = DownloadedFiles(saved, failed_outputs=self.generation.output_failed, errors=errors)
        if errors and strict:
            raise DownloadError(self.generation, files)
        return files


class _OutputFile:
    """One output being written: a hidden temporary file beside its final name, renamed into
    place when complete and removed otherwise."""

    def __init__(self, directory: Path, stem: str) -> None:
        self.directory = directory
        self.stem = stem
        self.temp_path: Path | None = None
        self.file: IO[bytes] | None = None
        self.size = 0
        self.limit = 0
        self.head = b""

    def begin(self, response: httpx.Response, max_bytes: int) -> None:
        if response.status_code != 200:
            reason = f"the image host answered HTTP {response.status_code}"
            if response.status_code in _TRANSIENT_STATUSES:
                raise _Transient(reason, response.headers)
            raise _Refused(reason)
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise _Refused(
                f"it is {format_size(int(declared))}, over the {format_size(max_bytes)} limit "
                "(max_bytes)"
            )
        self.limit = max_bytes
        # Not tempfile.mkstemp: its files are private (0600) and would stay so once renamed;
        # an exclusive open of a random name gets the permissions the user's umask gives.
        self.temp_path = self.directory / f".{self.stem}-{secrets.token_hex(8)}.part"
        self.file = self.temp_path.open("xb")

    def write(self, chunk: bytes) -> None:
        assert self.file is not None
        self.size += len(chunk)
        if self.size > self.limit:
            raise _Refused(
                f"it is over the {format_size(self.limit)} limit (max_bytes); stopped reading"
            )
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        self.file.write(chunk)

    def finish(self, response: httpx.Response) -> Path:
        assert self.file is not None
        assert self.temp_path is not None
        # h11 notices a connection closed early; a transport that does not is caught here.
        # Content-Length counts the bytes as sent: comparable only when no Content-Encoding
        # was undone (an encoded body cut short fails to decode instead).
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding == "identity" and declared.isdigit() and self.size < int(declared):
            raise _Transient(f"the body was cut short ({self.size} of {declared} bytes)")
        if self.size == 0:
            raise _Refused("the image host sent an empty body")
        extension = _extension(self.head, response.headers.get("content-type"))
        self.file.close()
        final = self.directory / f"{self.stem}{extension}"
        os.replace(self.temp_path, final)
        self.temp_path = None
        return final

    def discard(self) -> None:
        """Remove what is left of an unfinished download (nothing once finished)."""
        if self.file is not None:
            self.file.close()
        if self.temp_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.temp_path.unlink()
            self.temp_path = None


class _Attempts:
    """The attempts at one output: whether and when to try again, on the client's policy.

    Like an API read, each output has its own `max_retries` and its own `budget`, counted from
    its first attempt.
    """

    def __init__(self, policy: RetryPolicy, clock: Clock, url: str) -> None:
        self.policy = policy
        self.clock = clock
        self.url = url
        self.made = 1
        self.over_budget = False
        self._started = clock.monotonic()

    def next_delay(self, exc: Exception) -> float | None:
        """Seconds to wait before the next attempt, or None to give up on this output."""
        if not _is_transient(exc) or self.made > self.policy.max_retries:
            return None
        headers = exc.headers if isinstance(exc, _Transient) else {}
        requested = delay_requested(headers, now=self.clock.time())
        if requested is not None:
            delay = min(requested, self.policy.max_server_delay)
        else:
            delay = self.policy.backoff(self.made)
        if self.clock.monotonic() - self._started + delay > self.policy.budget:
            self.over_budget = True
            return None
        logger.warning(
            "retrying the download of %s in %.2f s (retry %d of %d): %s",
            _display(self.url),
            delay,
            self.made,
            self.policy.max_retries,
            _reason(exc),
        )
        self.made += 1
        return delay

    def reason(self, exc: Exception) -> str:
        """Why the output was given up on, with how hard it was tried when that was retryable."""
        reason = _reason(exc)
        if not _is_transient(exc):
            return reason
        tries = f"{self.made} attempt{'s' if self.made > 1 else ''}"
        if self.over_budget:
            return f"{reason} (gave up after {tries}: the next would pass the retry budget)"
        return f"{reason} (gave up after {tries})"


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, _Transient):
        return True
    # No answer, a dropped connection, a timeout, a body that stopped (RemoteProtocolError).
    # Not LocalProtocolError or UnsupportedProtocol: the request itself is at fault.
    return isinstance(exc, httpx.TransportError) and not isinstance(
        exc, (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
    )


def _directory_path(directory: str | os.PathLike[str], field: str) -> Path:
    if isinstance(directory, str) and not directory.strip():
        raise InvalidRequestError(
            f"{field} is empty: pass the directory to save the outputs into", field=field
        )
    try:
        return Path(directory)
    except TypeError:
        raise InvalidRequestError(
            f"{field} must be a path (str or os.PathLike), not {type(directory).__name__}",
            field=field,
        ) from None


def _ensure_directory(path: Path, field: str, *, create: bool) -> None:
    """Refuse a path that is a file; create the directory when `create`. Every OSError is an
    `InvalidRequestError` on `field`: none of them is the download's fault."""
    try:
        if path.is_dir():
            return
        if path.exists():
            raise InvalidRequestError(
                f"{field} {str(path)!r} is a file, not a directory: pass {field} a directory "
                "to save the outputs into",
                field=field,
            )
        if create:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidRequestError(
            f"{field} {str(path)!r} cannot be created ({_strerror(exc)}): pass {field} a "
            "directory that exists or that you may create",
            field=field,
        ) from None


def _strerror(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _extension(head: bytes, content_type: str | None) -> str:
    sniffed = sniff_image_type(head)
    if sniffed is not None:
        return sniffed.extension
    declared = image_type_from_content_type(content_type)
    if declared is not None:
        return declared.extension
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if not media_type.startswith("image/"):
        # An HTML error page served with 200 is not an output.
        raise _Refused(f"the image host sent {media_type or 'an untyped body'}, not an image")
    guessed = mimetypes.guess_extension(media_type) or ".img"
    return guessed if _SAFE_EXTENSION.fullmatch(guessed) else ".img"


# -- requests to the image host ---------------------------------------------------------------


def _open(
    http: httpx.Client | httpx.AsyncClient, url: str, user_agent: str | None = None
) -> Plan[httpx.Response]:
    """A streaming response for `url`, following redirects one checked hop at a time."""
    for _ in range(MAX_REDIRECTS + 1):
        request = _plain_request(http, url, user_agent)
        response: httpx.Response = yield Transmit(request)
        try:
            location = _redirect_location(response)
        except _Refused:
            yield Close(response)
            raise
        if location is None:
            return response
        yield Close(response)
        url = location
    raise _Refused(f"more than {MAX_REDIRECTS} redirects")


def _plain_request(
    http: httpx.Client | httpx.AsyncClient, url: str, user_agent: str | None = None
) -> httpx.Request:
    """A GET for `url` that carries no credential, whatever the client's default headers (and
    `user_agent` as its User-Agent, when given: it names the SDK, no one's account)."""
    checked = _checked_url(url)
    request = http.build_request("GET", checked)
    if user_agent is not None:
        request.headers["User-Agent"] = user_agent
    for header in _CREDENTIAL_HEADERS:
        request.headers.pop(header, None)
    return request


def _redirect_location(response: httpx.Response) -> str | None:
    if not response.has_redirect_location:
        return None
    try:
        return str(response.url.join(response.headers["location"]))
    except httpx.InvalidURL:
        raise _Refused("the image host redirected to an invalid URL") from None


def _checked_url(url: str) -> httpx.URL:
    """`url`, if it is https (or http to a loopback host); `_Refused` otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise _Refused("not a valid URL") from None
    if parsed.userinfo:
        raise _Refused("the URL carries credentials; refused")
    if not parsed.host:
        raise _Refused("the URL has no host")
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http" and is_loopback_host(parsed.host):
        return parsed
    raise _Refused(
        f"refused a {parsed.scheme or 'scheme-less'} URL: outputs are fetched over https only "
        "(plain http only from loopback hosts)"
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, _Refused):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return "the image host did not answer in time"
    if isinstance(exc, httpx.HTTPError):
        return f"could not fetch it ({type(exc).__name__}: {exc})"
    if isinstance(exc, OSError):
        return f"could not write the file ({_strerror(exc)})"
    return str(exc)


def _display(url: str) -> str:
    """The URL for a message: no query string (pre-signed tokens), no user info."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return repr(url[:60])
    return str(parsed.copy_with(query=None, fragment=None, userinfo=b""))
