"""An argument holding bytes that are not UTF-8 (Python decodes them from `sys.argv` as lone
surrogates) is a usage error said in one line, not a UnicodeEncodeError traceback."""

from __future__ import annotations

import pytest
from imagegen.cli._exit_codes import ExitCode

BAD = "caf\udce9"  # b"caf\xe9" from a latin-1 terminal, as Python decodes it from argv


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        # Named as the CLI's arguments and options, not the library's parameters.
        (("generate", "--sandbox", BAD), "PROMPT"),
        (("generate", "--sandbox", "A fox", "--name", BAD), "--name"),
        (("generate", "--sandbox", "A fox", "--no-wait", "--name", BAD), "--name"),
        (("get", "--sandbox", BAD), "ID"),
    ],
)
def test_an_undecodable_argument_is_a_usage_error(cli, sandbox, argv, field):
    run = cli(*argv)
    assert run.code == ExitCode.USAGE, run.err
    [line] = run.error_lines
    assert f"{field} contains an undecodable character at position 3" in line
    assert sandbox.control.generations() == []
    assert sandbox.control.request_counts() == {}  # refused before anything was sent
