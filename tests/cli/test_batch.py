"""`imagegen batch PROMPTS --out DIR`, in this process against a sandbox on a VirtualClock (no
real waiting): both formats, stdin, refusals before any request, reruns, failures and
--retry-failed, --json lines, Ctrl-C and its resume, a pool of keys, and the limiter."""

from __future__ import annotations

import io
import json
import re
import shlex
import sqlite3
import sys
from pathlib import Path

import pytest
from imagegen.cli import _connect
from imagegen.cli._exit_codes import ExitCode
from imagegen.sandbox import DEFAULT_API_KEY
from PIL import Image

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _prompts(tmp_path, text, name="prompts.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _creates(sandbox):
    """Generations made (a create refused with a 429 makes none)."""
    return len(sandbox.control.generations())


def _png(path, size=(64, 64)):
    Image.new("RGB", size, (200, 40, 40)).save(path, format="PNG")
    return path


# -- the two formats, and stdin ----------------------------------------------------------------


def test_a_text_file_is_one_prompt_a_line(cli, sandbox, tmp_path):
    prompts = _prompts(tmp_path, "A red fox\n\n   A heron at dawn  \r\n\n")
    out = tmp_path / "out"
    run = cli("batch", "--sandbox", prompts, "--out", str(out))
    assert run.code == ExitCode.OK, run.err
    made = sandbox.control.generations()
    assert sorted(g["prompt"] for g in made) == ["A heron at dawn", "A red fox"]
    lines = run.out.splitlines()
    assert re.fullmatch(
        rf"item 1 of 2 done: 'A red fox' \(1 credit\) -> \S+/{UUID}-0\.png", lines[0]
    )
    assert lines[1].startswith("item 2 of 2 done: 'A heron at dawn'")
    assert "all 2 items done (this run: 2 done, 0 failed)" in lines
    assert "credits: 2" in lines
    assert f"images in {out}, journal {out / 'imagegen-batch.sqlite3'}" in lines
    assert len(list(out.glob("*.png"))) == 2
    assert run.err == ""


def test_jsonl_items_take_generate_arguments_and_images_from_the_files_directory(
    cli, sandbox, tmp_path, monkeypatch
):
    folder = tmp_path / "job"
    (folder / "refs").mkdir(parents=True)
    _png(folder / "refs" / "a.png")
    items = [
        {"prompt": "A lighthouse", "aspect_ratio": "16:9", "resolution": "2k"},
        {"prompt": "The same at night", "images": ["refs/a.png"]},
    ]
    prompts = _prompts(folder, "\n".join(json.dumps(item) for item in items) + "\n", "items.jsonl")
    monkeypatch.chdir(tmp_path)  # not the file's directory: refs/a.png is the file's
    run = cli("batch", "--sandbox", prompts, "--out", "out")
    assert run.code == ExitCode.OK, run.err
    by_prompt = {g["prompt"]: g for g in sandbox.control.generations()}
    assert by_prompt["A lighthouse"]["aspectRatio"] == "16:9"
    assert by_prompt["A lighthouse"]["creditCost"] == 2
    assert len(by_prompt["The same at night"]["imageInput"]) == 1
    assert "credits: 3" in run.out.splitlines()
    saved = sorted(Image.open(p).size for p in Path(tmp_path, "out").glob("*.png"))
    assert (2048, 1152) in saved


def test_stdin_is_read_with_a_dash(cli, sandbox, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"A fox\nA cat\n")))
    run = cli("batch", "--sandbox", "-", "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.OK, run.err
    assert sorted(g["prompt"] for g in sandbox.control.generations()) == ["A cat", "A fox"]


def test_stdin_jsonl_takes_image_paths_from_the_current_directory(
    cli, sandbox, tmp_path, monkeypatch
):
    _png(tmp_path / "ref.png")
    monkeypatch.chdir(tmp_path)
    line = json.dumps({"prompt": "A fox", "images": ["ref.png"]}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line + b"\n")))
    run = cli("batch", "--sandbox", "-", "--out", "out")
    assert run.code == ExitCode.OK, run.err
    [made] = sandbox.control.generations()
    assert len(made["imageInput"]) == 1


