"""`on_event`: one typed event per request, retry, pacing wait, reconciliation, status change
and download, the same from Client and AsyncClient; a hook that raises never breaks a call."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from imagegen import InvalidRequestError, VirtualClock
from imagegen.events import (
    DownloadEvent,
    Event,
    PacingEvent,
    ReconcileEvent,
    RequestEvent,
    RetryEvent,
    StatusEvent,
)
from imagegen.testing import Sandbox

QUICK = "sandbox:duration=5"


def _shape(event: Event) -> tuple[Any, ...]:
    """What must be equal between the two clients' events (ids and timings differ by run)."""
    match event:
        case RequestEvent():
            return ("request", event.operation, event.method, event.status, event.error)
        case StatusEvent():
            return ("status", event.status, event.previous)
        case DownloadEvent():
            return ("download", event.index, event.bytes > 0, event.error)
        case _:
            return (event.kind,)


def test_generate_tells_each_step_and_both_clients_tell_the_same(tmp_path: Path) -> None:
    seen: list[Event] = []
    with Sandbox(clock=VirtualClock(start=777.0)) as sandbox:
        client = sandbox.client(on_event=seen.append)
        result = client.generate(f"a fox {QUICK}", download_to=tmp_path / "sync")
    sync = list(seen)
    seen.clear()

    async def main() -> None:
        with Sandbox(clock=VirtualClock(start=777.0)) as sandbox:
            async with sandbox.async_client(on_event=seen.append) as client:
                await client.generate(f"a fox {QUICK}", download_to=tmp_path / "async")

    asyncio.run(main())
    assert [_shape(e) for e in sync] == [_shape(e) for e in seen]

    kinds = [e.kind for e in sync]
    assert kinds[0] == "request"
    requests = [e for e in sync if isinstance(e, RequestEvent)]
    assert requests[0].operation == "createImage"
    assert requests[0].status == 201
    assert requests[0].request_id
    assert {r.operation for r in requests[1:]} == {"getImage"}
    statuses = [(e.previous, e.status) for e in sync if isinstance(e, StatusEvent)]
    assert statuses[0][0] is None
    assert statuses[-1][1] == "succeeded"
    (download,) = [e for e in sync if isinstance(e, DownloadEvent)]
    assert download.generation_id == result.generation.id
    assert download.path == str(result.paths[0])
    assert download.bytes == result.paths[0].stat().st_size
    assert kinds[-1] == "download"


def test_retries_pacing_and_reconciliation_are_told() -> None:
    seen: list[Event] = []
    with Sandbox(clock=VirtualClock(start=5_000.0)) as sandbox:
        client = sandbox.client(on_event=seen.append)
        sandbox.control.add_fault("getStatus", "status", status=503)
        client.status()
        sandbox.control.add_fault("createImage", "drop_after")
        client.images.create(f"lost answer {QUICK}")  # made; its answer lost; found in the list
        client.images.create(f"second {QUICK}")  # waits for the first: one at a time
    (retry,) = [e for e in seen if isinstance(e, RetryEvent) and e.operation == "getStatus"]
    assert retry.attempt == 1
    assert retry.delay > 0
    assert "503" in retry.cause
    (reconciled,) = [e for e in seen if isinstance(e, ReconcileEvent)]
    assert reconciled.found
    assert reconciled.generation_id
    waits = [e for e in seen if isinstance(e, PacingEvent)]
    assert waits[0].limit == "in_progress"
    assert waits[0].generation_id == reconciled.generation_id
    dropped = [e for e in seen if isinstance(e, RequestEvent) and e.error is not None]
    assert dropped[0].operation == "createImage"
    assert dropped[0].error


def test_a_window_wait_is_told_with_its_seconds() -> None:
    seen: list[Event] = []
    with Sandbox(clock=VirtualClock(start=90.0)) as sandbox:
        client = sandbox.client(on_event=seen.append)
        for n in range(11):
            client.generate(f"one of eleven {n} sandbox:duration=1")
    (window,) = [e for e in seen if isinstance(e, PacingEvent) and e.limit == "window"]
    assert window.seconds is not None
    assert 0 < window.seconds <= 61


def test_a_hook_that_raises_breaks_nothing_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = []

    def broken(event: Event) -> None:
        calls.append(event)
        raise RuntimeError("a bug in the hook")

    with Sandbox() as sandbox, caplog.at_level(logging.WARNING, logger="imagegen"):
        client = sandbox.client(on_event=broken)
        result = client.generate(f"a fox {QUICK}")
    assert result.generation.succeeded
    assert len(calls) > 3
    logged = [r for r in caplog.records if "on_event hook raised" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None


def test_an_event_is_frozen_and_gives_flat_attributes() -> None:
    event = RequestEvent(operation="getImage", method="GET", status=200, request_id="req_1")
    assert event.attributes() == {
        "operation": "getImage",
        "method": "GET",
        "status": 200,
        "request_id": "req_1",
        "elapsed": 0.0,
    }
    with pytest.raises(AttributeError):
        event.status = 500  # type: ignore[misc]


def test_on_event_must_be_callable() -> None:
    with pytest.raises(InvalidRequestError, match="on_event must be a callable"):
        Sandbox().client(on_event="print")  # type: ignore[arg-type]


def test_no_hook_imports_no_events_module() -> None:
    code = (
        "import sys, imagegen\n"
        "from imagegen.testing import Sandbox\n"
        "with Sandbox() as s:\n"
        "    s.client().images.create('x')\n"
        "print('imagegen.events' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_a_download_retry_is_numbered_from_one_with_its_reason(tmp_path: Path) -> None:
    seen: list[Event] = []
    with Sandbox() as sandbox:
        sandbox.control.add_fault("getFile", "drop_during", times=1)
        client = sandbox.client(on_event=seen.append)
        client.generate(f"a fox {QUICK}", download_to=tmp_path)
    (retry,) = [e for e in seen if isinstance(e, RetryEvent)]
    assert retry.operation == "download"
    assert retry.attempt == 1
    assert retry.cause.startswith("could not fetch it (RemoteProtocolError")


def test_a_hook_raising_on_a_dropped_create_logs_its_own_traceback_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("a bug in the hook")

    with Sandbox() as sandbox, caplog.at_level(logging.WARNING, logger="imagegen"):
        sandbox.control.add_fault("createImage", "drop_after", times=1)
        created = sandbox.client(on_event=broken).images.create("a fox")
    assert created.id
    (logged,) = [r for r in caplog.records if "on_event hook raised" in r.getMessage()]
    assert logged.exc_info is not None
    text = caplog.text
    assert "a bug in the hook" in text
    assert "RemoteProtocolError" not in text


def test_an_async_def_hook_is_not_left_unawaited_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[Event] = []

    async def hook(event: Event) -> None:
        calls.append(event)  # never runs: the hook is called, not awaited

    async def main() -> None:
        with Sandbox() as sandbox:
            async with sandbox.async_client(on_event=hook) as client:
                await client.images.create("a fox")
                await client.images.create("a fox")

    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="imagegen"):
        warnings.simplefilter("error", RuntimeWarning)
        asyncio.run(main())
    assert calls == []
    logged = [r for r in caplog.records if "returned an awaitable" in r.getMessage()]
    assert len(logged) == 1
