"""Several processes on one account, through the SQLite and the Redis limiter, against one
served sandbox that enforces the documented limits (10 creates per 60 s, one generation in
progress). The sandbox runs on a ScaledClock, 15 times real time, so its minute is 4 real
seconds and a generation of 3 sandbox seconds takes a fifth of a real one: real processes
must run, so these tests wait in real time, briefly, and every wait is bounded.
"""

from __future__ import annotations

import datetime
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imagegen.limiter import limiter_from_url
from imagegen.sandbox import DEFAULT_API_KEY, ScaledClock, create_app
from imagegen.sandbox._control import SandboxControl
from imagegen.sandbox._server import running_server

SPEED = 15.0
WINDOW = 60.0 / SPEED  # the sandbox's minute, in real seconds
WORKER = Path(__file__).with_name("_limiter_worker.py")
_TIMEOUT = 60.0


@pytest.fixture
def served() -> Iterator[tuple[str, SandboxControl]]:
    app = create_app(clock=ScaledClock(SPEED), real_time_clients=True)
    with running_server(app) as base_url:
        yield base_url, app.state.sandbox


@pytest.fixture(params=["sqlite", "redis"])
def limiter_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/limits.db"
    url: str = request.getfixturevalue("redis_url")
    return url


def _worker(
    base_url: str, limiter_url: str, mode: str, count: int, ttl: float
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    return subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            base_url,
            DEFAULT_API_KEY,
            limiter_url,
            mode,
            str(count),
            str(ttl),
            str(WINDOW),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _results(process: subprocess.Popen[str]) -> list[dict[str, str]]:
    out, err = process.communicate(timeout=_TIMEOUT)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def _created_moments(control: SandboxControl) -> list[float]:
    return sorted(
        datetime.datetime.fromisoformat(g["createdAt"]).timestamp() for g in control.generations()
    )


def test_four_processes_on_one_account_never_collide(
    served: tuple[str, SandboxControl], limiter_url: str
) -> None:
    base_url, control = served
    workers = [_worker(base_url, limiter_url, "batch", 3, ttl=2.0) for _ in range(4)]
    results = [r for worker in workers for r in _results(worker)]

    assert [r for r in results if "error" in r] == []  # no ConcurrentGenerationError, no 429
    assert len([r for r in results if "done" in r]) == 12
    counts = control.request_counts()
    assert counts["createImage"] == {"201": 12}
    assert all("429" not in by_status for by_status in counts.values())
    moments = _created_moments(control)  # on the sandbox's clock
    assert max(sum(1 for m in moments if s <= m < s + 60) for s in moments) <= 10


def test_a_killed_holder_delays_the_others_only_until_its_lease_ends(
    served: tuple[str, SandboxControl], limiter_url: str
) -> None:
    base_url, control = served
    ttl = 3.0
    holder = _worker(base_url, limiter_url, "hold", 1, ttl=ttl)
    try:
        assert holder.stdout is not None
        ready, _, _ = select.select([holder.stdout], [], [], _TIMEOUT)
        assert ready, "the holder did not create"
        held = json.loads(holder.stdout.readline())["held"]
        holder.send_signal(signal.SIGKILL)  # no finally, no release: only the TTL frees it
        holder.wait(_TIMEOUT)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # Its lease outlives it, under the account's id.
    limiter = limiter_from_url(limiter_url)
    account = control.default_account_id
    assert limiter.acquire(account, "probe", slots=1, ttl=0.01, now=time.time()) > 0
    limiter.close()

    others = [_worker(base_url, limiter_url, "batch", 3, ttl=ttl) for _ in range(3)]
    results = [r for worker in others for r in _results(worker)]

    assert [r for r in results if "error" in r] == []
    assert len([r for r in results if "done" in r]) == 9
    assert control.request_counts()["createImage"] == {"201": 10}
    generations = sorted(
        control.generations(), key=lambda g: datetime.datetime.fromisoformat(g["createdAt"])
    )
    assert generations[0]["generationId"] == held
    first, second = (datetime.datetime.fromisoformat(g["createdAt"]) for g in generations[:2])
    # Nobody created until the dead holder's lease ended by its TTL (taken just before its
    # create was sent: a few milliseconds of slack).
    assert (second - first).total_seconds() / SPEED >= ttl - 0.5
