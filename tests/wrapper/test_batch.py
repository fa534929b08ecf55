"""`client.batch`: one generation per item, charged once, however often the batch is stopped
and run again. In-process sandbox on a VirtualClock that starts far from 0 (the process tests,
with SIGKILL, are in test_batch_processes.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from imagegen import AsyncClient, BatchItem, Client, InvalidRequestError, VirtualClock
from imagegen._batch import interleave
from imagegen._io import Emit, Plan, Sleep, Stream, SyncIO, Transmit
from imagegen._journal import JOURNAL_NAME, Journal, decode_item, encode_item
from imagegen.testing import Sandbox

QUICK = "sandbox:duration=3"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    # Far from 0, and an epoch that is not the sandbox's default.
    with Sandbox(clock=VirtualClock(start=12_345.6, epoch=1_790_000_000.0)) as sandbox:
        yield sandbox


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    return sandbox.client()


def _creates(sandbox: Sandbox) -> int:
    return sum(
        count
        for status, count in sandbox.control.request_counts().get("createImage", {}).items()
        if status.startswith("2")
    )


def _rows(out: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(out / JOURNAL_NAME) as db:
        return db.execute(
            "SELECT position, state, generation_id, paths FROM items ORDER BY position"
        ).fetchall()


def _set(out: Path, position: int, **values: Any) -> None:
    """Put the journal in the state a process killed at some step would leave it in."""
    with sqlite3.connect(out / JOURNAL_NAME) as db:
        columns = ", ".join(f"{name} = ?" for name in values)
        db.execute(f"UPDATE items SET {columns} WHERE position = ?", (*values.values(), position))


def test_each_item_is_made_once_and_saved_and_results_come_as_they_end(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(4)]
    creates_when_handed_out = []
    results = []
    for result in client.batch(prompts, out=tmp_path):
        creates_when_handed_out.append(_creates(sandbox))
        results.append(result)
    # Streamed: the first result comes before the last item is created.
    assert creates_when_handed_out == [1, 2, 3, 4]
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert all(r.status == "done" and r.ok and r.credits == 1 for r in results)
    assert {r.prompt for r in results} == set(prompts)
    for result in results:
        (path,) = result.paths
        assert path.parent == tmp_path
        assert path.stat().st_size > 0
        assert path.name.startswith(str(result.generation_id))
    assert len(sandbox.control.generations()) == 4
    assert [row[1] for row in _rows(tmp_path)] == ["done"] * 4


def test_running_a_finished_batch_again_sends_no_create(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(3)]
    list(client.batch(prompts, out=tmp_path))
    assert list(client.batch(prompts, out=tmp_path)) == []
    assert _creates(sandbox) == 3


def test_a_create_whose_answer_was_never_recorded_is_found_not_sent_again(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(3)]
    first = list(client.batch(prompts, out=tmp_path))
    made = first[2].generation_id
    # As if killed after the create was sent and before its answer was recorded.
    _set(tmp_path, 2, state="sending", generation_id=None, credits=None, paths=None)
    (resumed,) = list(sandbox.client().batch(prompts, out=tmp_path))
    assert resumed.index == 2
    assert resumed.status == "done"
    assert resumed.generation_id == made
    assert _creates(sandbox) == 3


def test_a_create_recorded_as_sending_but_never_sent_is_sent_once(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    # Two items of one prompt: the first's generation is the journal's, so the second, killed
    # before its create left, must not take it.
    prompts = [f"the same lighthouse {QUICK}", f"the same lighthouse {QUICK}"]
    stream = client.batch(prompts, out=tmp_path)
    first = next(stream)
    stream.close()  # stopped before the second was sent
    assert _creates(sandbox) == 1
    _set(tmp_path, 1, state="sending", sent_at=sandbox.clock.time(), account=_account(sandbox))
    (second,) = list(sandbox.client().batch(prompts, out=tmp_path))
    assert second.generation_id != first.generation_id
    assert _creates(sandbox) == 2


def _account(sandbox: Sandbox) -> str:
    return str(sandbox.client().status().account_id)


def test_a_created_item_is_waited_for_by_id_and_saved_again(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(2)]
    done = list(client.batch(prompts, out=tmp_path))
    for path in done[1].paths:
        path.unlink()
    _set(tmp_path, 1, state="created", paths=None)
    (again,) = list(sandbox.client().batch(prompts, out=tmp_path))
    assert again.generation_id == done[1].generation_id
    assert all(path.is_file() for path in again.paths)
    assert _creates(sandbox) == 2


def test_what_a_killed_download_left_is_removed_and_nothing_else(
    client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {QUICK}"]
    (done,) = list(client.batch(prompts, out=tmp_path))
    left = tmp_path / f".{done.generation_id}-0-0123456789abcdef.part"
    left.write_bytes(b"\x89PNG half")
    other = tmp_path / ".00000000-0000-4000-8000-000000000000-0-0123456789abcdef.part"
    other.write_bytes(b"someone else's")
    list(client.batch(prompts, out=tmp_path))
    assert not left.exists()
    assert other.exists()


def test_stopped_mid_wait_then_run_again_makes_one_generation_per_item(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(3)]

    class StopsOnce(VirtualClock):
        """The shared clock, but the third sleep of this client is a Ctrl-C."""

        sleeps = 0

        def sleep(self, seconds: float) -> None:
            StopsOnce.sleeps += 1
            if StopsOnce.sleeps == 3:
                raise KeyboardInterrupt
            sandbox.clock.sleep(seconds)

        def monotonic(self) -> float:
            return sandbox.clock.monotonic()

        def time(self) -> float:
            return sandbox.clock.time()

    stopping = sandbox.client(clock=StopsOnce())
    with pytest.raises(KeyboardInterrupt):
        list(stopping.batch(prompts, out=tmp_path))
    states = [row[1] for row in _rows(tmp_path)]
    assert "done" not in states[1:]
    assert states != ["queued"] * 3
    # The journal is closed (its lock released) on the way out: the next run may open it.
    rest = list(sandbox.client().batch(prompts, out=tmp_path))
    assert {r.status for r in rest} == {"done"}
    assert len({row[2] for row in _rows(tmp_path)}) == 3
    assert _creates(sandbox) == 3


def test_a_failed_item_stays_failed_unless_retried(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"fine {QUICK}", "broken sandbox:fail=IMAGE_UPLOAD_FAILED", f"fine too {QUICK}"]
    results = {r.index: r for r in client.batch(prompts, out=tmp_path)}
    assert results[1].status == "failed"
    assert not results[1].ok
    assert results[1].generation_id is not None
    assert results[1].error is not None
    assert results[0].ok
    assert results[2].ok
    assert list(client.batch(prompts, out=tmp_path)) == []
    assert _creates(sandbox) == 3
    (retried,) = list(client.batch(prompts, out=tmp_path, retry_failed=True))
    # Its generation failed (refunded): retrying is a new create.
    assert retried.index == 1
    assert retried.generation_id != results[1].generation_id
    assert _creates(sandbox) == 4


def test_a_bad_item_stops_the_batch_before_anything_is_sent(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    items: list[Any] = ["fine", {"prompt": "x", "resolution": "8k"}]
    with pytest.raises(InvalidRequestError, match=r"batch item 2: .*nothing was sent"):
        list(client.batch(items, out=tmp_path))
    assert sandbox.control.request_counts() == {}


def test_a_journal_of_another_batch_is_refused_before_anything_is_sent(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    list(client.batch([f"a {QUICK}", f"b {QUICK}"], out=tmp_path))
    before = sandbox.control.request_counts()
    with pytest.raises(InvalidRequestError, match=r"another batch .*item 2 differs"):
        list(client.batch([f"a {QUICK}", f"c {QUICK}"], out=tmp_path))
    with pytest.raises(InvalidRequestError, match="holds 2 items and this batch has 1"):
        list(client.batch([f"a {QUICK}"], out=tmp_path))
    assert sandbox.control.request_counts() == before


def test_one_run_at_a_time_holds_a_journal(tmp_path: Path) -> None:
    first = Journal(tmp_path / "journal.sqlite3")
    try:
        with pytest.raises(InvalidRequestError, match="another run of this batch"):
            Journal(tmp_path / "journal.sqlite3")
    finally:
        first.close()
    Journal(tmp_path / "journal.sqlite3").close()  # free again


def test_the_journal_can_live_elsewhere(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "state" / "my-batch.db"
    list(client.batch([f"a {QUICK}"], out=tmp_path / "images", journal=journal))
    assert journal.is_file()
    assert not (tmp_path / "images" / JOURNAL_NAME).exists()


def test_items_with_local_images_and_bytes_keep_their_kind_in_the_journal(
    tmp_path: Path,
) -> None:
    item = {"prompt": "p", "images": [tmp_path / "a.png", b"\x89PNG", "https://x.test/b.png"]}
    decoded = decode_item(encode_item(item))
    assert decoded == {
        "prompt": "p",
        "images": [tmp_path / "a.png", b"\x89PNG", "https://x.test/b.png"],
    }
    assert encode_item(item) == encode_item(dict(reversed(list(item.items()))))


def test_a_pool_of_keys_runs_one_worker_per_account(sandbox: Sandbox, tmp_path: Path) -> None:
    other = sandbox.control.add_account(credits=100)
    client = sandbox.client()
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(6)]
    started = sandbox.clock.monotonic()
    results = list(client.batch(prompts, out=tmp_path, keys=[other.api_key]))
    took = sandbox.clock.monotonic() - started
    assert sorted(r.index for r in results) == list(range(6))
    charges = [
        sum(e["kind"] == "charge" for e in sandbox.control.ledger(account["id"])["entries"])
        for account in sandbox.control.accounts()
    ]
    assert sorted(charges) == [3, 3]
    assert _creates(sandbox) == 6
    # Side by side: about half the time one account takes (6 x 3 s, plus polling).
    alone = Sandbox(clock=VirtualClock(start=7.0))
    with alone:
        one = alone.client()
        t0 = alone.clock.monotonic()
        list(one.batch(prompts, out=tmp_path / "alone"))
        took_alone = alone.clock.monotonic() - t0
    assert took < 0.7 * took_alone
    assert other.api_key not in repr(client)


def test_a_pool_refuses_two_keys_of_one_account(sandbox: Sandbox, tmp_path: Path) -> None:
    second_key = sandbox.control.add_key(_account(sandbox)).api_key
    with pytest.raises(InvalidRequestError, match=r"keys 1 and 2 .* one account") as caught:
        list(sandbox.client().batch(["a"], out=tmp_path, keys=[second_key]))
    assert second_key not in str(caught.value)
    assert _creates(sandbox) == 0


def test_the_async_client_runs_the_same_batch(sandbox: Sandbox, tmp_path: Path) -> None:
    prompts = [f"a lighthouse {n} {QUICK}" for n in range(3)]

    async def main() -> list[BatchItem]:
        async with sandbox.async_client() as client:
            return [result async for result in client.batch(prompts, out=tmp_path)]

    results = asyncio.run(main())
    assert [r.status for r in results] == ["done"] * 3
    assert _creates(sandbox) == 3
    assert isinstance(sandbox.async_client(), AsyncClient)


# -- interleave: several plans as one ------------------------------------------------------


def _sleeper(name: str, naps: list[float], log: list[str]) -> Stream[str]:
    for nap in naps:
        yield Sleep(nap)
        log.append(name)
    yield Emit(name)


def test_interleave_runs_the_plan_whose_sleep_ends_first() -> None:
    clock = VirtualClock(start=500.0)
    log: list[str] = []
    plans = [_sleeper("a", [3.0, 3.0], log), _sleeper("b", [1.0, 1.0, 1.0, 4.0], log)]
    runner = SyncIO(httpx.Client(), clock)
    emitted = list(runner.stream(interleave(plans, clock)))
    assert log == ["b", "b", "a", "b", "a", "b"]
    assert emitted == ["a", "b"]
    assert clock.monotonic() == 507.0  # b's 1 + 1 + 1 + 4: the naps overlap, never add up


def _requester(log: list[str]) -> Plan[None]:
    try:
        yield Transmit(httpx.Request("GET", "http://127.0.0.1:9/nothing-listens"))
    except httpx.ConnectError:
        log.append("the failure came back to its plan")


def test_interleave_gives_a_failure_back_to_the_plan_whose_action_failed() -> None:
    clock = VirtualClock()
    log: list[str] = []
    plans: list[Stream[Any]] = [_sleeper("a", [1.0], log), _requester(log)]
    list(SyncIO(httpx.Client(), clock).stream(interleave(plans, clock)))
    assert log == ["the failure came back to its plan", "a"]


def test_interleave_closes_every_plan_when_one_fails() -> None:
    clock = VirtualClock()
    closed: list[str] = []

    def waits() -> Stream[None]:
        try:
            yield Sleep(10.0)
        finally:
            closed.append("waits")

    def breaks() -> Stream[None]:
        yield Sleep(1.0)
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        list(SyncIO(httpx.Client(), clock).stream(interleave([waits(), breaks()], clock)))
    assert closed == ["waits"]


def test_a_run_after_a_crash_paces_to_the_creates_the_last_run_sent(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # Ten creates in the last run (the window is full), then the process died: its in-process
    # limiter died with it. The next run's first create must wait for room, not be a 429.
    prompts = [f"a lighthouse {n} sandbox:duration=1" for n in range(12)]
    stream = sandbox.client().batch(prompts, out=tmp_path)
    for _ in range(10):
        next(stream)
    stream.close()
    list(sandbox.client().batch(prompts, out=tmp_path))
    assert "429" not in sandbox.control.request_counts()["createImage"]
    assert _creates(sandbox) == 12


def test_a_resumed_generation_holds_the_shared_lease_while_in_progress(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    from imagegen.limiter import SQLiteLimiter

    limiter = SQLiteLimiter(tmp_path / "limits.db")
    account = sandbox.control.default_account_id
    prompts = ["a long one sandbox:duration=100"]
    list(sandbox.client().batch(prompts, out=tmp_path / "a"))
    # As if the run that created it died at once: made, recorded, its lease long gone.
    made = sandbox.client(pacing=None).images.create("a long one sandbox:duration=100")
    _set(tmp_path / "a", 0, state="created", generation_id=made.id)
    seen_held = []

    def look(_generation: Any) -> None:
        probe = limiter.acquire(account, "probe", slots=1, ttl=1.0, now=sandbox.clock.time())
        seen_held.append(probe > 0)

    resumed = sandbox.client(limiter=limiter)
    original = resumed._core.observed

    def observed(generation: Any) -> Any:
        result = original(generation)
        if not generation.is_terminal:
            look(generation)
        return result

    resumed._core.observed = observed  # type: ignore[method-assign]
    (done,) = list(resumed.batch(prompts, out=tmp_path / "a"))
    assert done.generation_id == made.id
    assert seen_held
    assert all(seen_held)
    # Released once seen finished.
    assert limiter.acquire(account, "probe", slots=1, ttl=1.0, now=sandbox.clock.time()) == 0.0


def test_a_generation_its_account_no_longer_has_is_created_again_on_retry(
    sandbox: Sandbox, client: Client, tmp_path: Path
) -> None:
    prompts = [f"a lighthouse {QUICK}"]
    (done,) = list(client.batch(prompts, out=tmp_path))
    _set(tmp_path, 0, state="created", paths=None)
    sandbox.control.add_fault("getImage", "status", code="GENERATION_NOT_FOUND", times=None)
    (lost,) = list(client.batch(prompts, out=tmp_path))
    assert lost.status == "failed"
    sandbox.control.clear_faults()
    (again,) = list(client.batch(prompts, out=tmp_path, retry_failed=True))
    assert again.ok
    assert again.generation_id != done.generation_id
    assert _creates(sandbox) == 2


def test_a_journal_is_of_one_output_directory(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite3"
    list(client.batch([f"a {QUICK}"], out=tmp_path / "first", journal=journal))
    with pytest.raises(InvalidRequestError, match=r"saving into .*first.*not .*second"):
        list(client.batch([f"a {QUICK}"], out=tmp_path / "second", journal=journal))


def test_a_refused_key_of_the_pool_is_named(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match=r"keys\[0\] \(key 2 of the batch") as caught:
        list(sandbox.client().batch(["a"], out=tmp_path, keys=["ig_not-a-real-key"]))
    assert "ig_not-a-real-key" not in str(caught.value)
    assert _creates(sandbox) == 0


def test_a_write_check_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    """Before anything is sent, the batch proves its directory writable with a probe file
    made and removed at once (`check_target`): a process killed between the two left it, a
    hidden `.part` file no run removed. The next run removes it."""
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".imagegen-write-check-0123456789abcdef.part"
    stale.touch()
    # Not of the batch's making: left alone.
    other = out / ".imagegen-write-check-notours.part"
    other.touch()
    with Sandbox() as sandbox:
        client = sandbox.client()
        (item,) = client.batch(["a lighthouse"], out=out)
    assert item.ok
    assert not stale.exists()
    left = {p.name for p in out.iterdir() if not p.name.startswith(JOURNAL_NAME)}
    assert left == {path.name for path in item.paths} | {other.name}
