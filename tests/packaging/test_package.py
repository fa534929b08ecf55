"""The distribution ships both packages, typed, and `import imagegen` stays lean."""

from __future__ import annotations

import email.parser
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
    (built,) = out.glob("imagegen-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_the_wrapper_and_the_generated_client_with_type_markers(
    wheel: zipfile.ZipFile,
) -> None:
    names = set(wheel.namelist())
    for required in (
        "imagegen/__init__.py",
        "imagegen/py.typed",
        "imagegen_api/__init__.py",
        "imagegen_api/py.typed",
        "imagegen_api/models/generation.py",
        "imagegen_api/api/images/create_image.py",
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


def test_import_imagegen_loads_no_cli_or_sandbox_dependency() -> None:
    # httpx's own __init__ imports rich and pygments whenever they are installed (for its CLI),
    # so only what imagegen adds on top of httpx is imagegen's doing.
    heavy = ("starlette", "uvicorn", "PIL", "rich", "anyio", "imagegen.sandbox", "imagegen.cli")
    code = (
        "import sys, httpx; before = set(sys.modules); import imagegen, imagegen_api; "
        f"added = set(sys.modules) - before; "
        f"print(','.join(sorted(m for m in added if m.split('.')[0] in {heavy!r} "
        f"or m in {heavy!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert loaded == "", f"import imagegen pulled in {loaded}"
