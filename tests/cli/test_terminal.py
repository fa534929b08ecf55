"""The CLI as a person sees it: a real pseudo-terminal (pexpect), real processes, real time
kept to a few seconds by running the sandbox's clock fast.

- the live display of `generate --sandbox` (the `make demo` command);
- Ctrl-C while waiting, against a sandbox served by `imagegen sandbox` (an in-process sandbox
  dies with the process), then the printed resume command, run as printed.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pexpect
import pytest
from imagegen.cli._exit_codes import ExitCode
from PIL import Image

IMAGEGEN = Path(sys.executable).with_name("imagegen")  # the console script in the venv
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TIMEOUT = 20  # seconds: every wait on a child is bounded


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env.update(TERM="xterm-256color", NO_COLOR="", **extra)
    env.pop("NO_COLOR")
    return env


def _spawn(argv: list[str], **env: str) -> tuple[pexpect.spawn, io.StringIO]:
    assert IMAGEGEN.is_file(), f"{IMAGEGEN} is missing: install the package (make setup)"
    transcript = io.StringIO()
    child = pexpect.spawn(
        str(IMAGEGEN),
        argv,
        env=_env(**env),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(30, 120),
    )
    child.logfile_read = transcript
    return child, transcript


def test_generate_shows_live_progress_then_the_saved_file(tmp_path):
    # 90 sandbox seconds at 60x: about a second and a half of real time.
    child, transcript = _spawn(
        [
            "generate",
            "--sandbox",
            "A lighthouse on a cliff at dusk sandbox:duration=90",
            "--resolution",
            "1k",
            "--aspect-ratio",
            "16:9",
            "--out",
            str(tmp_path),
        ],
        IMAGEGEN_SANDBOX_SPEED="60",
    )
    child.expect(rf"generation ({UUID}) created \(1 credit\)")
    generation_id = child.match.group(1)
    child.expect(r"starting.{0,40}\d+s elapsed.{0,20}, expected about 1m00s")
    child.expect("Ctrl-C stops watching")
    child.expect(r"processing.{0,40}elapsed")
    # 90 sandbox seconds from the create's answer, less the real moments (each a minute of the
    # sandbox's at 60x) the command took to print the id and start the view: a minute and more.
    child.expect(r"status: succeeded after 1m\d\ds")
    child.expect(r"saved (\S+) \(1024x576\)")
    saved = Path(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, transcript.getvalue()

    shown = transcript.getvalue()
    assert "\x1b[?25l" in shown  # rich hid the cursor: the live display ran ...
    assert shown.count("\x1b[2K") > 4  # ... and redrew its line several times
    assert saved.parent == tmp_path
    assert generation_id in saved.name
    with Image.open(saved) as image:
        assert (image.format, image.size) == ("PNG", (1024, 576))


_CSI = re.compile(r"(\x1b\[[0-9;?]*[A-Za-z])+$")


def test_v_lines_print_above_the_live_line_not_into_it(tmp_path):
    """Each -v line starts a line of its own on the terminal: printed through the live
    display's console, which clears its line first (a plain write would land after the
    spinner's text, and the next redraw would erase it)."""
    child, transcript = _spawn(
        ["generate", "-v", "--sandbox", "A fox sandbox:duration=30", "--out", str(tmp_path)],
        IMAGEGEN_SANDBOX_SPEED="60",
    )
    child.expect(pexpect.EOF)
    child.close()
    shown = transcript.getvalue()
    assert child.exitstatus == 0, shown
    assert "\x1b[?25l" in shown  # the live display ran
    lines = list(re.finditer(r"imagegen: (request|status|download) ", shown))
    kinds = [m.group(1) for m in lines]
    assert kinds[0] == "request"
    assert "status" in kinds
    assert kinds[-1] == "download"
    for match in lines:
        before = _CSI.sub("", shown[: match.start()])
        assert before == "" or before.endswith(("\n", "\r")), repr(shown[: match.end()][-200:])


