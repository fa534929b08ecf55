"""The public-API gate (tools/check_api.py) on small packages written for each test, and on the
repository's own baseline."""

from __future__ import annotations

import json
import textwrap
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from tests.tools.conftest import load_tool

check_api = load_tool("check_api")

BASE = textwrap.dedent(
    """
    from typing import Literal

    __all__ = ["APIError", "Client", "ImagegenError", "RateLimitError", "WAIT"]

    WAIT = 600.0

    class ImagegenError(Exception):
        generation_id: str | None = None

    class APIError(ImagegenError):
        retryable: bool = False

    class RateLimitError(APIError):
        pass

    class Client:
        def __init__(self, api_key: str | None = None, *, timeout: float = 30.0) -> None: ...

        def generate(
            self,
            prompt: str,
            *,
            resolution: Literal["1k", "2k"] | None = None,
            timeout: float = WAIT,
            name: str | None = None,
        ) -> str: ...

        @property
        def closed(self) -> bool: ...
"""
)

_versions = count()


def api_of(tmp_path: Path, source: str) -> dict[str, Any]:
    root = tmp_path / f"v{next(_versions)}"
    (root / "imagegen").mkdir(parents=True)
    (root / "imagegen" / "__init__.py").write_text(source)
    return check_api.load_api("imagegen", (root,))


def run(tmp_path: Path, old: str, new: str, changelog: str = "") -> tuple[int, str, list[Any]]:
    before, after = api_of(tmp_path, old), api_of(tmp_path, new)
    status, report = check_api.check(before, after, changelog)
    return status, report, check_api.compare(before, after)


def breaking(changes: list[Any]) -> list[tuple[str, str]]:
    return [(c.path, c.what) for c in changes if c.breaking]


def test_no_change_passes_and_reports_nothing(tmp_path: Path) -> None:
    status, report, changes = run(tmp_path, BASE, BASE)
    assert (status, changes) == (0, [])
    assert "0 changes" in report


def test_a_removed_parameter_is_breaking(tmp_path: Path) -> None:
    status, report, changes = run(tmp_path, BASE, BASE.replace("name: str | None = None,", ""))
    assert status == 1
    assert breaking(changes) == [("imagegen.Client.generate", "parameter name removed")]
    assert "imagegen.Client.generate: parameter name removed" in report


def test_a_renamed_class_is_breaking(tmp_path: Path) -> None:
    renamed = BASE.replace('"Client"', '"Session"').replace("class Client", "class Session")
    status, _, changes = run(tmp_path, BASE, renamed)
    assert status == 1
    assert ("imagegen.Client", "removed (class)") in breaking(changes)
    assert ("imagegen.Client.generate", "removed (function)") in breaking(changes)
    assert [(c.path, c.breaking) for c in changes if c.path == "imagegen.Session"] == [
        ("imagegen.Session", False)
    ]


def test_a_changed_default_is_breaking(tmp_path: Path) -> None:
    status, _, changes = run(
        tmp_path, BASE, BASE.replace("timeout: float = 30.0", "timeout: float = 10.0")
    )
    assert status == 1
    assert breaking(changes) == [
        ("imagegen.Client.__init__", "parameter timeout default 30.0 became 10.0")
    ]


