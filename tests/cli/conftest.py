"""Run the CLI in this process (`main(argv)`, output captured) against a sandbox on a
VirtualClock shared with the CLI's client, so no test waits for real."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from imagegen.cli import _connect, main


@attrs.frozen
class Run:
    code: int
    out: str
    err: str

    @property
    def document(self) -> Any:
        """stdout as one JSON document (fails if anything else is there)."""
        return json.loads(self.out)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("imagegen: error:")]


@pytest.fixture
def cli(capsys, monkeypatch) -> Iterator[Any]:
    """`cli(*argv)` runs `imagegen argv` and returns a `Run`. No key or URL leaks in from the
    environment the tests run in."""
    for name in ("IMAGEGEN_API_KEY", "IMAGEGEN_BASE_URL", "IMAGEGEN_SANDBOX_SPEED"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def sandbox(monkeypatch) -> Iterator[Any]:
    """The sandbox every `--sandbox` command of the test runs against (one app, so a later
    command sees what an earlier one created), on a VirtualClock the CLI's client shares."""
    from imagegen.testing import Sandbox

    with Sandbox(seed=3) as shared:
        monkeypatch.setattr(_connect, "_sandbox_clock", lambda speed: shared.clock)
        monkeypatch.setattr(_connect, "_sandbox_app", lambda clock: shared.app)
        yield shared


@pytest.fixture
def served(imagegen_sandbox_server, monkeypatch) -> Any:
    """A sandbox on 127.0.0.1, reached with --base-url/--api-key like the real API; the CLI's
    client sleeps on the sandbox's VirtualClock."""
    monkeypatch.setattr(_connect, "_api_clock", lambda: imagegen_sandbox_server.clock)
    return imagegen_sandbox_server
