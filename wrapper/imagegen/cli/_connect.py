"""Making the client a command runs against: the real API, or the sandbox in this process.

With `--sandbox`, the sandbox app runs in this process on a `ScaledClock` shared with the
client: the sandbox sees minutes pass while the client's polls sleep a sixtieth of that (by
default), so a generation the docs time at one to two minutes finishes in a second or two, and
the live display still has something to show.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._clock import Clock, SystemClock
from ._create_watch import CreateWatch, WatchedClock
from ._errors import CommandError
from ._exit_codes import ExitCode
from ._parser import DEFAULT_SANDBOX_SPEED

if TYPE_CHECKING:
    from .._client import Client
    from .._observe import OnEvent
    from .._retry import RetryPolicy
    from ..limiter import RedisLimiter
    from ..sandbox import SandboxControl

__all__ = ["Connection", "connect", "sandbox_extra_missing"]

API_KEY_ENV: Final = "IMAGEGEN_API_KEY"
BASE_URL_ENV: Final = "IMAGEGEN_BASE_URL"
SANDBOX_SPEED_ENV: Final = "IMAGEGEN_SANDBOX_SPEED"
LIMITER_URL_ENV: Final = "IMAGEGEN_LIMITER_URL"  # the library's name (limiter.py), read there

# Loopback, so the client sends the key over plain http; nothing listens there, the transport
# hands every request to the app in this process.
_IN_PROCESS_BASE_URL: Final = "http://127.0.0.1/v1"


@attrs.frozen
class Connection:
    """The client, the clock its waits run on, and what a resume command must repeat."""

    client: Client
    clock: Clock
    in_process_sandbox: bool
    # What is known of the create while it runs (for a Ctrl-C before it returns).
    create_watch: CreateWatch
    # Options to repeat in a printed resume command (never the key).
    resume_options: tuple[str, ...] = ()
    # Whether the key came from --api-key (a resume command must then be told to pass it too).
    key_from_flag: bool = False
    # The in-process sandbox's control object (`--sandbox`), else None.
    sandbox: SandboxControl | None = None


@contextlib.contextmanager
def connect(args: argparse.Namespace, on_event: OnEvent | None = None) -> Iterator[Connection]:
    """The command's client; `on_event` is its hook (`-v`'s printer), if any."""
    _check_limiter_env()  # the client reads it; a mistake there is the user's setting to fix
    if args.sandbox:
        with _sandbox_connection(args, on_event) as connection:
            yield connection
        return
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    if api_key is None:
        raise CommandError(
            "no API key",
            exit_code=ExitCode.AUTH,
            code="MISSING_API_TOKEN",
            hint=f"pass --api-key or set {API_KEY_ENV}, or try --sandbox",
        )
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or None
    if base_url is None:
        raise CommandError(
            "no base URL",
            exit_code=ExitCode.USAGE,
            hint=f"pass --base-url or set {BASE_URL_ENV} (the API's address, with any version "
            "prefix), or try --sandbox",
        )
    import httpx

    from .._client import Client
    from .._core import DEFAULT_TIMEOUT

    watch = CreateWatch()
    clock = _api_clock()
    # The client's own HTTP client would do, but the watch needs its event hooks; the
    # per-request timeout stays the library's default.
    with (
        httpx.Client(timeout=DEFAULT_TIMEOUT, event_hooks=watch.event_hooks) as http,
        Client(
            api_key=api_key,
            base_url=base_url,
            http_client=http,
            clock=WatchedClock(clock, watch),
            retry=_retry_policy(args),
            on_event=on_event,
        ) as client,
    ):
        yield Connection(
            client=client,
            clock=clock,
            in_process_sandbox=False,
            create_watch=watch,
            resume_options=("--base-url", base_url) if args.base_url else (),
            key_from_flag=bool(args.api_key),
        )


def _check_limiter_env() -> None:
    """`IMAGEGEN_LIMITER_URL`, which every client of the command paces by (`limiter.py`), is
    one the client can use: a usage error naming it, before any request, if not. A sqlite file
    is opened here (it is made if missing, as the limiter would), since the limiter opens it
    only at the first create; a Redis server is reached here too (a PING), for the same
    reason."""
    url = os.environ.get(LIMITER_URL_ENV)
    if not url:
        return
    from .._errors import InvalidRequestError
    from ..limiter import RedisLimiter, SQLiteLimiter, limiter_from_url

    hint = f"correct {LIMITER_URL_ENV}, or unset it to pace this command's creates on its own"
    try:
        limiter = limiter_from_url(url)
    except InvalidRequestError as error:
        # The library's message quotes only the scheme (a redis URL may hold a password).
        raise CommandError(
            f"{LIMITER_URL_ENV}: {error.message}", exit_code=ExitCode.USAGE, hint=hint
        ) from None
    if isinstance(limiter, SQLiteLimiter):
        import sqlite3

        try:
            with contextlib.closing(sqlite3.connect(limiter.path, timeout=10.0)) as db:
                db.execute("PRAGMA schema_version")  # reads the header: is it SQLite at all
        except sqlite3.Error as error:
            raise CommandError(
                f"{LIMITER_URL_ENV}: the limiter's SQLite file {str(limiter.path)!r} cannot "
                f"be opened ({error})",
                exit_code=ExitCode.USAGE,
                hint=hint,
            ) from None
    if isinstance(limiter, RedisLimiter):
        _check_redis(limiter, url, hint)


def _check_redis(limiter: RedisLimiter, url: str, hint: str) -> None:
    """The Redis server is reached now, not at the first create, where its error would be a
    traceback. The message shows the server as the limiter's repr does (a URL may hold a
    password), and redis-py's words with any password of the URL taken out."""
    from .._errors import InvalidRequestError, LimiterError

    try:
        limiter.ping()
    except (InvalidRequestError, LimiterError) as error:  # no redis-py; no server
        raise CommandError(
            f"{LIMITER_URL_ENV}: {error.message}", exit_code=ExitCode.USAGE, hint=hint
        ) from None
    finally:
        limiter.close()


