"""What a figure is, how a table of them is printed, and where the JSON goes."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One row of the table: a measured value beside its target.

    `passed` is None for figures that have no target (reported for the record only).
    `details` holds everything the value was computed from, so a later run can be compared.
    """

    figure: str
    name: str
    measured: float
    unit: str
    target: str
    passed: bool | None
    details: dict[str, Any] = field(default_factory=dict)
    # How the table shows the value, when one number does not tell it (e.g. "9 req, lag 1.2 s").
    display: str | None = None

    def shown(self) -> str:
        if self.display is not None:
            return self.display
        if self.unit == "x":
            return f"{self.measured:.3f}x"
        if self.unit == "fraction":
            return f"{self.measured:.3f}"
        if math.isfinite(self.measured) and self.measured == int(self.measured):
            return f"{int(self.measured)} {self.unit}".strip()
        return f"{self.measured:.3g} {self.unit}".strip()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the value below which `fraction` of the samples fall."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def verdict(passed: bool | None) -> str:
    if passed is None:
        return "-"
    return "pass" if passed else "FAIL"


def print_table(figures: Sequence[Figure], *, file: Any = None) -> None:
    out = file or sys.stdout
    rows = [("#", "figure", "measured", "target", "result")]
    rows += [(f.figure, f.name, f.shown(), f.target, verdict(f.passed)) for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)), file=out
        )
        if index == 0:
            print("  ".join("-" * width for width in widths), file=out)


def markdown_table(figures: Sequence[Figure]) -> str:
    lines = ["| # | figure | measured | target | result |", "|---|---|---|---|---|"]
    lines += [
        f"| {f.figure} | {f.name} | {f.shown()} | {f.target} | {verdict(f.passed)} |"
        for f in figures
    ]
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_results(figures: Sequence[Figure], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"environment": environment(), "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")


def run_alone(run: Callable[[], list[Figure]], results_name: str) -> None:
    """Entry point of one figure's script: measure, print its rows, write its own JSON."""
    figures = run()
    print_table(figures)
    path = RESULTS_DIR / f"{results_name}.json"
    write_results(figures, path)
    print(f"\nwritten: {path}")
