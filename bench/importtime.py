"""Figure 2: import time of `imagegen` against `httpx`, the library it is built on.

Each sample is a fresh interpreter run with `-X importtime`; the figure is the top-level
module's cumulative time. Runs alternate (httpx, imagegen, httpx, ...) so both see the same
machine load, and one unmeasured run of each comes first (it may compile bytecode).
`import imagegen` imports httpx itself, so the ratio is 1 + (the wrapper's own cost / httpx's).

To show where the wrapper's own cost lies, the modules `import imagegen` loads that `import
httpx` does not are summed by package (their self times, median over the runs).
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import tempfile

from bench._report import Figure, median, run_alone

RUNS = 15
TARGET = 1.3


def import_times(module: str, cwd: str) -> tuple[int, dict[str, int]]:
    """The cumulative microseconds `import module` took in a fresh interpreter, and the self
    microseconds of every module it loaded, per `-X importtime`."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
        # As users run it: bytecode cached by the warm-up run, not compiled in every measured
        # one (some environments, this one included, set PYTHONDONTWRITEBYTECODE).
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    # Lines read "import time: <self us> | <cumulative us> | <name>", the name indented by
    # nesting depth: a top-level import has exactly one space before its name.
    total = None
    self_us: dict[str, int] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        self_us[name.strip()] = int(own)
        if name == f" {module}":
            total = int(cumulative)
    if total is None:
        raise RuntimeError(f"no top-level import of {module} in:\n{completed.stderr[-2000:]}")
    return total, self_us


def _package(name: str) -> str:
    """Wrapper modules one by one; anything else by its top-level package."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "imagegen" else parts[0]


def run(runs: int = RUNS) -> list[Figure]:
    totals: dict[str, list[int]] = {"httpx": [], "imagegen": []}
    added: dict[str, list[int]] = collections.defaultdict(list)
    # A neutral directory, so nothing in the working tree shadows an installed module.
    with tempfile.TemporaryDirectory() as cwd:
        for module in totals:
            import_times(module, cwd)
        for _ in range(runs):
            httpx_total, httpx_modules = import_times("httpx", cwd)
            imagegen_total, imagegen_modules = import_times("imagegen", cwd)
            totals["httpx"].append(httpx_total)
            totals["imagegen"].append(imagegen_total)
            by_package: collections.Counter[str] = collections.Counter()
            for name, micros in imagegen_modules.items():
                if name not in httpx_modules:
                    by_package[_package(name)] += micros
            for package, micros in by_package.items():
                added[package].append(micros)
    httpx_ms = median(totals["httpx"]) / 1000
    imagegen_ms = median(totals["imagegen"]) / 1000
    ratio = imagegen_ms / httpx_ms
    added_ms = {
        package: median(values + [0] * (runs - len(values))) / 1000
        for package, values in sorted(added.items(), key=lambda item: -median(item[1]))
    }
    if ratio > TARGET:
        print(f"\nimport imagegen: {imagegen_ms:.0f} ms vs httpx {httpx_ms:.0f} ms; added by:")
        for package, millis in list(added_ms.items())[:12]:
            print(f"  {millis:6.1f} ms  {package}")
    return [
        Figure(
            figure="2",
            name="import imagegen / import httpx (median of fresh runs)",
            measured=ratio,
            unit="x",
            target=f"<= {TARGET}",
            passed=ratio <= TARGET,
            details={
                "runs_each": runs,
                "imagegen_ms_median": imagegen_ms,
                "httpx_ms_median": httpx_ms,
                "wrapper_own_ms": imagegen_ms - httpx_ms,
                "added_self_ms_by_package": added_ms,
                "imagegen_us": totals["imagegen"],
                "httpx_us": totals["httpx"],
            },
            display=f"{ratio:.3f}x ({imagegen_ms:.0f} ms / {httpx_ms:.0f} ms)",
        )
    ]


def main() -> None:
    run_alone(run, "importtime")


if __name__ == "__main__":
    main()
