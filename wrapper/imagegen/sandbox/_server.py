"""Serving the sandbox over HTTP with uvicorn: in the foreground (`imagegen sandbox`), or in a
background thread for tests, cassette recording and benchmarks.

uvicorn is imported only here, and only when a server starts.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, TextIO

from .._clock import Clock, SystemClock
from .._net import is_loopback_host

if TYPE_CHECKING:
    from ._transport import ASGIApp

__all__ = ["ScaledClock", "is_loopback_host", "running_server", "serve"]

_STARTUP_TIMEOUT: Final = 10.0
_SHUTDOWN_TIMEOUT: Final = 10.0
# How long an idle keep-alive connection stays open. uvicorn's default, 5 s, is the client's
# poll interval: polls kept meeting a pooled connection the server had just closed. 75 s, as
# common proxies do, outlasts any poll interval.
_KEEP_ALIVE: Final = 75


class ScaledClock:
    """Real time run `speed` times faster, from the moment it is made.

    With `speed=60` a generation the docs time at one minute is done in a second of real time.
    `advance` jumps it forward as well (the control surface's clock advance), so a test against
    a served sandbox can end a long generation at once instead of waiting for it.
    """

    def __init__(self, speed: float, base: Clock | None = None) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        self.speed = speed
        self._base = base if base is not None else SystemClock()
        self._start_monotonic = self._base.monotonic()
        self._start_time = self._base.time()
        self._jumped = 0.0

    @classmethod
    def reading(cls, speed: float, *, sandbox_time: float, real_time: float) -> ScaledClock:
        """The clock of a sandbox served by another process, read from this one: it read
        `sandbox_time` (its `time()`) at the epoch moment `real_time` (`time.time()`). Every
        process made alike reads the time the sandbox writes in `createdAt` and `Date`, so a
        client on it paces, polls and leases in sandbox seconds."""
        clock = cls(speed)
        clock._start_time = sandbox_time + (clock._base.time() - real_time) * speed
        return clock

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back (advance by {seconds})")
        self._jumped += seconds

    def monotonic(self) -> float:
        return self._start_monotonic + self._elapsed()

    def time(self) -> float:
        return self._start_time + self._elapsed()

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds / self.speed)

    async def asleep(self, seconds: float) -> None:
        await self._base.asleep(seconds / self.speed)

    def _elapsed(self) -> float:
        return (self._base.monotonic() - self._start_monotonic) * self.speed + self._jumped

    def __repr__(self) -> str:
        return f"ScaledClock(speed={self.speed})"


def _check_host(host: str, allow_remote: bool) -> None:
    if not allow_remote and not is_loopback_host(host):
        raise ValueError(
            f"the sandbox serves loopback only (127.0.0.1, ::1, localhost), not {host!r}: its "
            "keys are public and it has no authentication worth the name. Pass "
            "allow_remote=True (--allow-remote) if you really mean to expose it."
        )


def _base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v1"


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts, so its port is known (0 = any free one)
    and clients can connect at once: the kernel queues them until uvicorn accepts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by accepted connections. Without it, uvicorn's separate writes of headers
        # and body meet the client's delayed ACK: 40 ms per keep-alive request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _uvicorn_server(
    app: ASGIApp, *, log_level: str, access_log: bool, configure_logging: bool
) -> Any:
    import uvicorn

    extra: dict[str, Any] = {} if configure_logging else {"log_config": None}
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        http="h11",
        ws="none",
        lifespan="auto",
        timeout_graceful_shutdown=5,
        timeout_keep_alive=_KEEP_ALIVE,
        # The app sends its own Date, on the sandbox's clock (see _middleware): not two.
        date_header=False,
        **extra,
    )
    return uvicorn.Server(config)


def _default_app(clock: Clock, seed: int, *, real_time_clients: bool = False) -> ASGIApp:
    from . import create_app

    app: ASGIApp = create_app(clock=clock, seed=seed, real_time_clients=real_time_clients)
    return app


def _close_app(app: ASGIApp) -> None:
    """Close a sandbox app made here: its output files' temporary folder goes with it."""
    control = getattr(getattr(app, "state", None), "sandbox", None)
    close = getattr(control, "close", None)
    if callable(close):
        close()


@contextlib.contextmanager
def _sigterm_stops_like_ctrl_c() -> Iterator[None]:
    """SIGTERM (how systemd, Docker and CI runners stop a service) stops the server as Ctrl-C
    does: gracefully, cleaning up, exit status 0.

    uvicorn catches SIGTERM while it runs, shuts down, then raises it again once its own
    handlers are gone: with Python's default handler that killed the process (status -15),
    before anything was cleaned up. This handler turns it into the KeyboardInterrupt that
    Ctrl-C gives. Signal handlers belong to the main thread; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    speed: float = 1.0,
    seed: int = 0,
    app: ASGIApp | None = None,
    allow_remote: bool = False,
    access_log: bool = True,
    out: TextIO | None = None,
) -> None:
    """Serve the sandbox on `host:port` until interrupted (Ctrl-C or SIGTERM), then shut down
    gracefully.

    The sandbox's clock runs `speed` times faster than real time; its clients are taken to
    wait in real time, so the waits it asks for are real seconds (`create_app`'s
    `real_time_clients`). It prints the base URL and the API key of the default account to
    `out` (stdout). An app made here is closed on the way out (its temporary folder removed).
    """
    _check_host(host, allow_remote)
    out = out if out is not None else sys.stdout
    with _sigterm_stops_like_ctrl_c():
        served = (
            app
            if app is not None
            else _default_app(ScaledClock(speed), seed, real_time_clients=True)
        )
        try:
            _serve_until_stopped(served, host, port, speed=speed, access_log=access_log, out=out)
        finally:
            if app is None:
                _close_app(served)
    print("imagegen sandbox stopped", file=out, flush=True)


def _serve_until_stopped(
    app: ASGIApp, host: str, port: int, *, speed: float, access_log: bool, out: TextIO
) -> None:
    from . import DEFAULT_API_KEY

    sock = _bind(host, port)
    try:
        bound_port = sock.getsockname()[1]
        print(f"imagegen sandbox on {_base_url(host, bound_port)}", file=out)
        print(f"  IMAGEGEN_BASE_URL={_base_url(host, bound_port)}", file=out)
        print(f"  IMAGEGEN_API_KEY={DEFAULT_API_KEY}", file=out)
        print(f"  clock speed x{speed:g}; Ctrl-C to stop", file=out, flush=True)
        server = _uvicorn_server(
            app, log_level="info", access_log=access_log, configure_logging=True
        )
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has shut down gracefully, then re-raised the Ctrl-C (or SIGTERM, see
        # `_sigterm_stops_like_ctrl_c`) it caught: the way out the user asked for, not an error.
        pass
    finally:
        sock.close()


@contextlib.contextmanager
def running_server(
    app: ASGIApp | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock | None = None,
    seed: int = 0,
) -> Iterator[str]:
    """Run the sandbox with uvicorn in a background thread; yield its base URL.

    ```python
    with running_server() as base_url:   # "http://127.0.0.1:54321/v1"
        ...
    ```

    `app` defaults to a new sandbox on `clock` (real time if None), closed when the block
    ends. Port 0 picks a free port. The server stops gracefully when the block ends, even on
    an exception.
    """
    _check_host(host, allow_remote=False)
    made = app is None
    app = app if app is not None else _default_app(clock or SystemClock(), seed)
    sock = _bind(host, port)
    server = _uvicorn_server(app, log_level="warning", access_log=False, configure_logging=False)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller's thread below
            errors.append(exc)

    thread = threading.Thread(target=run, name="imagegen-sandbox-server", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread, errors)
        yield _base_url(host, sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(_SHUTDOWN_TIMEOUT)
        sock.close()
        if made:
            _close_app(app)


def _wait_started(server: Any, thread: threading.Thread, errors: list[BaseException]) -> None:
    # Waiting on a real server is a real wait; it is short and bounded.
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped while starting") from (
                errors[0] if errors else None
            )
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the sandbox server did not start in {_STARTUP_TIMEOUT:g} s")
        thread.join(0.005)
