"""Generate the low-level client from spec/openapi.yaml, or check that generated/ matches it.

    python tools/generate.py generated           # rewrite generated/imagegen_api
    python tools/generate.py --check generated   # exit 1 and show the diff if it drifted

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
# the generator's): models_init.py.jinja makes `imagegen_api.models` import each model lazily.
TEMPLATES = ROOT / "spec" / "templates"
PACKAGE = "imagegen_api"
IGNORED = {"__pycache__", ".ruff_cache"}
PATH = os.environ.get("PATH", "")


def generate_into(folder: Path) -> Path:
    out = folder / PACKAGE
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
    return {
        str(p.relative_to(root)): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and not IGNORED.intersection(p.relative_to(root).parts)
    }


def differences(expected: Path, actual: Path) -> list[str]:
    want, have = tree(expected), tree(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            lines.append(f"missing: {name}")
        elif name not in want:
            lines.append(f"not generated from the spec: {name}")
        elif not filecmp.cmp(want[name], have[name], shallow=False):
            lines.extend(
                difflib.unified_diff(
                    want[name].read_text().splitlines(),
                    have[name].read_text().splitlines(),
                    f"spec-generated/{name}",
                    f"generated/{PACKAGE}/{name}",
                    lineterm="",
                )
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder that holds imagegen_api")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    target = (ROOT / args.target / PACKAGE).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate_into(Path(scratch))
        if args.check:
            diff = differences(fresh, target)
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
        print(f"wrote generated/{PACKAGE}")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
