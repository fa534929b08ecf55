"""`client.batch` in this process, on the sandbox's virtual clock: what a run leaves behind."""

from __future__ import annotations

from pathlib import Path

from imagegen.testing import Sandbox

JOURNAL = "imagegen-batch.sqlite3"


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
    left = {p.name for p in out.iterdir() if not p.name.startswith(JOURNAL)}
    assert left == {path.name for path in item.paths} | {other.name}
