"""The public-API gate (tools/check_api.py) on small packages written for each test, and on the
repository's own baseline."""

from __future__ import annotations

import json
import shutil
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


# --- `**options: Unpack[TypedDict]`: each key is a keyword-only parameter ---------------------

OPTIONS = textwrap.dedent(
    """
    from typing import Generator, Literal, NotRequired, Required, TypedDict, Unpack

    __all__ = ["Client"]

    Plan = Generator

    def blocking(plan): ...

    class Common(TypedDict):
        seed: NotRequired[int]

    class Options(Common, total=False):
        model: str | None
        resolution: Literal["1k", "2k"] | None
        tag: Required[str]

    class Plans:
        def create(self, prompt: str, **options: Unpack[Options]) -> Plan[str]: ...

    class Client:
        create = blocking(Plans.create)

        def direct(self, prompt: str, **options: Unpack[Options]) -> str: ...
"""
)


def test_the_keys_of_an_unpacked_typed_dict_are_keyword_only_parameters(tmp_path: Path) -> None:
    api = api_of(tmp_path, OPTIONS)
    for path in ("imagegen.Client.create", "imagegen.Client.direct"):
        parameters = {p["name"]: p for p in api[path]["parameters"]}
        assert list(parameters) == ["prompt", "seed", "model", "resolution", "tag"], path
        assert {p["kind"] for name, p in parameters.items() if name != "prompt"} == {"keyword-only"}
        # total=False, NotRequired: may be left out; Required: must be passed.
        assert parameters["model"]["default"] == check_api.OMITTED
        assert parameters["seed"]["default"] == check_api.OMITTED
        assert parameters["tag"]["default"] is None
        assert parameters["tag"]["annotation"] == "str"
        assert parameters["resolution"]["annotation"] == "Literal['1k', '2k'] | None"


@pytest.mark.parametrize("method", ["create", "direct"])
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("    model: str | None\n", ""), "parameter model removed"),
        (
            ('Literal["1k", "2k"]', 'Literal["1k"]'),
            "parameter resolution Literal['1k', '2k'] | None became Literal['1k'] | None",
        ),
        (("model: str | None", "model: Required[str | None]"), "parameter model became required"),
        (("NotRequired[int]", "int"), "parameter seed became required"),
        (("Options(Common, total=False)", "Options(Common)"), "parameter model became required"),
        (
            ("    seed: NotRequired[int]\n", "    seed: NotRequired[int]\n    size: int\n"),
            "required parameter size added",
        ),
    ],
)
def test_a_removed_narrowed_or_newly_required_key_is_breaking(
    tmp_path: Path, method: str, edit: tuple[str, str], expected: str
) -> None:
    status, _, changes = run(tmp_path, OPTIONS, OPTIONS.replace(*edit))
    assert status == 1
    assert (f"imagegen.Client.{method}", expected) in breaking(changes)


def test_a_key_added_or_made_optional_is_additive(tmp_path: Path) -> None:
    added = OPTIONS.replace(
        "    model: str | None\n", "    model: str | None\n    style: str\n"
    ).replace("tag: Required[str]", "tag: str")
    status, _, changes = run(tmp_path, OPTIONS, added)
    assert (status, breaking(changes)) == (0, [])
    assert {(c.path, c.what) for c in changes} >= {
        ("imagegen.Client.create", "optional parameter style added"),
        ("imagegen.Client.create", "parameter tag became optional"),
    }


def test_an_unpack_the_gate_cannot_read_absorbs_no_removed_keyword(tmp_path: Path) -> None:
    """A `**x: Unpack[...]` whose TypedDict griffe cannot read (an external one) is kept as it
    is; it takes only the keys of that TypedDict, so a keyword-only parameter moved into it is
    not known to be taken: breaking (a plain `**kwargs` takes it)."""
    old = "__all__ = ['f']\n\ndef f(*, model: str | None = None, **x: int) -> None: ...\n"
    new = (
        "from typing import Unpack\nfrom elsewhere import Options\n\n__all__ = ['f']\n\n"
        "def f(**x: Unpack[Options]) -> None: ...\n"
    )
    _, _, changes = run(tmp_path, old, new)
    assert ("imagegen.f", "parameter model removed") in breaking(changes)
    _, _, changes = run(tmp_path, old, old.replace("*, model: str | None = None, ", ""))
    assert breaking(changes) == []


def test_a_create_option_removed_from_the_repository_is_breaking(tmp_path: Path) -> None:
    """The reviewer's case: `model` deleted from CreateImageRequest and regenerated leaves
    CreateOptions (wrapper/imagegen/_spec/create.py) without it; every create must report it."""
    for folder in check_api.SEARCH_PATHS:
        shutil.copytree(
            folder / "imagegen",
            tmp_path / folder.name / "imagegen",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    create = tmp_path / "wrapper" / "imagegen" / "_spec" / "create.py"
    source = create.read_text(encoding="utf-8")
    assert "    model: str | None\n" in source
    create.write_text(source.replace("    model: str | None\n", ""), encoding="utf-8")

    baseline = check_api.load_api()
    api = check_api.load_api("imagegen", tuple(tmp_path / f.name for f in check_api.SEARCH_PATHS))
    model = {"annotation": "str | None", "default": check_api.OMITTED, "kind": "keyword-only"}
    assert {**model, "name": "model"} in baseline["imagegen.Images.create"]["parameters"]
    status, report = check_api.check(baseline, api, "")
    assert status == 1, report
    assert {path for path, what in breaking(check_api.compare(baseline, api))} == {
        "imagegen.Images.create",
        "imagegen.AsyncImages.create",
        "imagegen.Client.generate",
        "imagegen.AsyncClient.generate",
    }
    assert "imagegen.Images.create: parameter model removed" in report
