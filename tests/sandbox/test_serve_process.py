"""`imagegen sandbox` as a real process, stopped the ways services are stopped: Ctrl-C (SIGINT)
at a terminal, SIGTERM from systemd, Docker or a CI runner. Both shut down gracefully, exit 0
and leave no temporary folder behind. Over its socket, the waits it asks for are real seconds.

Every wait here is bounded (a timeout on a queue or on the process), none is a fixed sleep.
"""

from __future__ import annotations

import math
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO

import httpx
import pytest
from imagegen.sandbox import DEFAULT_API_KEY

_STARTUP_TIMEOUT = 30.0
_EXIT_TIMEOUT = 20.0
_SPEED = 60


class Lines:
    """The lines a pipe yields, read in a thread, so reading one can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)

    def next(self) -> str:
        try:
            return self._lines.get(timeout=_STARTUP_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no output in {_STARTUP_TIMEOUT:g} s") from None

    def rest(self) -> str:
        """Everything after the process has ended (the thread then reaches the end)."""
        self._thread.join(_EXIT_TIMEOUT)
        lines = []
        while not self._lines.empty():
            lines.append(self._lines.get_nowait())
        return "".join(lines)


class Served:
    """The process, its output as it comes (each pipe read by a thread, so neither fills up),
    and the base URL it printed."""

    def __init__(self, process: subprocess.Popen[str], out: Lines, err: Lines) -> None:
        self.process, self.out, self.err = process, out, err
        self.base_url = ""

    def stop(self, how: signal.Signals) -> tuple[int, str, str]:
        """Send `how`; the exit status and the rest of stdout and stderr once it has ended."""
        self.process.send_signal(how)
        status = self.process.wait(_EXIT_TIMEOUT)
        return status, self.out.rest(), self.err.rest()


@contextmanager
def sandbox_process(tmp_path: Path) -> Iterator[Served]:
    """`python -m imagegen.cli sandbox --port 0`, its temporary folders under `tmp_path`,
    once it has printed its base URL."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "imagegen.cli", "sandbox", "--port", "0", "--speed", str(_SPEED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        served = Served(process, Lines(process.stdout), Lines(process.stderr))
        banner = served.out.next()
        assert banner.startswith("imagegen sandbox on http://127.0.0.1:"), banner
        served.base_url = banner.split()[-1]
        assert f"IMAGEGEN_BASE_URL={served.base_url}" in served.out.next()
        assert f"IMAGEGEN_API_KEY={DEFAULT_API_KEY}" in served.out.next()
        assert "Ctrl-C to stop" in served.out.next()
        yield served
    finally:
        # Only the process started here, by its handle.
        if process.poll() is None:
            process.kill()
            process.wait(_EXIT_TIMEOUT)


def sandbox_folders(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("imagegen-sandbox-*"))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stops_gracefully_and_cleans_up(tmp_path: Path, stop: signal.Signals) -> None:
    with sandbox_process(tmp_path) as served:
        assert len(sandbox_folders(tmp_path)) == 1  # its output files live there
        headers = {"X-API-Key": DEFAULT_API_KEY}
        with httpx.Client(base_url=served.base_url, trust_env=False, timeout=10) as http:
            created = http.post("/images", json={"prompt": "a fox"}, headers=headers)
            assert created.status_code == 201
            generation_id = created.json()["data"]["generationId"]
            assert http.get(f"/images/{generation_id}", headers=headers).status_code == 200
        status, out, err = served.stop(stop)
        assert status == 0, err
        assert "Finished server process" in err  # uvicorn's graceful shutdown ran
        assert out.strip().endswith("imagegen sandbox stopped")
        assert sandbox_folders(tmp_path) == []


def test_waits_it_asks_for_are_real_seconds_and_dates_its_own(tmp_path: Path) -> None:
    with sandbox_process(tmp_path) as served:
        headers = {"X-API-Key": DEFAULT_API_KEY}
        with httpx.Client(base_url=served.base_url, trust_env=False, timeout=10) as http:
            first = http.post("/images", json={"prompt": "a fox"}, headers=headers)
            assert first.status_code == 201
            busy = http.post("/images", json={"prompt": "another"}, headers=headers)
            control = served.base_url.removesuffix("/v1") + "/_sandbox"
            (generation,) = http.get(f"{control}/generations").json()
            clock = http.get(f"{control}/clock").json()
        assert busy.status_code == 429
        assert busy.json()["error"] == "CONCURRENT_GENERATION_ERROR"
        # 60 to 120 s of the sandbox's clock at x60: one or two real seconds, rounded up.
        ends_in = generation["sandbox"]["endsIn"]
        assert 1 <= int(busy.headers["retry-after"]) <= math.ceil(120 / _SPEED)
        assert int(busy.headers["retry-after"]) >= ends_in / _SPEED
        assert busy.headers["x-ratelimit-reset"] == busy.headers["retry-after"]
        assert clock["realTimeClients"] is True
        assert clock["clientSpeed"] == _SPEED
        # One Date, on the sandbox's clock (x60 since the server started, far ahead of real
        # time): the moment the create was answered, at or just after its createdAt.
        (date,) = first.headers.get_list("date")
        answered = parsedate_to_datetime(date)
        created_at = datetime.fromisoformat(generation["createdAt"].replace("Z", "+00:00"))
        assert 0 <= (answered - created_at).total_seconds() <= 1
        status, _out, err = served.stop(signal.SIGTERM)
        assert status == 0, err
