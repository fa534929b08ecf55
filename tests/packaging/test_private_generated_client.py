"""The generated low-level client is the private subpackage `imagegen._api`, never a second
top-level package a user could import by accident: not in a source checkout's editable install,
not in a wheel, not in a wheel built from the sdist.

The source stays in generated/imagegen/_api (written only by `make generate`);
wrapper/imagegen/_api links to it, so the wheel holds it at imagegen/_api and the editable
install reaches it there.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import zipfile
from pathlib import Path

import imagegen
import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated" / "imagegen" / "_api"
# What the generator's client is called as a top-level package, before it became imagegen._api.
OLD_NAME = "imagegen_api"

# Run in a fresh interpreter: the generated client imports as imagegen._api, from `expected`,
# and the old top-level name is not importable.
PROBE = textwrap.dedent(
    """
    import importlib.util, sys
    from pathlib import Path
    import imagegen._api.models, imagegen._api.api.images.get_image
    assert importlib.util.find_spec({old!r}) is None, importlib.util.find_spec({old!r})
    try:
        import {old}
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("import {old} worked: " + repr({old}))
    print(Path(imagegen._api.__file__).resolve().parent)
    """
)


def _probe(cwd: Path, *, flags: tuple[str, ...] = (), prelude: str = "") -> Path:
    """Where a fresh interpreter (run with `flags`, after `prelude`) imports imagegen._api from."""
    done = subprocess.run(
        [sys.executable, *flags, "-c", prelude + PROBE.format(old=OLD_NAME)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return Path(done.stdout.strip().splitlines()[-1])


def test_the_checkout_imports_the_generated_client_only_as_imagegen_api(tmp_path: Path) -> None:
    # The editable install (`make setup`) of this checkout, from a folder unrelated to it.
    assert _probe(tmp_path) == GENERATED


def test_no_top_level_package_of_the_generated_client_is_left_in_the_checkout() -> None:
    assert not (ROOT / "generated" / OLD_NAME).exists()
    # generated/imagegen only places _api under imagegen: a module of its own there would be a
    # second, hand-written half of the package.
    assert sorted(p.name for p in (ROOT / "generated").iterdir()) == ["imagegen"]
    assert sorted(p.name for p in (ROOT / "generated" / "imagegen").iterdir()) == ["_api"]


def _public_modules() -> list[str]:
    """imagegen and each of its modules no part of whose name starts with an underscore."""
    wrapper = ROOT / "wrapper"
    names = []
    for path in sorted((wrapper / "imagegen").rglob("*.py")):
        parts = path.relative_to(wrapper).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(part.startswith("_") for part in parts):
            names.append(".".join(parts))
    return names


@pytest.mark.parametrize("module", _public_modules())
def test_no_public_all_names_the_generated_client(module: str) -> None:
    exported = set(getattr(importlib.import_module(module), "__all__", ()))
    assert not {"_api", OLD_NAME} & exported


def test_imagegen_exports_no_name_of_the_generated_package_itself() -> None:
    assert "_api" not in imagegen.__all__
    private = [n for n in imagegen.__all__ if n.startswith("_") and not n.startswith("__")]
    assert not private


def _build(args: list[str], out: Path) -> Path:
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(out), *args),
        ],
        check=True,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build([str(ROOT)], tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def wheel_from_sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sdists = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(sdists)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (sdist,) = sdists.glob("*.tar.gz")
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    return _build([str(source)], tmp_path_factory.mktemp("wheel-from-sdist"))


@pytest.fixture(params=["wheel", "wheel_from_sdist"])
def built(request: pytest.FixtureRequest) -> Path:
    wheel: Path = request.getfixturevalue(request.param)
    return wheel


def test_the_wheel_holds_the_generated_client_inside_imagegen(built: Path) -> None:
    names = zipfile.ZipFile(built).namelist()
    for required in (
        "imagegen/_api/__init__.py",
        "imagegen/_api/py.typed",
        "imagegen/_api/models/__init__.py",
        "imagegen/_api/api/images/get_image.py",
    ):
        assert required in names
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"imagegen"}, top_level


def test_an_installed_wheel_imports_the_generated_client_only_as_imagegen_api(
    built: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"),
            *("--target", str(target), str(built)),
        ],
        check=True,
    )
    # -S: no site, so none of this checkout's editable install (.pth files, finder) is active;
    # the runtime dependencies come from this environment's site-packages, after the wheel's.
    dependencies = sysconfig.get_paths()["purelib"]
    prelude = f"import sys; sys.path[:0] = [{str(target)!r}, {dependencies!r}]\n"
    assert _probe(tmp_path, flags=("-S",), prelude=prelude) == target / "imagegen" / "_api"


def test_the_api_gate_reads_the_generated_client_inside_imagegen_and_not_as_public() -> None:
    from tests.tools.conftest import load_tool

    api = load_tool("check_api").load_api()
    # Re-exported from imagegen._api.models: resolved, under its public name only.
    assert api["imagegen.ErrorCode"]["kind"] == "class"
    assert "imagegen.ErrorCode.INSUFFICIENT_CREDITS" in api
    assert not [path for path in api if path.startswith(("imagegen._api", OLD_NAME))]


def test_the_drift_gate_fails_on_what_the_generator_does_not_write_in_generated(
    tmp_path: Path,
) -> None:
    # A copy of generated/ with a hand-written half of the package and the old package's folder
    # (as a checkout keeps it after the move, holding only bytecode).
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "imagegen" / "__init__.py").write_text("")
    (copy / OLD_NAME / "__pycache__").mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--check", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "not generated from the spec: imagegen/__init__.py" in done.stdout
    assert f"not generated from the spec: {OLD_NAME}/" in done.stdout
    # The copy as it was generated passes.
    (copy / "imagegen" / "__init__.py").unlink()
    shutil.rmtree(copy / OLD_NAME)
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--check", str(copy)],
        capture_output=True,
        check=True,
    )


def test_a_users_type_checker_sees_the_generated_types_through_the_editable_install(
    tmp_path: Path,
) -> None:
    """mypy in a user's project (no config of this repository, outside the checkout) follows
    `imagegen._api` as it is installed: the spec's enums are real types, not Any, so a value the
    spec lacks is an error."""
    user = tmp_path / "user_code.py"
    user.write_text(
        textwrap.dedent(
            """
            import imagegen

            def make(client: imagegen.Client) -> None:
                client.images.create("a fox", resolution="3k")
                reveal_type(imagegen.ErrorCode.INSUFFICIENT_CREDITS)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 'Argument "resolution" has incompatible type "Literal[\'3k\']"' in done.stdout
    assert 'Revealed type is "Literal[imagegen._api.models.error_code.ErrorCode' in done.stdout