# -- refused before any request ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("third_line", "problem"),
    [
        ('{"prompt": "A cat", }', r"line 3 is not valid JSON \(.+ at column \d+\)"),
        ('["A cat"]', "line 3 is a JSON array, not an object"),
    ],
)
def test_a_bad_jsonl_line_stops_everything_before_any_request(
    cli, sandbox, tmp_path, third_line, problem
):
    prompts = _prompts(tmp_path, f'{{"prompt": "A fox"}}\n\n{third_line}\n{{"prompt": "A dog"}}\n')
    out = tmp_path / "out"
    run = cli("batch", "--sandbox", prompts, "--out", str(out))
    assert run.code == ExitCode.USAGE
    [line] = run.error_lines
    assert re.search(problem, line), line
    assert prompts in line
    assert "nothing was sent" in line
    assert sandbox.control.request_counts() == {}
    # The journal this run made holds nothing sent: it is gone, so a corrected file is no
    # "other batch".
    assert list(out.glob("imagegen-batch*")) == []
    Path(prompts).write_text('{"prompt": "A fox"}\n{"prompt": "A cat"}\n')
    assert cli("batch", "--sandbox", prompts, "--out", str(out)).code == ExitCode.OK


def test_bad_generate_arguments_are_named_by_their_line(cli, sandbox, tmp_path):
    prompts = _prompts(tmp_path, '{"prompt": "A fox"}\n\n{"prompt": "A cat", "num_outputs": 9}\n')
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.USAGE
    [line] = run.error_lines
    assert f"PROMPTS {prompts}, line 3 (item 2): " in line
    assert "num_outputs" in line
    assert sandbox.control.request_counts() == {}

    unknown = _prompts(tmp_path, '{"prompt": "A fox", "aspectRatio": "16:9"}\n', "u.jsonl")
    run = cli("batch", "--sandbox", unknown, "--out", str(tmp_path / "out2"))
    assert run.code == ExitCode.USAGE
    assert "line 1 (item 1)" in run.err
    assert "an item must be a prompt or a dict of generate() arguments" in run.err
    assert "unknown keys ['aspectRatio']" in run.err
    assert "aspect_ratio" in run.err  # the hint lists the keys a line takes


