"""Figure 2: import time of `imagegen` against `httpx`, the library it is built on.

Each sample is a fresh interpreter run with `-X importtime`; the figure is the top-level
module's cumulative time. Runs alternate (httpx, imagegen, httpx, ...) so both see the same
machine load, and one unmeasured run of each comes first (it may compile bytecode).
`import imagegen` imports httpx itself, so the ratio is 1 + (the wrapper's own cost / httpx's).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from bench._report import Figure, median, run_alone

RUNS = 15
TARGET = 1.5


def cumulative_import_us(module: str, cwd: str) -> int:
    """Microseconds the import of `module` took in a fresh interpreter, per `-X importtime`."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    # Lines read "import time: <self us> | <cumulative us> | <name>", the name indented by
    # nesting depth: a top-level import has exactly one space before its name.
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        _self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        if name == f" {module}":
            return int(cumulative_us)
    raise RuntimeError(f"no top-level import of {module} in:\n{completed.stderr[-2000:]}")


def run(runs: int = RUNS) -> list[Figure]:
    samples: dict[str, list[int]] = {"httpx": [], "imagegen": []}
    # A neutral directory, so nothing in the working tree shadows an installed module.
    with tempfile.TemporaryDirectory() as cwd:
        for module in samples:
            cumulative_import_us(module, cwd)
        for _ in range(runs):
            for module, values in samples.items():
                values.append(cumulative_import_us(module, cwd))
    httpx_ms = median(samples["httpx"]) / 1000
    imagegen_ms = median(samples["imagegen"]) / 1000
    ratio = imagegen_ms / httpx_ms
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
                "imagegen_us": samples["imagegen"],
                "httpx_us": samples["httpx"],
            },
        )
    ]


def main() -> None:
    run_alone(run, "importtime")


if __name__ == "__main__":
    main()
