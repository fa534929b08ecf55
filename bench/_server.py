"""The sandbox served by uvicorn in a second process, on 127.0.0.1, for the figures that go
over a real socket.

A separate process keeps the server's work off the measuring process: on two cores each gets
its own, and the measuring process's timings and memory figures hold only the client's work.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_STARTUP_TIMEOUT = 30.0

# Run in the child: `serve` prints "  IMAGEGEN_BASE_URL=http://127.0.0.1:PORT/v1" once bound.
_CHILD = """
import sys
from imagegen.sandbox import serve
serve("127.0.0.1", 0, speed=float(sys.argv[1]), access_log=False)
"""


@dataclass(frozen=True)
class SandboxProcess:
    base_url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # After the command name: state is field 3, utime and stime are fields 14 and 15.
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def sandbox_process(*, speed: float = 1.0) -> Iterator[SandboxProcess]:
    """Serve a fresh sandbox (its clock `speed` times real time) in a second process."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(speed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield SandboxProcess(base_url=_read_base_url(child), pid=child.pid)
    finally:
        # Only the process started here, by its id; SIGINT is uvicorn's graceful shutdown.
        if child.poll() is None:
            os.kill(child.pid, signal.SIGINT)
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _read_base_url(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    for line in child.stdout:
        if "IMAGEGEN_BASE_URL=" in line:
            base_url = line.split("=", 1)[1].strip()
            _wait_listening(base_url, deadline)
            return base_url
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"the sandbox process did not start (exit code {child.poll()})")


def _wait_listening(base_url: str, deadline: float) -> None:
    import httpx

    # The socket is bound before the URL is printed; the app may still be starting.
    while True:
        try:
            httpx.get(f"{base_url}/status", timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        else:
            return
