"""`-v`/`--verbose`: each event of the client as one plain line on stderr, in order; nothing of
it without -v; stdout under `--json` stays the JSON document; the key never printed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from imagegen.cli._output import Output
from imagegen.cli._parser import build_parser
from imagegen.cli._verbose import FORMATS, format_event
from imagegen.events import (
    BY_KIND,
    DownloadEvent,
    PacingEvent,
    ReconcileEvent,
    RequestEvent,
    RetryEvent,
    StatusEvent,
)

QUICK = "sandbox:duration=30"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
EVENT_LINE = re.compile(r"imagegen: (request|retry|pacing|reconcile|status|download) ")


def _event_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if EVENT_LINE.match(line)]


def test_generate_v_prints_requests_statuses_and_the_download_in_order(
    cli, sandbox, tmp_path: Path
) -> None:
    run = cli("generate", "--sandbox", f"a fox {QUICK}", "--out", str(tmp_path), "-v")
    assert run.code == 0, run.err
    (generation_id,) = re.findall(rf"generation ({UUID}) created", run.out)
    (saved,) = tmp_path.glob("*.png")
    lines = _event_lines(run.err)
    assert re.fullmatch(r"imagegen: request createImage 201 req_\w+ \d+ ms", lines[0])
    polls = [line for line in lines if line.startswith("imagegen: request getImage ")]
    assert polls
    for poll in polls:
        assert re.fullmatch(r"imagegen: request getImage 200 req_\w+ \d+ ms", poll)
    statuses = [line for line in lines if line.startswith("imagegen: status ")]
    assert statuses == [
        f"imagegen: status {generation_id} starting",
        f"imagegen: status {generation_id} starting -> processing",
        f"imagegen: status {generation_id} processing -> succeeded",
    ]
    # Each status line follows the poll that saw it; the download is the last line.
    assert lines.index(statuses[0]) == lines.index(polls[0]) + 1
    assert lines[lines.index(statuses[-1]) - 1] == polls[-1]
    assert lines[-1] == (
        f"imagegen: download {generation_id} #0 -> {saved} ({saved.stat().st_size} bytes)"
    )
    assert _event_lines(run.out) == []  # stdout is the results'


def test_without_v_no_event_line_is_printed(cli, sandbox, tmp_path: Path) -> None:
    run = cli("generate", "--sandbox", f"a fox {QUICK}", "--out", str(tmp_path))
    assert run.code == 0, run.err
    assert _event_lines(run.err) == []
    assert _event_lines(run.out) == []


def test_json_stdout_stays_one_document_with_v(cli, sandbox, tmp_path: Path) -> None:
    run = cli("generate", "--sandbox", f"a fox {QUICK}", "--out", str(tmp_path), "--json", "-v")
    assert run.code == 0, run.err
    document = run.document  # fails if any line of -v reached stdout
    assert document["generation"]["status"] == "succeeded"
    lines = _event_lines(run.err)
    assert lines[0].startswith("imagegen: request createImage 201 ")
    assert lines[-1].startswith(f"imagegen: download {document['generation']['id']} #0 -> ")


def test_v_shows_a_retry_and_never_the_key(cli, served) -> None:
    served.control.add_fault("getStatus", "status", status=503)
    run = cli("ping", "--verbose", "--base-url", served.base_url, "--api-key", served.api_key)
    assert run.code == 0, run.err
    lines = _event_lines(run.err)
    assert lines[0].startswith("imagegen: request getStatus 503 ")
    assert re.fullmatch(
        r"imagegen: retry getStatus attempt 1 in \d+\.\d+ s \(HTTP 503 \w+, request id req_\w+\)",
        lines[1],
    )
    assert lines[2].startswith("imagegen: request getStatus 200 ")
    assert served.api_key not in run.err
    assert served.api_key not in run.out


@pytest.mark.parametrize("command", ["generate", "batch", "wait", "get", "list", "account", "ping"])
def test_every_api_command_takes_v(command: str) -> None:
    argv = {
        "generate": ["a fox"],
        "batch": ["prompts.txt", "--out", "out"],
        "wait": ["x"],
        "get": ["x"],
    }.get(command, [])
    assert build_parser().parse_args([command, *argv, "-v"]).verbose is True
    assert build_parser().parse_args([command, *argv]).verbose is False


def test_each_kind_has_one_line() -> None:
    assert set(FORMATS) == set(BY_KIND)
    gid = "3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21"
    cases = [
        (
            RequestEvent(
                operation="getImage", method="GET", status=200, request_id="req_abc", elapsed=0.012
            ),
            "request getImage 200 req_abc 12 ms",
        ),
        (
            RequestEvent(
                operation="createImage",
                method="POST",
                status=None,
                elapsed=1.5,
                error="APIConnectionError: the connection was lost,\nrequest id none (no answer)",
            ),
            "request createImage no answer 1500 ms (APIConnectionError: the connection was lost, "
            "request id none (no answer))",
        ),
        (
            RetryEvent(operation="getStatus", attempt=1, delay=0.5, cause="HTTP 503 X"),
            "retry getStatus attempt 1 in 0.50 s (HTTP 503 X)",
        ),
        (PacingEvent(limit="window", seconds=12.0), "pacing window 12.0 s"),
        (PacingEvent(limit="lease", seconds=3.25), "pacing lease 3.2 s"),
        (
            PacingEvent(limit="in_progress", seconds=None, generation_id=gid),
            f"pacing in_progress until {gid} finishes",
        ),
        (
            StatusEvent(generation_id=gid, status="processing", previous="starting"),
            f"status {gid} starting -> processing",
        ),
        (StatusEvent(generation_id=gid, status="starting"), f"status {gid} starting"),
        (
            DownloadEvent(generation_id=gid, index=0, path="out/x.png", bytes=123456),
            f"download {gid} #0 -> out/x.png (123456 bytes)",
        ),
        (
            DownloadEvent(generation_id=gid, index=1, error="HTTP 404"),
            f"download {gid} #1 failed (HTTP 404)",
        ),
        (ReconcileEvent(found=True, generation_id=gid), f"reconcile found {gid}"),
        (ReconcileEvent(found=False), "reconcile not found (nothing was created)"),
    ]
    for event, line in cases:
        assert format_event(event) == f"imagegen: {line}"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_line_goes_through_the_live_displays_console(monkeypatch) -> None:
    """A live wait is drawn by stdout's rich console: a -v line printed through it lands above
    the live line; a plain write to the terminal would break the redraw."""
    monkeypatch.delenv("TERM", raising=False)
    stdout, stderr = _Terminal(), _Terminal()
    out = Output(stdout, stderr, json_mode=False)
    assert out.terminal
    out.event("imagegen: status x starting")
    assert "imagegen: status x starting" in stdout.getvalue()
    assert stderr.getvalue() == ""
    # stderr redirected (`2>log`): the log gets it, plain.
    logged = io.StringIO()
    out = Output(_Terminal(), logged, json_mode=False)
    out.event("imagegen: status x starting")
    assert logged.getvalue() == "imagegen: status x starting\n"
