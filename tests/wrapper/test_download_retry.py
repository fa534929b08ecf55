"""Downloads retry transient failures of the image host (a dropped connection, a body cut
short, 408/429/5xx) within the client's RetryPolicy, sleeping on its Clock, and never leave a
partial file behind, whether they give up, are refused, or are interrupted.

The image host here is a scripted stub server on 127.0.0.1 (real sockets, so a dropped
connection and a body shorter than its Content-Length are what httpx really sees); the
waits between attempts run on a VirtualClock, so nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from imagegen import RetryPolicy, VirtualClock
from imagegen._download import DownloadError, adownload_outputs, download_outputs
from imagegen._types import Generation, GenerationStatus
from imagegen.testing import Sandbox

from tests.factories import make_generation

GEN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
# No jitter: the waits are exactly 1 s, 2 s, 4 s, ... so the time slept can be asserted.
POLICY = RetryPolicy(max_retries=2, initial_delay=1.0, multiplier=2.0, jitter=0.0)


@dataclass
class Step:
    """One answer of the stub host: `kind` is ok, drop, truncate or status; the last step of a
    script repeats for every later request."""

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = PNG


OK = Step("ok")
DROP = Step("drop")  # the connection closes before any answer
TRUNCATE = Step("truncate")  # 200, the full Content-Length, half the body, then closed


def status(code: int, **headers: str) -> Step:
    return Step("status", status=code, headers=headers, body=b"<html>error</html>")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on a refused body is expected here, not news


class StubHost:
    """A loopback image host answering each GET with the next step of its script."""

    def __init__(self) -> None:
        self.script: list[Step] = [OK]
        self.attempts = 0
        self._lock = threading.Lock()
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with host._lock:
                    step = host.script[min(host.attempts, len(host.script) - 1)]
                    host.attempts += 1
                self.close_connection = True
                if step.kind == "drop":
                    return
                self.send_response(step.status)
                content_type = "image/png" if step.kind != "status" else "text/html"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(step.body)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                body = step.body[: len(step.body) // 2] if step.kind == "truncate" else step.body
                self.wfile.write(body)
                self.wfile.flush()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/files/{GEN_ID}/0.png"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


@pytest.fixture(scope="module")
def shared_host() -> Iterator[StubHost]:
    stub = StubHost()  # one server for the module: shutting one down waits out its poll
    try:
        yield stub
    finally:
        stub.close()


@pytest.fixture
def host(shared_host: StubHost) -> StubHost:
    shared_host.script = [OK]
    shared_host.attempts = 0
    return shared_host


def generation(*urls: str) -> Generation:
    return make_generation(
        id=GEN_ID,
        status=GenerationStatus.SUCCEEDED,
        output_images=urls,
        output_number=len(urls),
        output_success=len(urls),
    )


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def sync_download(
    host: StubHost, directory: Path, clock: VirtualClock, policy: RetryPolicy = POLICY
) -> list[Path]:
    with httpx.Client(trust_env=False) as http:
        return download_outputs(
            http, generation(host.url), directory, retry=policy, clock=clock, max_bytes=10**6,
            strict=True,
        )  # fmt: skip


async def async_download(
    host: StubHost, directory: Path, clock: VirtualClock, policy: RetryPolicy = POLICY
) -> list[Path]:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await adownload_outputs(
            http, generation(host.url), directory, retry=policy, clock=clock, max_bytes=10**6,
            strict=True,
        )  # fmt: skip


# -- one transient failure, then the image ---------------------------------------------------


TRANSIENT_ONCE = {
    "dropped connection": [DROP, OK],
    "502": [status(502), OK],
    "body cut short": [TRUNCATE, OK],
    "408": [status(408), OK],
    "500 then 504": [status(500), status(504), OK],
}


@pytest.mark.parametrize("script", TRANSIENT_ONCE.values(), ids=TRANSIENT_ONCE.keys())
def test_a_transient_failure_is_retried_and_the_image_saved(
    host: StubHost, tmp_path: Path, script: list[Step]
) -> None:
    host.script = script
    clock = VirtualClock()
    files = sync_download(host, tmp_path, clock)
    assert files == [tmp_path / f"{GEN_ID}-0.png"]
    assert files[0].read_bytes() == PNG
    assert host.attempts == len(script)
    assert clock.monotonic() == [0.0, 1.0, 3.0][len(script) - 1]  # 1 s, then 2 s more
    assert listing(tmp_path) == [f"{GEN_ID}-0.png"]  # no temporary file left


@pytest.mark.parametrize("script", TRANSIENT_ONCE.values(), ids=TRANSIENT_ONCE.keys())
async def test_async_a_transient_failure_is_retried_and_the_image_saved(
    host: StubHost, tmp_path: Path, script: list[Step]
) -> None:
    host.script = script
    clock = VirtualClock()
    files = await async_download(host, tmp_path, clock)
    assert [p.read_bytes() for p in files] == [PNG]
    assert host.attempts == len(script)
    assert clock.monotonic() == [0.0, 1.0, 3.0][len(script) - 1]
    assert listing(tmp_path) == [f"{GEN_ID}-0.png"]


def test_retry_after_is_honoured_and_capped(host: StubHost, tmp_path: Path) -> None:
    host.script = [status(503, **{"Retry-After": "7"}), status(429, **{"Retry-After": "9999"}), OK]
    clock = VirtualClock()
    policy = RetryPolicy(max_retries=2, jitter=0.0, max_server_delay=20.0, budget=100.0)
    assert [p.read_bytes() for p in sync_download(host, tmp_path, clock, policy)] == [PNG]
    assert clock.monotonic() == 7.0 + 20.0  # as asked, then the cap


# -- persistent failures ---------------------------------------------------------------------


PERSISTENT = {"502": [status(502)], "dropped": [DROP], "cut short": [TRUNCATE]}


@pytest.mark.parametrize("script", PERSISTENT.values(), ids=PERSISTENT.keys())
def test_a_persistent_failure_stops_at_max_retries_and_leaves_nothing(
    host: StubHost, tmp_path: Path, script: list[Step]
) -> None:
    host.script = script
    clock = VirtualClock()
    with pytest.raises(DownloadError) as caught:
        sync_download(host, tmp_path, clock)
    assert host.attempts == POLICY.max_retries + 1
    assert clock.monotonic() == 1.0 + 2.0
    assert "3 attempts" in caught.value.errors[host.url]
    assert caught.value.files == []
    assert listing(tmp_path) == []  # no file, no temporary file


@pytest.mark.parametrize("script", PERSISTENT.values(), ids=PERSISTENT.keys())
async def test_async_a_persistent_failure_stops_at_max_retries_and_leaves_nothing(
    host: StubHost, tmp_path: Path, script: list[Step]
) -> None:
    host.script = script
    clock = VirtualClock()
    with pytest.raises(DownloadError) as caught:
        await async_download(host, tmp_path, clock)
    assert host.attempts == POLICY.max_retries + 1
    assert clock.monotonic() == 1.0 + 2.0
    assert "3 attempts" in caught.value.errors[host.url]
    assert listing(tmp_path) == []


def test_retries_stop_within_the_budget(host: StubHost, tmp_path: Path) -> None:
    host.script = [status(503)]
    clock = VirtualClock()
    # Waits of 1, 2, 4 s fit in 10 s; the next (8 s, ending at 15 s) would not.
    policy = RetryPolicy(max_retries=10, initial_delay=1.0, multiplier=2.0, jitter=0.0, budget=10)
    with pytest.raises(DownloadError):
        sync_download(host, tmp_path, clock, policy)
    assert host.attempts == 4
    assert clock.monotonic() == 7.0
    assert listing(tmp_path) == []


async def test_async_retries_stop_within_the_budget(host: StubHost, tmp_path: Path) -> None:
    host.script = [status(503)]
    clock = VirtualClock()
    policy = RetryPolicy(max_retries=10, initial_delay=1.0, multiplier=2.0, jitter=0.0, budget=10)
    with pytest.raises(DownloadError):
        await async_download(host, tmp_path, clock, policy)
    assert host.attempts == 4
    assert clock.monotonic() == 7.0


def test_a_retry_after_past_the_budget_is_not_waited_for(host: StubHost, tmp_path: Path) -> None:
    host.script = [status(503, **{"Retry-After": "60"}), OK]
    clock = VirtualClock()
    policy = RetryPolicy(max_retries=3, jitter=0.0, budget=30.0)
    with pytest.raises(DownloadError):
        sync_download(host, tmp_path, clock, policy)
    assert host.attempts == 1
    assert clock.monotonic() == 0.0


def test_max_retries_zero_tries_once(host: StubHost, tmp_path: Path) -> None:
    host.script = [DROP, OK]
    clock = VirtualClock()
    with pytest.raises(DownloadError):
        sync_download(host, tmp_path, clock, RetryPolicy(max_retries=0))
    assert host.attempts == 1


# -- failures that are not retried -----------------------------------------------------------


NOT_TRANSIENT = {
    "403": status(403),
    "404": status(404),
    "410": status(410),
    "not an image": Step("status", status=200, body=b"<html>login</html>"),
    "over max_bytes": Step("ok", body=PNG * 80),
}


@pytest.mark.parametrize("step", NOT_TRANSIENT.values(), ids=NOT_TRANSIENT.keys())
def test_failures_that_would_fail_again_are_not_retried(
    host: StubHost, tmp_path: Path, step: Step
) -> None:
    host.script = [step, OK]
    clock = VirtualClock()
    with pytest.raises(DownloadError) as caught:
        sync_download(host, tmp_path, clock)
    assert host.attempts == 1
    assert clock.monotonic() == 0.0
    assert "attempts" not in caught.value.errors[host.url]
    assert listing(tmp_path) == []


async def test_async_a_404_is_not_retried(host: StubHost, tmp_path: Path) -> None:
    host.script = [status(404), OK]
    with pytest.raises(DownloadError):
        await async_download(host, tmp_path, VirtualClock())
    assert host.attempts == 1


# -- defaults --------------------------------------------------------------------------------


def test_by_default_a_download_retries_with_the_default_policy(
    host: StubHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagegen import _clock

    slept: list[float] = []
    monkeypatch.setattr(_clock.SystemClock, "sleep", lambda self, seconds: slept.append(seconds))
    host.script = [status(502)]
    with httpx.Client(trust_env=False) as http, pytest.raises(DownloadError):
        download_outputs(http, generation(host.url), tmp_path)
    assert host.attempts == RetryPolicy().max_retries + 1
    assert len(slept) == RetryPolicy().max_retries


# -- through the client: its policy and clock ------------------------------------------------


@pytest.mark.parametrize("fault", ["drop_during", "drop_before", "html"])
def test_client_download_retries_on_the_clients_policy_and_clock(
    tmp_path: Path, fault: str
) -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(retry=POLICY)
        done = client.generate("A lighthouse sandbox:duration=5").generation
        sandbox.control.add_fault("getFile", fault)
        before = sandbox.clock.monotonic()
        files = client.images.download(done, tmp_path)
        assert sandbox.clock.monotonic() - before == 1.0  # one retry, on the sandbox's clock
        assert sandbox.control.request_counts()["getFile"]["200"] == 1
    assert listing(tmp_path) == [f"{done.id}-0.png"]
    assert len(files) == 1


async def test_async_client_download_retries_on_the_clients_policy_and_clock(
    tmp_path: Path,
) -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client(retry=POLICY)
        done = (await client.generate("A lighthouse sandbox:duration=5")).generation
        sandbox.control.add_fault("getFile", "drop_during", times=2)
        before = sandbox.clock.monotonic()
        files = await client.images.download(done, tmp_path)
        assert sandbox.clock.monotonic() - before == 3.0  # two retries: 1 s, then 2 s
        await client.aclose()
    assert listing(tmp_path) == [f"{done.id}-0.png"]
    assert len(files) == 1


# -- interrupted mid-download ----------------------------------------------------------------


class Interrupting(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Half of the image, then `error` raised while the body is being read."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield PNG[:100]
        raise self.error

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield PNG[:100]
        raise self.error


def test_keyboard_interrupt_mid_download_leaves_no_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/0.png"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Interrupting(KeyboardInterrupt()))

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        pytest.raises(KeyboardInterrupt),
    ):
        download_outputs(http, generation(url), tmp_path, clock=VirtualClock())
    assert listing(tmp_path) == []


def test_keyboard_interrupt_while_waiting_to_retry_leaves_no_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/0.png"

    class InterruptedClock(VirtualClock):
        def sleep(self, seconds: float) -> None:
            assert list(tmp_path.iterdir()) == []  # the failed attempt is already cleaned up
            raise KeyboardInterrupt

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Interrupting(httpx.ReadError("reset")))

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        pytest.raises(KeyboardInterrupt),
    ):
        download_outputs(http, generation(url), tmp_path, clock=InterruptedClock())
    assert listing(tmp_path) == []


async def test_cancelling_an_async_download_leaves_no_file(tmp_path: Path) -> None:
    url = "https://cdn.example.com/0.png"
    reading = asyncio.Event()

    class Stalling(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            yield PNG[:100]
            reading.set()
            await asyncio.Event().wait()  # the rest never comes
            yield b""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Stalling())

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        task = asyncio.create_task(
            adownload_outputs(http, generation(url), tmp_path, clock=VirtualClock())
        )
        await reading.wait()
        (partial,) = listing(tmp_path)  # mid-download: only the temporary file
        assert partial.endswith(".part")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert listing(tmp_path) == []


def test_a_killed_download_leaves_only_a_hidden_part_file(tmp_path: Path) -> None:
    """A process killed mid-download runs no cleanup: what it leaves is a hidden `.part` file,
    never a file under an output's name, and a later download is not confused by it."""
    import subprocess
    import sys

    program = f"""
import os, signal, sys, httpx
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from imagegen._download import download_outputs
from imagegen._types import GenerationStatus
from tests.factories import make_generation

class Dying(httpx.SyncByteStream):
    def __iter__(self):
        yield {PNG[:100]!r}
        os.kill(os.getpid(), signal.SIGKILL)

http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=Dying())))
gen = make_generation(id={GEN_ID!r}, status=GenerationStatus.SUCCEEDED,
                 output_images=("https://cdn.example.com/0.png",))
download_outputs(http, gen, {str(tmp_path)!r})
"""
    completed = subprocess.run([sys.executable, "-c", program], check=False)
    assert completed.returncode < 0  # killed by the signal, not finished
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(f".{GEN_ID}-0-")
    assert left.name.endswith(".part")
    assert list(tmp_path.glob(f"{GEN_ID}*")) == []  # not mistaken for an output

    url = "https://cdn.example.com/0.png"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=PNG)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        files = download_outputs(http, generation(url), tmp_path, clock=VirtualClock())
    assert files == [tmp_path / f"{GEN_ID}-0.png"]
    assert list(tmp_path.glob(f"{GEN_ID}*")) == files


# -- a transport that does not check Content-Length ------------------------------------------


class Short(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield PNG[:100]


def test_a_body_shorter_than_its_content_length_is_retried_without_credentials(
    tmp_path: Path,
) -> None:
    url = "https://cdn.example.com/0.png"
    answers = [
        lambda: httpx.Response(200, headers={"content-length": str(len(PNG))}, stream=Short()),
        lambda: httpx.Response(200, content=PNG),
    ]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[len(seen) - 1]()

    clock = VirtualClock()
    headers = {"Authorization": "Bearer ig_live_SECRET", "X-API-Key": "ig_live_SECRET"}
    transport = httpx.MockTransport(handler)
    with httpx.Client(transport=transport, headers=headers) as http:
        files = download_outputs(http, generation(url), tmp_path, retry=POLICY, clock=clock)
    assert [p.read_bytes() for p in files] == [PNG]
    assert len(seen) == 2
    assert clock.monotonic() == 1.0
    assert all("authorization" not in r.headers and "x-api-key" not in r.headers for r in seen)
    assert listing(tmp_path) == [f"{GEN_ID}-0.png"]
