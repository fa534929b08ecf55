"""`--out` is checked before anything is created, and any failure after the create says how to
pick the generation up again."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from imagegen.cli._exit_codes import ExitCode

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _credits(sandbox) -> int:
    return sandbox.control.accounts()[0]["creditsTotal"]


@pytest.mark.parametrize("where", ["proc", "file", "under a file"])
def test_an_unwritable_out_is_refused_before_the_create(cli, sandbox, tmp_path, where):
    existing = tmp_path / "existing.png"
    existing.write_bytes(b"not a directory")
    out = {
        "proc": "/proc/nope",
        "file": str(existing),
        "under a file": str(existing / "images"),
    }[where]
    before = _credits(sandbox)
    run = cli("generate", "--sandbox", "A fox", "--out", out)
    assert run.code == ExitCode.USAGE, run.err
    [line] = run.error_lines
    assert line.startswith(f"imagegen: error: --out {out}: ")
    assert "Traceback" not in run.err
    assert run.out == ""  # no "generation ... created"
    assert sandbox.control.generations() == []
    assert _credits(sandbox) == before
    assert existing.read_bytes() == b"not a directory"


def test_the_out_check_leaves_nothing_behind(cli, sandbox, tmp_path):
    """The check makes the missing directories to try a write there, then removes them: a
    command that fails later (here: the create is refused) leaves no empty directory."""
    out = tmp_path / "a" / "b"
    run = cli(
        "generate", "--sandbox", "A fox sandbox:error=INSUFFICIENT_CREDITS", "--out", str(out)
    )
    assert run.code == ExitCode.INSUFFICIENT_CREDITS
    assert list(tmp_path.iterdir()) == []


def test_wait_checks_out_before_polling(cli, sandbox, tmp_path):
    generation_id = cli("generate", "--sandbox", "A fox", "--no-wait", "--json").document["id"]
    existing = tmp_path / "file"
    existing.write_text("x")
    run = cli("wait", generation_id, "--sandbox", "--out", str(existing), "--json")
    assert run.code == ExitCode.USAGE
    assert run.document["error"]["message"].startswith(f"--out {existing}: ")


def _served_generate(cli, served, monkeypatch, out_dir: Path, *extra: str):
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    return cli("generate", "A fox", "--out", str(out_dir), "--base-url", served.base_url, *extra)


def _resume_of(run, out_dir: Path, base_url: str) -> str:
    created = re.search(rf"generation ({UUID}) created", run.out + run.err)
    assert created, run.out + run.err
    return shlex.join(
        ["imagegen", "wait", created.group(1), "--out", str(out_dir), "--base-url", base_url]
    )


def test_a_wait_failure_after_the_create_prints_the_resume_command(
    cli, served, monkeypatch, tmp_path
):
    served.control.add_fault("getImage", "drop_before", times=None)
    out_dir = tmp_path / "out"
    run = _served_generate(cli, served, monkeypatch, out_dir)
    assert run.code == ExitCode.CONNECTION, run.err
    resume = _resume_of(run, out_dir, served.base_url)
    assert f"resume with: {resume}" in run.err.splitlines()
    assert len(run.error_lines) == 1

    served.advance(600)  # the first one is done: the API allows one in progress
    as_json = _served_generate(cli, served, monkeypatch, out_dir, "--json")
    error = as_json.document["error"]
    assert re.fullmatch(UUID, error["generation_id"])
    assert error["resume_command"] == shlex.join(
        [
            "imagegen",
            "wait",
            error["generation_id"],
            "--out",
            str(out_dir),
            "--base-url",
            served.base_url,
            "--json",
        ]
    )


def test_a_library_error_while_saving_names_out_and_prints_the_resume_command(
    cli, served, monkeypatch, tmp_path
):
    """The directory became unusable between the check and the save: the library's
    InvalidRequestError comes after the charge, so it carries the resume command too."""
    from imagegen import _client
    from imagegen._errors import InvalidRequestError

    def refused(self, generation, directory, **kwargs):
        raise InvalidRequestError(
            f"directory {str(directory)!r} is a file: pass a directory to save into",
            field="directory",
        )

    monkeypatch.setattr(_client.Images, "download", refused)
    out_dir = tmp_path / "out"
    run = _served_generate(cli, served, monkeypatch, out_dir)
    assert run.code == ExitCode.USAGE, run.err
    [line] = run.error_lines
    assert "--out" in line
    assert "directory '" not in line
    assert f"resume with: {_resume_of(run, out_dir, served.base_url)}" in run.err.splitlines()


def test_an_os_error_while_saving_exits_14_with_the_resume_command(
    cli, served, monkeypatch, tmp_path
):
    from imagegen import _client

    def disk_full(self, generation, directory, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_client.Images, "download", disk_full)
    out_dir = tmp_path / "out"
    run = _served_generate(cli, served, monkeypatch, out_dir)
    assert run.code == ExitCode.DOWNLOAD_FAILED, run.err
    [line] = run.error_lines
    assert "No space left on device" in line
    assert "Traceback" not in run.err
    assert f"resume with: {_resume_of(run, out_dir, served.base_url)}" in run.err.splitlines()


def test_a_failed_generation_prints_no_resume_command(cli, served, monkeypatch, tmp_path):
    """It ended: waiting for it again would only fail again."""
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    run = cli(
        "generate",
        "A fox sandbox:fail=INVALID_IMAGE",
        "--out",
        str(tmp_path),
        "--base-url",
        served.base_url,
    )
    assert run.code == ExitCode.GENERATION_FAILED
    assert "resume with" not in run.err