def test_missing_or_empty_prompts_are_usage_errors(cli, sandbox, tmp_path):
    run = cli("batch", "--sandbox", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"))
    assert run.code == ExitCode.USAGE
    assert "no such file" in run.err
    empty = _prompts(tmp_path, "\n  \n")
    run = cli("batch", "--sandbox", empty, "--out", str(tmp_path / "o"))
    assert run.code == ExitCode.USAGE
    assert "has no items" in run.err
    assert sandbox.control.request_counts() == {}


# -- reruns, failures, --retry-failed ----------------------------------------------------------


@pytest.mark.parametrize("own_journal", [False, True])
def test_a_rerun_creates_nothing_and_says_all_done(cli, sandbox, tmp_path, own_journal):
    prompts = _prompts(tmp_path, "A fox\nA cat\n")
    out = str(tmp_path / "out")
    journal = tmp_path / "state" / "j.sqlite3"
    extra = ["--journal", str(journal)] if own_journal else []
    assert cli("batch", "--sandbox", prompts, "--out", out, *extra).code == ExitCode.OK
    creates = _creates(sandbox)
    again = cli("batch", "--sandbox", prompts, "--out", out, *extra)
    assert again.code == ExitCode.OK
    assert _creates(sandbox) == creates == 2
    assert again.out.splitlines()[0] == "all 2 items done (this run: 0 done, 0 failed)"
    assert "item " not in again.out
    assert journal.is_file() is own_journal
    assert Path(out, "imagegen-batch.sqlite3").is_file() is not own_journal


def test_items_added_for_a_rerun_never_save_over_an_earlier_runs_images(cli, tmp_path, monkeypatch):
    # As for real: each --sandbox command has a sandbox of its own, of the same seed, so the
    # rerun's sandbox would hand out the first run's ids again.
    from imagegen import VirtualClock
    from imagegen.sandbox import create_app

    apps = []

    def fresh_app(clock):
        apps.append(create_app(clock=clock))
        return apps[-1]

    monkeypatch.setattr(_connect, "_sandbox_clock", lambda speed: VirtualClock())
    monkeypatch.setattr(_connect, "_sandbox_app", fresh_app)
    out = tmp_path / "out"
    first = cli("batch", "--sandbox", _prompts(tmp_path, "A fox\n"), "--out", str(out))
    assert first.code == ExitCode.OK, first.out
    [saved] = out.glob("*.png")
    before = saved.read_bytes()
    again = cli("batch", "--sandbox", _prompts(tmp_path, "A fox\nA cat\n"), "--out", str(out))
    assert again.code == ExitCode.OK, again.out
    assert len(apps) == 2
    [made] = apps[1].state.sandbox.generations()
    assert made["generationId"] not in saved.name
    assert saved.read_bytes() == before  # the fox's image, not the cat's
    assert len(list(out.glob("*.png"))) == 2
    with sqlite3.connect(out / "imagegen-batch.sqlite3") as db:
        ids = [row[0] for row in db.execute("SELECT generation_id FROM items")]
    assert len(set(ids)) == 2


def test_a_failed_item_stays_failed_until_retry_failed(cli, sandbox, tmp_path):
    prompts = _prompts(tmp_path, "A fox\nA cat\n")
    out = str(tmp_path / "out")
    # The first look at the first generation says it failed.
    sandbox.control.add_fault("getImage", "status_value", value="failed", times=1)
    run = cli("batch", "--sandbox", prompts, "--out", out)
    assert run.code == ExitCode.BATCH_INCOMPLETE
    assert re.search(r"^item 1 of 2 failed: 'A fox': Generation \S+ failed", run.out, re.M)
    assert "2 items: 1 done, 1 failed (GenerationFailedError 1), 0 left" in run.out
    retry = (
        f"imagegen batch {shlex.quote(prompts)} --out {shlex.quote(out)} --retry-failed --sandbox"
    )
    assert f"1 item failed; to try again: {retry}" in run.out.splitlines()
    assert "imagegen: batch item" not in run.err  # the item's own line, not a note as well

    again = cli("batch", "--sandbox", prompts, "--out", out)
    assert again.code == ExitCode.BATCH_INCOMPLETE
    assert _creates(sandbox) == 2
    assert "1 failed" in again.out

    retried = cli(*shlex.split(retry)[1:])
    assert retried.code == ExitCode.OK, retried.out
    assert _creates(sandbox) == 3  # the failed one, sent again
    assert retried.out.splitlines()[0].startswith("item 1 of 2 done: 'A fox'")
    assert "all 2 items done (this run: 1 done, 0 failed)" in retried.out


def test_failure_codes_are_counted_in_the_summary(cli, sandbox, tmp_path):
    prompts = _prompts(
        tmp_path,
        "A fox sandbox:fail=INVALID_IMAGE\nA cat sandbox:fail=INVALID_IMAGE\nA dog\n",
    )
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.BATCH_INCOMPLETE
    assert "3 items: 1 done, 2 failed (INVALID_IMAGE 2), 0 left" in run.out
    assert "credits: 1, and 2 for the failed items" in run.out


# -- --json ------------------------------------------------------------------------------------


def test_json_is_one_object_a_line_then_the_summary(cli, sandbox, tmp_path):
    prompts = _prompts(tmp_path, "A fox\nA cat sandbox:fail=INVALID_IMAGE\nA dog\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"), "--json")
    assert run.code == ExitCode.BATCH_INCOMPLETE
    documents = [json.loads(line) for line in run.out.splitlines()]  # every line is JSON
    *items, summary = documents
    assert [d["type"] for d in items] == ["item"] * 3
    assert sorted(d["item"] for d in items) == [1, 2, 3]
    failed = next(d for d in items if d["status"] == "failed")
    assert failed["prompt"] == "A cat sandbox:fail=INVALID_IMAGE"
    assert failed["error"]["code"] == "INVALID_IMAGE"
    assert failed["error"]["exit_code"] == ExitCode.GENERATION_FAILED
    assert re.fullmatch(UUID, failed["generation_id"])
    done = [d for d in items if d["status"] == "done"]
    assert all(Path(d["paths"][0]).is_file() and d["error"] is None for d in done)
    assert summary["type"] == "summary"
    assert summary["total"] == 3
    assert summary["done"] == 2
    assert summary["failed"] == 1
    assert summary["left"] == 0
    assert summary["failed_codes"] == {"INVALID_IMAGE": 1}
    assert summary["credits"] == 2
    assert summary["this_run"] == {"done": 2, "failed": 1, "credits": 2}
    assert summary["exit_code"] == ExitCode.BATCH_INCOMPLETE
    assert summary["resume_command"] is None
    assert summary["retry_failed_command"].endswith("--retry-failed --sandbox --json")
    # The lines for people went to stderr.
    assert "item 1 of 3" in run.err


