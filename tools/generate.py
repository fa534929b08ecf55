"""Generate the low-level client from spec/openapi.yaml, or check that generated/ matches it.

    python tools/generate.py generated           # rewrite generated/imagegen/_api
    python tools/generate.py --check generated   # exit 1 and show the diff if it drifted

The client is the private subpackage `imagegen._api` (no second top-level package a user could
import by accident), so it is written to generated/imagegen/_api: generated/imagegen holds nothing
else (no __init__.py; the package's own is the wrapper's). wrapper/imagegen/_api is a link to it,
so the editable install and type checkers find it there, and the wheel holds its files at
imagegen/_api (pyproject.toml). Its modules import each
other relatively, so its package name appears only in comments.

The generator runs with the project's templates (spec/templates/, each replacing the generator's
own of the same name), in a scratch folder so a failed run never leaves generated/ half-written.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
CONFIG = ROOT / "spec" / "generator-config.yaml"
# The project's templates, each replacing the generator's own of the same name (the rest stay
# the generator's): models_init.py.jinja makes `imagegen._api.models` import each model lazily.
TEMPLATES = ROOT / "spec" / "templates"
# Where the package goes inside the target folder (generated/), as it is imported: imagegen._api.
PACKAGE = Path("imagegen", "_api")
IGNORED = {"__pycache__", ".ruff_cache"}
PATH = os.environ.get("PATH", "")


def generate_into(folder: Path) -> Path:
    out = folder / PACKAGE
    out.parent.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(SPEC),
            "--config",
            str(CONFIG),
            "--custom-template-path",
            str(TEMPLATES),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--fail-on-warning",
        ],
        check=True,
        cwd=folder,
        # The post-hooks run `ruff` and `python`: those of this interpreter's environment, pinned.
        env={**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), PATH])},
    )
    return out


def tree(root: Path) -> dict[str, Path]:
    """Each file and folder under `root` by its relative path (a folder's ends with "/")."""
    return {
        str(p.relative_to(root)) + ("/" if p.is_dir() else ""): p
        for p in sorted(root.rglob("*"))
        if not IGNORED.intersection(p.relative_to(root).parts)
    }


def differences(expected: Path, actual: Path) -> list[str]:
    want, have = tree(expected), tree(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            lines.append(f"missing: {name}")
        elif name not in want:
            lines.append(f"not generated from the spec: {name}")
        elif name.endswith("/"):
            continue  # a folder both have: its files are compared one by one
        elif not filecmp.cmp(want[name], have[name], shallow=False):
            lines.extend(
                difflib.unified_diff(
                    want[name].read_text().splitlines(),
                    have[name].read_text().splitlines(),
                    f"spec-generated/{name}",
                    f"generated/{name}",
                    lineterm="",
                )
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder that holds imagegen/_api")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    folder = (ROOT / args.target).resolve()
    target = folder / PACKAGE
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate_into(Path(scratch))
        if args.check:
            # The whole folder, not only the package: a file or folder the generator does not
            # write there (a hand-written generated/imagegen/__init__.py, a stale package left by
            # an older layout) is drift too.
            diff = differences(Path(scratch), folder)
            if diff:
                print("\n".join(diff[:400]))
                print(
                    f"\ngenerated/{PACKAGE} differs from what {SPEC.relative_to(ROOT)} generates: "
                    "never edit it by hand; change the spec or its config and run `make generate`.",
                    file=sys.stderr,
                )
                return 1
            print(f"generated/{PACKAGE} matches the spec.")
            return 0
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target, ignore=shutil.ignore_patterns(*IGNORED))
        # The package's place before it became imagegen._api: remove it rather than leave a
        # folder that `--check` reports and the import rule's test fails on.
        shutil.rmtree(folder / "imagegen_api", ignore_errors=True)
        print(f"wrote generated/{PACKAGE}")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
