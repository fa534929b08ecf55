"""`python -m bench`: every figure, one table, bench/results/latest.json.

`python -m bench overhead polling` runs only the named figures; `--markdown` also prints the
table as Markdown, as docs/bench.md shows it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from bench._report import RESULTS_DIR, Figure, markdown_table, print_table, write_results

# In the order of the table. Each module has `run() -> list[Figure]` and runs alone as a script.
FIGURES = {
    "overhead": "1",
    "importtime": "2",
    "polling": "3",
    "batch": "4",
    "batch_processes": "4",
    "download": "5",
    "sandbox": "6",
    "batches": "7",
}


def run_figure(module_name: str) -> list[Figure]:
    started = time.perf_counter()
    print(f"[bench] {module_name} ...", file=sys.stderr, flush=True)
    try:
        module = importlib.import_module(f"bench.{module_name}")
        figures: list[Figure] = module.run()
    except Exception as error:
        # One broken figure must not hide the others: it becomes a failed row.
        traceback.print_exc()
        figures = [
            Figure(
                figure=FIGURES[module_name],
                name=f"{module_name}: did not run ({type(error).__name__}: {error})"[:110],
                measured=float("nan"),
                unit="",
                target="runs",
                passed=False,
            )
        ]
    elapsed = time.perf_counter() - started
    print(f"[bench] {module_name} done in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("figures", nargs="*", help=f"some of: {', '.join(FIGURES)} (default: all)")
    parser.add_argument(
        "--markdown", action="store_true", help="also print the table as Markdown (for docs)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.figures) - set(FIGURES))
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    names = args.figures or list(FIGURES)
    figures = [figure for name in names for figure in run_figure(name)]
    print()
    print_table(figures)
    if args.markdown:
        print()
        print(markdown_table(figures))
    path = RESULTS_DIR / "latest.json"
    write_results(figures, path)
    print(f"\nwritten: {path}")
    # A missed target is a finding to report, not a crash: exit 0 unless a figure did not run.
    return 1 if any(f.target == "runs" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