@pytest.fixture
def served_sandbox(tmp_path) -> Iterator[tuple[str, str]]:
    """`imagegen sandbox` in its own process on a free port, its clock 30x real time; yields
    (base URL, API key) as it printed them."""
    log_path = tmp_path / "sandbox.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(IMAGEGEN), "sandbox", "--port", "0", "--speed", "30"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_env(),
        )
    try:
        deadline = time.monotonic() + TIMEOUT
        while "IMAGEGEN_API_KEY=" not in log_path.read_text():
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the sandbox server did not start"
            time.sleep(0.05)
        printed = log_path.read_text()
        base_url = re.search(r"IMAGEGEN_BASE_URL=(\S+)", printed).group(1)
        api_key = re.search(r"IMAGEGEN_API_KEY=(\S+)", printed).group(1)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", base_url)
        yield base_url, api_key
    finally:
        server.terminate()
        server.wait(TIMEOUT)


def test_ctrl_c_prints_the_resume_command_and_the_command_resumes(served_sandbox, tmp_path):
    base_url, api_key = served_sandbox
    out_dir = tmp_path / "images"
    # An hour at 30x: Ctrl-C comes long before, however loaded the machine; the clock is then
    # moved past the end through the sandbox's control surface, so the resume needs no wait.
    child, transcript = _spawn(
        [
            "generate",
            "A red fox in the snow sandbox:duration=3600",
            "--out",
            str(out_dir),
            "--base-url",
            base_url,
            "--api-key",
            api_key,
        ]
    )
    child.expect(rf"generation ({UUID}) created")
    generation_id = child.match.group(1)
    child.expect(r"starting.{0,40}elapsed")  # the live line: the wait has begun
    child.sendintr()
    child.expect(r"interrupted: stopped watching generation (\S+); the generation goes on")
    assert child.match.group(1) == generation_id
    child.expect(r"resume with: ([^\r\n]+)\r\n")
    resume = child.match.group(1)
    child.expect("note: pass your key again with --api-key")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.INTERRUPTED, transcript.getvalue()
    assert api_key not in transcript.getvalue()
    assert not out_dir.exists() or not list(out_dir.iterdir())

    argv = shlex.split(resume)
    assert argv == [
        "imagegen",
        "wait",
        generation_id,
        "--out",
        str(out_dir),
        "--base-url",
        base_url,
    ]
    control = base_url.removesuffix("/v1") + "/_sandbox/clock/advance"
    assert httpx.post(control, json={"seconds": 3600}, timeout=TIMEOUT).status_code == 200
    # Run it as printed (plus the key, which is never printed), off a terminal: plain lines.
    resumed = subprocess.run(
        [str(IMAGEGEN), *argv[1:], "--api-key", api_key],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=_env(),
        check=False,
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    lines = resumed.stdout.splitlines()
    assert lines[0] == f"waiting for generation {generation_id}"
    assert any(line.startswith("status: succeeded after") for line in lines)
    saved = re.search(r"^saved (\S+) \(1024x1024\)$", resumed.stdout, re.M)
    assert saved, resumed.stdout
    with Image.open(saved.group(1)) as image:
        assert image.size == (1024, 1024)
    assert Path(saved.group(1)).parent == out_dir


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`imagegen ... --json | head -c0`: stdout closes before the document is written."""
    child = subprocess.Popen(
        [str(IMAGEGEN), "account", "--sandbox", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    child.stdout.close()
    _, err = child.communicate(timeout=TIMEOUT)
    assert child.returncode == ExitCode.ERROR
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err


def test_without_rich_a_terminal_gets_plain_lines(tmp_path):
    """The `cli` extra (rich) missing: the same command on a terminal, shown as it is in a
    pipe, decided before any request (it used to create, then crash importing rich)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['rich'] = None\n")
    out_dir = tmp_path / "out"
    child, transcript = _spawn(
        ["generate", "--sandbox", "A heron sandbox:duration=30", "--out", str(out_dir)],
        IMAGEGEN_SANDBOX_SPEED="60",
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
    )
    child.expect(rf"generation ({UUID}) created \(1 credit\)")
    child.expect(r"status: succeeded after \d+s")
    child.expect(r"saved (\S+) \(1024x1024\)")
    saved = Path(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    shown = transcript.getvalue()
    assert child.exitstatus == 0, shown
    assert "Traceback" not in shown
    assert "\x1b[?25l" not in shown  # no live display ran
    assert saved.parent == out_dir
