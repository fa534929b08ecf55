"""The command line's shape: every command's help has examples, the top-level help has the
exit-code table, and usage errors exit 2 before anything is sent."""

from __future__ import annotations

import pytest
from imagegen.cli import main
from imagegen.cli._exit_codes import EXIT_CODE_TABLE, ExitCode

COMMANDS = ("generate", "wait", "get", "list", "account", "ping", "sandbox")


def test_top_level_help_lists_every_command_and_the_exit_code_table(capsys):
    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command} " in help_text
    assert "exit codes:" in help_text
    for code, meaning in EXIT_CODE_TABLE:
        assert f"{int(code):>3}  {meaning}" in help_text
    assert "imagegen generate --sandbox" in help_text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_shows_an_example_of_itself(command, capsys):
    assert main([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    examples = help_text.split("examples:", 1)[1]
    assert f"imagegen {command}" in examples


@pytest.mark.parametrize("command", COMMANDS[:-1])
def test_every_api_command_takes_json_and_sandbox(command, capsys):
    assert main([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--json" in help_text
    assert "--sandbox" in help_text
    assert "--api-key" in help_text
    assert "--base-url" in help_text


def test_exit_codes_are_distinct():
    codes = [int(code) for code, _ in EXIT_CODE_TABLE]
    assert len(codes) == len(set(codes)) == len(ExitCode)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["generate"],
        ["generate", "a fox", "--resolution", "8k"],
        ["generate", "a fox", "--aspect-ratio", "7:3"],
        ["generate", "a fox", "--num-outputs", "5"],
        ["generate", "a fox", "--num-outputs", "two"],
        ["generate", "a fox", "--timeout", "0"],
        ["wait"],
        ["list", "--limit", "101"],
        ["list", "--offset", "-1"],
        ["sandbox", "--speed", "-2"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_a_message_on_stderr(argv, capsys):
    assert main(argv) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "usage: imagegen" in captured.err
    assert "error:" in captured.err


def test_version(capsys):
    import imagegen

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"imagegen {imagegen.__version__}"
