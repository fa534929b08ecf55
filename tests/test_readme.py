"""The README's code runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_pytest_plugin_example_passes_in_a_users_own_suite(
    pytester: pytest.Pytester,
) -> None:
    (example,) = [b for b in python_blocks() if "pytest_plugins" in b]
    pytester.makepyfile(test_from_readme=example)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_batch_example_runs_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import imagegen
    from imagegen.testing import Sandbox

    (example,) = [b for b in python_blocks() if "client.batch(" in b]
    monkeypatch.chdir(tmp_path)
    Path("prompts.txt").write_text("a fox sandbox:duration=2\na hare sandbox:duration=2\n")
    with Sandbox() as sandbox:
        monkeypatch.setattr(imagegen, "Client", lambda: sandbox.client())
        exec(example, {"imagegen": imagegen})
        first = capsys.readouterr().out.splitlines()
        exec(example, {"imagegen": imagegen})
        again = capsys.readouterr().out
        assert len(sandbox.control.generations()) == 2
    assert [line.split()[:2] for line in first] == [["0", "done"], ["1", "done"]]
    assert again == ""
    assert len(list(Path("images").glob("*.png"))) == 2