def _retry_policy(args: argparse.Namespace) -> RetryPolicy:
    """The default policy, its budget cut to the command's --timeout: a create's back-offs
    (a 429 may ask for a minute) count against the time the user gave the whole command."""
    from .._retry import RetryPolicy

    policy = RetryPolicy()
    timeout = getattr(args, "timeout", None)
    if timeout is None:
        return policy
    return attrs.evolve(policy, budget=min(policy.budget, float(timeout)))


def sandbox_extra_missing() -> CommandError:
    """The error for a sandbox asked for without the `sandbox` extra installed."""
    return CommandError(
        "the sandbox needs the 'sandbox' extra (starlette, uvicorn, pillow), which is not "
        "installed",
        exit_code=ExitCode.USAGE,
        hint="pip install 'imagegen-sdk[sandbox]'",
    )


def _sandbox_speed(args: argparse.Namespace) -> float:
    if args.sandbox_speed is not None:
        return float(args.sandbox_speed)
    from_env = os.environ.get(SANDBOX_SPEED_ENV)
    if not from_env:
        return DEFAULT_SANDBOX_SPEED
    try:
        speed = float(from_env)
    except ValueError:
        speed = 0.0
    if not speed > 0:
        raise CommandError(
            f"{SANDBOX_SPEED_ENV}={from_env!r} is not a positive number",
            exit_code=ExitCode.USAGE,
        )
    return speed


# Seams for tests, which swap in a VirtualClock (no real waiting) or a sandbox app they hold
# (to add faults before a command and inspect its state after).


def _api_clock() -> Clock:
    return SystemClock()


def _sandbox_clock(speed: float) -> Clock:
    from ..sandbox import ScaledClock

    return ScaledClock(speed)


def _sandbox_app(clock: Clock) -> Any:
    from ..sandbox import create_app

    return create_app(clock=clock)


@contextlib.contextmanager
def _sandbox_connection(args: argparse.Namespace, on_event: OnEvent | None) -> Iterator[Connection]:
    speed = _sandbox_speed(args)
    import httpx

    try:
        from ..sandbox import DEFAULT_API_KEY, SandboxTransport
    except ImportError:  # the sandbox extra (starlette, uvicorn, pillow) is missing
        raise sandbox_extra_missing() from None
    from .._client import Client

    watch = CreateWatch()
    clock = _sandbox_clock(speed)
    app = _sandbox_app(clock)
    with (
        httpx.Client(transport=SandboxTransport(app), event_hooks=watch.event_hooks) as http,
        Client(
            api_key=DEFAULT_API_KEY,
            base_url=_IN_PROCESS_BASE_URL,
            http_client=http,
            clock=WatchedClock(clock, watch),
            retry=_retry_policy(args),
            on_event=on_event,
        ) as client,
    ):
        yield Connection(
            client=client,
            clock=clock,
            in_process_sandbox=True,
            create_watch=watch,
            sandbox=app.state.sandbox,
        )