def test_a_json_error_is_one_line_too(cli, sandbox, tmp_path):
    prompts = _prompts(tmp_path, "{nope\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"), "--json")
    assert run.code == ExitCode.USAGE
    [line] = run.out.splitlines()
    assert json.loads(line)["error"]["exit_code"] == ExitCode.USAGE


# -- Ctrl-C ------------------------------------------------------------------------------------


class _InterruptOnceTwoExist:
    """The sandbox's clock, raising KeyboardInterrupt from a sleep once the second generation
    exists (the first is done, the second is being waited for)."""

    def __init__(self, sandbox):
        self._sandbox = sandbox
        self._clock = sandbox.clock

    def monotonic(self):
        return self._clock.monotonic()

    def time(self):
        return self._clock.time()

    def sleep(self, seconds):
        if len(self._sandbox.control.generations()) >= 2:
            raise KeyboardInterrupt
        self._clock.sleep(seconds)

    async def asleep(self, seconds):
        self.sleep(seconds)


@pytest.mark.parametrize("as_json", [False, True])
def test_ctrl_c_prints_the_resume_command_which_finishes_once_per_item(
    cli, sandbox, tmp_path, monkeypatch, as_json
):
    prompts = _prompts(tmp_path, "A fox\nA cat\nA dog\n")
    out = str(tmp_path / "my out")
    monkeypatch.setattr(_connect, "_sandbox_clock", lambda speed: _InterruptOnceTwoExist(sandbox))
    argv = ["batch", "--sandbox", prompts, "--out", out, "--timeout", "600"]
    run = cli(*argv, *(["--json"] if as_json else []))
    assert run.code == ExitCode.INTERRUPTED
    expected = shlex.join(
        ["imagegen", "batch", prompts, "--out", out, "--timeout", "600", "--sandbox"]
        + (["--json"] if as_json else [])
    )
    assert f"resume with: {expected}" in run.err.splitlines()
    assert "interrupted: 1 of 3 items done, 2 left" in run.err
    assert "in-process sandbox ended" in run.err  # the note on what --sandbox can resume
    if as_json:
        *items, last = [json.loads(line) for line in run.out.splitlines()]
        assert [item["status"] for item in items] == ["done"]
        assert last["type"] == "summary"
        assert last["done"] == 1
        assert last["left"] == 2
        assert last["resume_command"] == expected
        assert last["error"]["exit_code"] == ExitCode.INTERRUPTED
    assert len(sandbox.control.generations()) == 2

    monkeypatch.setattr(_connect, "_sandbox_clock", lambda speed: sandbox.clock)
    resumed = cli(*shlex.split(expected)[1:])
    assert resumed.code == ExitCode.OK, resumed.err
    made = sandbox.control.generations()
    assert sorted(g["prompt"] for g in made) == ["A cat", "A dog", "A fox"]  # one each
    assert len(list(Path(out).glob("*.png"))) == 3


# -- a pool of keys ----------------------------------------------------------------------------


