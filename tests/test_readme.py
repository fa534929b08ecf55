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
