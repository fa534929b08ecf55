"""The distribution (`imagegen-sdk`: the name `imagegen` on PyPI is another project's) ships
the package, with the generated client inside it as imagegen._api, typed, with the `imagegen`
command, and `import imagegen` stays lean."""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "imagegen-sdk"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(out), str(ROOT)),
        ],
        check=True,
    )
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_the_wrapper_and_the_generated_client_with_type_markers(
    wheel: zipfile.ZipFile,
) -> None:
    names = set(wheel.namelist())
    for required in (
        "imagegen/__init__.py",
        "imagegen/py.typed",
        "imagegen/_api/__init__.py",
        "imagegen/_api/py.typed",
        "imagegen/_api/models/generation.py",
        "imagegen/_api/api/images/create_image.py",
    ):
        assert required in names, f"{required} missing from the wheel"
    assert not any(n.startswith(("wrapper/", "generated/", "tests/")) for n in names)


def test_wheel_metadata_requires_python_311_and_only_lean_runtime_deps(
    wheel: zipfile.ZipFile,
) -> None:
    (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = email.parser.Parser().parsestr(wheel.read(meta_name).decode())
    assert meta["Requires-Python"] == ">=3.11"
    runtime = sorted(
        r.split(">")[0].split("<")[0].split("=")[0].strip()
        for r in meta.get_all("Requires-Dist") or []
        if "extra ==" not in r
    )
    assert runtime == ["attrs", "httpx", "python-dateutil"]
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"cli", "sandbox", "dev"} <= extras


def test_the_distribution_is_imagegen_sdk_with_the_imagegen_command(
    wheel: zipfile.ZipFile,
) -> None:
    assert Path(wheel.filename or "").name.startswith("imagegen_sdk-")
    (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = email.parser.Parser().parsestr(wheel.read(meta_name).decode())
    assert meta["Name"] == DISTRIBUTION
    # The dev extra names this distribution's own extras, which the build inlines; a
    # requirement on `imagegen` would be one on the unrelated project of that name.
    requires = meta.get_all("Requires-Dist") or []
    assert not [r for r in requires if re.match(r"imagegen\b", r)], requires
    dev = {re.split(r"[<>=;\[ ]", r)[0] for r in requires if "extra == 'dev'" in r}
    assert {"rich", "starlette", "uvicorn", "pillow"} <= dev, dev
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "imagegen = imagegen.cli:main" in wheel.read(entry_points).decode()


# `pip install imagegen...` in any of its spellings, quoted or not, with or without extras.
_INSTALL = re.compile(r"pip install\s+['\"]?(imagegen[\w.-]*)")


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "wrapper" / "imagegen" / "cli").glob("*.py")),
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_install_command_names_the_distribution(path: Path) -> None:
    """`pip install 'imagegen[cli]'` would install the unrelated project called imagegen."""
    names = _INSTALL.findall(path.read_text())
    assert all(name == DISTRIBUTION for name in names), names


def test_the_readme_says_how_to_install_before_the_quick_start() -> None:
    readme = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", readme, re.M)
    assert "Install" in headings
    assert headings.index("Install") + 1 == headings.index("Quick start")
    install = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    for command in (
        f"pip install '{DISTRIBUTION}'",
        f"pip install '{DISTRIBUTION}[cli]'",
        f"pip install '{DISTRIBUTION}[sandbox]'",
    ):
        assert command in install
    assert "import imagegen" in install


def test_import_imagegen_loads_no_cli_or_sandbox_dependency() -> None:
    # httpx's own __init__ imports rich and pygments whenever they are installed (for its CLI),
    # so only what imagegen adds on top of httpx is imagegen's doing.
    heavy = ("starlette", "uvicorn", "PIL", "rich", "anyio", "imagegen.sandbox", "imagegen.cli")
    code = (
        "import sys, httpx; before = set(sys.modules); import imagegen, imagegen._api; "
        f"added = set(sys.modules) - before; "
        f"print(','.join(sorted(m for m in added if m.split('.')[0] in {heavy!r} "
        f"or m in {heavy!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert loaded == "", f"import imagegen pulled in {loaded}"