def test_keys_file_adds_workers_of_other_accounts_and_never_prints_a_key(
    cli, served, tmp_path, monkeypatch
):
    other = served.control.add_account(name="second")
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# the second account\n\n  {other.api_key}  \n")
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    prompts = _prompts(tmp_path, "".join(f"Item {n}\n" for n in range(4)))
    argv = ["batch", prompts, "--out", str(tmp_path / "out"), "--base-url", served.base_url]
    run = cli(*argv, "--keys-file", str(keys))
    assert run.code == ExitCode.OK, run.err
    by_account = {
        account["id"]: len(served.control.generations(account_id=account["id"]))
        for account in served.control.accounts()
    }
    assert sorted(by_account.values()) == [2, 2]  # both accounts worked
    for key in (served.api_key, other.api_key):
        assert key not in run.out
        assert key not in run.err

    # The main key's account listed again is refused, naming the line and no key.
    keys.write_text(f"{other.api_key}\n{served.api_key}\n")
    run = cli(*argv, "--keys-file", str(keys))
    assert run.code == ExitCode.USAGE
    assert "--api-key / IMAGEGEN_API_KEY and the key on line 2 of --keys-file" in run.err
    assert served.api_key not in run.err


def test_keys_file_problems_are_usage_errors(cli, sandbox, served, tmp_path, monkeypatch):
    prompts = _prompts(tmp_path, "A fox\n")
    keys = tmp_path / "keys.txt"
    keys.write_text("ig_live_abcdefghijklmnop1234\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "o"), "--keys-file", str(keys))
    assert run.code == ExitCode.USAGE
    assert "--keys-file cannot be used with --sandbox" in run.err

    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    argv = ["batch", prompts, "--out", str(tmp_path / "o"), "--base-url", served.base_url]
    keys.write_text("ig_live_abcdefghijklmnop1234\nig_live_abcdefghijklmnop1234\n")
    run = cli(*argv, "--keys-file", str(keys))
    assert run.code == ExitCode.USAGE
    assert "line 2: the same key as line 1" in run.err
    assert "abcdefghijklmnop" not in run.err
    keys.write_text("ig_live_abcdéfghijklmnop1234\n")
    run = cli(*argv, "--keys-file", str(keys))
    assert run.code == ExitCode.USAGE
    assert "line 1: the key holds a character that is not ASCII" in run.err
    run = cli(*argv, "--keys-file", str(tmp_path / "missing"))
    assert run.code == ExitCode.USAGE
    assert "no such file" in run.err
    assert served.control.request_counts() == {}


# -- the limiter -------------------------------------------------------------------------------


def test_imagegen_limiter_url_paces_the_batch_through_its_sqlite_file(
    cli, sandbox, tmp_path, monkeypatch
):
    limiter = tmp_path / "limits" / "imagegen.db"
    limiter.parent.mkdir()
    monkeypatch.setenv("IMAGEGEN_LIMITER_URL", f"sqlite:///{limiter}")
    # Short generations: both creates within one 60 s window, so both rows are still there.
    prompts = _prompts(tmp_path, "A fox sandbox:duration=5\nA cat sandbox:duration=5\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.OK, run.err
    [account] = sandbox.control.accounts()
    rows = sqlite3.connect(limiter).execute("SELECT account FROM creates").fetchall()
    assert rows == [(account["id"],), (account["id"],)]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("memcached://127.0.0.1/0", "it is neither sqlite:// nor redis://"),
        ("sqlite://relative.db", "three slashes"),
        ("sqlite:////proc/no/such/dir/imagegen.db", "cannot be opened"),
    ],
)
def test_a_bad_imagegen_limiter_url_is_a_usage_error_before_any_request(
    cli, sandbox, tmp_path, monkeypatch, url, problem
):
    monkeypatch.setenv("IMAGEGEN_LIMITER_URL", url)
    prompts = _prompts(tmp_path, "A fox\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.USAGE
    [line] = run.error_lines
    assert line.startswith("imagegen: error: IMAGEGEN_LIMITER_URL: ")
    assert problem in line
    assert sandbox.control.request_counts() == {}
    assert cli("generate", "--sandbox", "A fox", "--no-wait").code == ExitCode.USAGE


def test_a_redis_limiter_nothing_answers_at_is_a_usage_error_naming_it(
    cli, sandbox, tmp_path, monkeypatch
):
    import socket

    with socket.socket() as probe:  # a free port: nothing listens on it once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("IMAGEGEN_LIMITER_URL", f"redis://:s3cretPassw0rd@127.0.0.1:{port}/0")
    run = cli("batch", "--sandbox", _prompts(tmp_path, "A fox\n"), "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.USAGE
    [line] = run.error_lines
    assert line.startswith("imagegen: error: IMAGEGEN_LIMITER_URL: the Redis limiter")
    assert f"127.0.0.1:{port}" in line
    assert "Traceback" not in run.err
    assert "s3cretPassw0rd" not in run.err + run.out
    assert sandbox.control.request_counts() == {}


# -- the live view and its estimate ------------------------------------------------------------


def test_the_eta_is_the_accounts_bound():
    from imagegen.cli._batch import eta_seconds

    # Before any item ended: the docs' minute a generation, shared by the accounts.
    assert eta_seconds(10, 0, 0.0, 1, min_per_item=6.0) == 600.0
    assert eta_seconds(10, 0, 0.0, 2, min_per_item=6.0) == 300.0
    # After: this run's average (4 items in 400 s on one account: 100 s each).
    assert eta_seconds(6, 4, 400.0, 1, min_per_item=6.0) == 600.0
    # Two accounts, 4 items in 200 s: each took 100 s on its account.
    assert eta_seconds(6, 4, 200.0, 2, min_per_item=6.0) == 300.0
    # Never faster than 10 creates a minute per account allow.
    assert eta_seconds(10, 10, 1.0, 1, min_per_item=6.0) == 60.0
    assert eta_seconds(0, 3, 100.0, 1, min_per_item=6.0) == 0.0
    # The item in progress is 30 s along; past its time, the items not begun still count.
    assert eta_seconds(6, 4, 400.0, 1, min_per_item=6.0, since_last=30.0) == 570.0
    assert eta_seconds(6, 4, 400.0, 1, min_per_item=6.0, since_last=300.0) == 500.0
    assert eta_seconds(1, 4, 400.0, 1, min_per_item=6.0, since_last=300.0) == 0.0


def test_the_live_line_on_a_terminal(cli, sandbox, tmp_path, monkeypatch):
    """The rich path in process: stderr taken for a terminal; the live line's text."""
    from imagegen.cli import _batch

    monkeypatch.setattr(_batch, "stream_is_terminal", lambda stream: True)
    prompts = _prompts(tmp_path, "A fox\nA cat sandbox:fail=INVALID_IMAGE\n")
    run = cli("batch", "--sandbox", prompts, "--out", str(tmp_path / "out"))
    assert run.code == ExitCode.BATCH_INCOMPLETE
    assert "item 1 of 2 done" in run.out
    assert "2 items: 1 done, 1 failed (INVALID_IMAGE 1), 0 left" in run.out

    from rich.console import Console

    class _Source:
        count, exhausted = 10, True

    tally = _batch._Tally(_Source(), {"done": 3, "failed": 1}, retry_failed=False)
    tally.done, tally.failed, tally.credits = 2, 0, 2
    tally.started = sandbox.clock.monotonic() - 200.0
    tally.last_ended = sandbox.clock.monotonic() - 50.0  # 2 items in 150 s: 75 s each

    class _Out:
        stderr = io.StringIO()

    class _Connection:
        clock = sandbox.clock

    view = _batch._View(_Out(), _Connection(), tally, accounts=1)
    view._spinner = ""
    console = Console(file=io.StringIO(), width=120)
    console.print(view._render())
    text = console.file.getvalue()
    # 5 of 10 done (3 before this run), 1 failed, 2 credits this run; 4 left at 75 s each,
    # the one in progress 50 s along.
    assert "5 of 10 done, 1 failed, 2 credits this run" in text
    assert "3m20s elapsed, about 4m10s left" in text


def test_batch_help_shows_its_examples(cli):
    run = cli("batch", "--help")
    assert run.code == ExitCode.OK
    assert "imagegen batch prompts.txt --out images --retry-failed" in run.out
    assert "--keys-file FILE" in run.out
    assert DEFAULT_API_KEY not in run.out
