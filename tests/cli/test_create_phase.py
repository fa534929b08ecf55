"""The create, as the CLI runs it: `--timeout` bounds its retries as well as the wait, Ctrl-C
during it says what is known of its outcome, and the elapsed time is the CLI's own."""

from __future__ import annotations

import re

import pytest
from imagegen.cli import _connect
from imagegen.cli._exit_codes import ExitCode


def _rate_limited(control, *, seconds: float, times: int | None) -> None:
    control.add_fault(
        "createImage",
        "status",
        status=429,
        code="RATE_LIMIT_ERROR",
        headers={"X-RateLimit-Reset": f"{seconds:g}"},
        times=times,
    )


def test_timeout_bounds_the_create_retries(cli, sandbox):
    """A 429 asking for 60 s cannot be waited out within --timeout 30: the command fails
    at once, rather than after the retries' own budget of minutes."""
    _rate_limited(sandbox.control, seconds=60, times=None)
    started = sandbox.clock.monotonic()
    run = cli("generate", "--sandbox", "A fox", "--timeout", "30", "--no-wait", "--json")
    assert run.code == ExitCode.RATE_LIMITED, run.err
    assert sandbox.clock.monotonic() - started <= 30
    assert "retrying createImage" not in run.err


def test_timeout_covers_the_create_and_the_wait_together(cli, sandbox, tmp_path):
    """20 s of back-off leave 40 s of a --timeout of 60 for the wait: a generation of 50 s
    is not waited for to the end."""
    _rate_limited(sandbox.control, seconds=20, times=1)
    started = sandbox.clock.monotonic()
    run = cli(
        "generate",
        "--sandbox",
        "A fox sandbox:duration=50",
        "--timeout",
        "60",
        "--out",
        str(tmp_path),
    )
    assert run.code == ExitCode.WAIT_TIMEOUT, run.out + run.err
    assert "retrying createImage in 20" in run.err
    assert sandbox.clock.monotonic() - started <= 60 + 1


class _ClockInterruptedOnSleep:
    """The client's clock, but its first sleep is a Ctrl-C."""

    def __init__(self, clock):
        self._clock = clock

    def monotonic(self):
        return self._clock.monotonic()

    def time(self):
        return self._clock.time()

    def sleep(self, seconds):
        raise KeyboardInterrupt

    async def asleep(self, seconds):
        raise KeyboardInterrupt


def test_ctrl_c_during_a_429_back_off_says_nothing_was_created(cli, sandbox, monkeypatch):
    _rate_limited(sandbox.control, seconds=20, times=1)
    monkeypatch.setattr(
        _connect, "_sandbox_clock", lambda speed: _ClockInterruptedOnSleep(sandbox.clock)
    )
    run = cli("generate", "--sandbox", "A fox", "--json")
    assert run.code == ExitCode.INTERRUPTED
    note = run.document["error"]["note"]
    assert "had not answered" not in note
    assert note.startswith("nothing was created: the API answered HTTP 429")
    assert sandbox.control.generations() == []


@pytest.mark.parametrize("fault", ["drop_before"])
def test_ctrl_c_before_a_lost_create_is_looked_for(cli, sandbox, monkeypatch, fault):
    """The connection broke before any answer (the client cannot tell whether the create took
    effect), and the client waits before it looks for the generation in the list. (After
    `drop_after` the sandbox's 201 status line came: the client looks at once, no wait.)"""
    sandbox.control.add_fault("createImage", fault, times=1)
    monkeypatch.setattr(
        _connect, "_sandbox_clock", lambda speed: _ClockInterruptedOnSleep(sandbox.clock)
    )
    run = cli("generate", "--sandbox", "A fox", "--json")
    assert run.code == ExitCode.INTERRUPTED
    note = run.document["error"]["note"]
    assert note.startswith("the create's outcome is unknown"), note
    assert note.endswith("check with `imagegen list`")


def test_ctrl_c_before_the_api_answered_says_so(cli, sandbox, monkeypatch):

    import httpx

    class _InterruptedTransport(httpx.BaseTransport):
        """Ctrl-C while the create is on its way: no answer yet."""

        def __init__(self, app):
            pass

        def handle_request(self, request):
            raise KeyboardInterrupt

    from imagegen import sandbox as sandbox_module

    monkeypatch.setattr(sandbox_module, "SandboxTransport", _InterruptedTransport)
    run = cli("generate", "--sandbox", "A fox", "--json")
    assert run.code == ExitCode.INTERRUPTED
    note = run.document["error"]["note"]
    assert note.startswith("the API had not answered yet")


class _ClockAhead:
    """The CLI's clock, its wall time far from the server's (its monotonic time is shared, so
    the sandbox still sees time pass)."""

    def __init__(self, clock, ahead: float):
        self._clock = clock
        self._ahead = ahead

    def monotonic(self):
        return self._clock.monotonic()

    def time(self):
        return self._clock.time() + self._ahead

    def sleep(self, seconds):
        self._clock.sleep(seconds)

    async def asleep(self, seconds):
        await self._clock.asleep(seconds)


def test_a_resumed_wait_counts_elapsed_time_on_the_cli_clock(cli, served, monkeypatch):
    """Half an hour between the two clocks is not half an hour of waiting."""
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    monkeypatch.setattr(_connect, "_api_clock", lambda: served.clock)
    created = cli("generate", "A fox", "--no-wait", "--json", "--base-url", served.base_url)
    generation_id = created.document["id"]
    monkeypatch.setattr(_connect, "_api_clock", lambda: _ClockAhead(served.clock, 1800))
    run = cli("wait", generation_id, "--base-url", served.base_url)
    assert run.code == 0, run.err
    first = next(line for line in run.out.splitlines() if line.startswith("status:"))
    assert re.fullmatch(r"status: starting \(elapsed 0s, expected about 1m00s\)", first), first