def test_a_changed_constant_behind_a_default_is_breaking(tmp_path: Path) -> None:
    status, _, changes = run(tmp_path, BASE, BASE.replace("WAIT = 600.0", "WAIT = 60.0"))
    assert status == 1
    assert ("imagegen.WAIT", "value 600.0 became 60.0") in breaking(changes)
    assert (
        "imagegen.Client.generate",
        "parameter timeout default WAIT (= 600.0) became WAIT (= 60.0)",
    ) in breaking(changes)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("prompt: str,", "prompt: str, /,"),
            "parameter prompt: positional or keyword became positional-only",
        ),
        (
            ("prompt: str,\n        *,", "*,\n        prompt: str,"),
            "parameter prompt: positional or keyword became keyword-only",
        ),
        (("name: str | None = None,", "name: str,"), "parameter name became required"),
        (
            ("name: str | None = None,", "name: str | None = None, seed: int,"),
            "required parameter seed added",
        ),
        (
            ('Literal["1k", "2k"]', 'Literal["1k"]'),
            "parameter resolution Literal['1k', '2k'] | None became Literal['1k'] | None",
        ),
        (("-> str: ...", "-> str | None: ..."), "return type str became str | None"),
        (("def generate(", "async def generate("), "labels [] became ['async']"),
    ],
)
def test_each_breaking_kind_is_found(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    _, _, changes = run(tmp_path, BASE, BASE.replace(*edit))
    assert ("imagegen.Client.generate", expected) in breaking(changes)


def test_a_class_losing_a_base_is_breaking_but_a_new_intermediate_base_is_not(
    tmp_path: Path,
) -> None:
    lost = BASE.replace("class RateLimitError(APIError)", "class RateLimitError(ImagegenError)")
    _, _, changes = run(tmp_path, BASE, lost)
    # ... and what it inherited from the base goes with it.
    assert breaking(changes) == [
        ("imagegen.RateLimitError", "no longer a subclass of imagegen.APIError"),
        ("imagegen.RateLimitError.retryable", "removed (attribute)"),
    ]

    intermediate = BASE.replace(
        "class RateLimitError(APIError)",
        "class Retryable(APIError): ...\n\nclass RateLimitError(Retryable)",
    )
    status, _, changes = run(tmp_path, BASE, intermediate)
    assert (status, breaking(changes)) == (0, [])


def test_a_member_moved_to_a_public_base_is_not_breaking(tmp_path: Path) -> None:
    moved = BASE.replace("    retryable: bool = False\n", "    pass\n").replace(
        "    generation_id: str | None = None\n",
        "    generation_id: str | None = None\n    retryable: bool = False\n",
    )
    status, _, changes = run(tmp_path, BASE, moved)
    assert (status, breaking(changes)) == (0, [])
    assert [c.path for c in changes] == ["imagegen.ImagegenError.retryable"]


def test_additions_pass(tmp_path: Path) -> None:
    added = BASE.replace(
        "name: str | None = None,", "name: str | None = None, seed: int | None = None,"
    ).replace('Literal["1k", "2k"]', 'Literal["1k", "2k", "4k"]')
    added = (
        added.replace('"WAIT"]', '"WAIT", "Pacing"]')
        + "\nclass Pacing:\n    window: float = 60.0\n"
    )
    status, report, changes = run(tmp_path, BASE, added)
    assert status == 0
    assert breaking(changes) == []
    assert {c.path for c in changes} == {
        "imagegen.Client.generate",
        "imagegen.Pacing",
        "imagegen.Pacing.window",
    }
    assert "additive:" in report


CHANGELOG = """\
# Changelog

## [Unreleased]

### {heading}

- `imagegen.Client.generate` no longer takes `name`.

## [0.1.0] - 2026-11-22

### Removed

- `imagegen.Client.__init__` lost a parameter long ago.
"""
NO_NAME = BASE.replace("name: str | None = None,", "")


@pytest.mark.parametrize("heading", ["Changed", "Removed", "Breaking changes"])
def test_a_breaking_change_recorded_in_the_changelog_passes(tmp_path: Path, heading: str) -> None:
    status, report, _ = run(tmp_path, BASE, NO_NAME, CHANGELOG.format(heading=heading))
    assert status == 0
    assert "breaking, recorded in CHANGELOG.md:" in report


def test_a_breaking_change_recorded_under_added_or_only_in_a_release_fails(
    tmp_path: Path,
) -> None:
    status, _, _ = run(tmp_path, BASE, NO_NAME, CHANGELOG.format(heading="Added"))
    assert status == 1
    released_only = BASE.replace("api_key: str | None = None, ", "")
    status, _, _ = run(tmp_path, BASE, released_only, CHANGELOG.format(heading="Changed"))
    assert status == 1  # imagegen.Client.__init__ is named only under 0.1.0


def test_only_the_exact_path_records_a_change() -> None:
    recorded = check_api.recorded_text(CHANGELOG.format(heading="Changed"))
    assert check_api.is_recorded("imagegen.Client.generate", recorded)
    assert not check_api.is_recorded("imagegen.Client", recorded)
    assert not check_api.is_recorded("imagegen.Client.gen", recorded)


def test_the_baseline_text_is_deterministic_and_reads_back(tmp_path: Path) -> None:
    api = api_of(tmp_path, BASE)
    text = check_api.dump(api)
    assert text == check_api.dump(api_of(tmp_path, BASE))
    assert json.loads(text) == api
    assert (
        '{"annotation": "str", "default": null, "kind": "positional or keyword", "name": "prompt"}'
        in text
    )


def test_the_repository_baseline_is_the_public_api_of_imagegen() -> None:
    """What `make check-api` checks, held here too: every object of the committed baseline is
    still there, unchanged or recorded (an unrecorded breaking change fails)."""
    baseline = json.loads(check_api.BASELINE.read_text(encoding="utf-8"))
    api = check_api.load_api()
    assert "imagegen.Client.generate" in api
    assert api["imagegen.RateLimitError"]["bases"] == ["imagegen.APIError"]
    assert "imagegen.ErrorCode.INSUFFICIENT_CREDITS" in api  # re-exported from the generated client
    status, report = check_api.check(baseline, api, check_api.CHANGELOG.read_text(encoding="utf-8"))
    assert status == 0, report
