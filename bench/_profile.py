"""Where a wrapper call spends its time beyond the HTTP exchange itself (cProfile).

The HTTP exchange (httpx, httpcore, h11, the socket) is what the raw baseline pays too; what is
left is the wrapper's own cost: the wrapper's modules, the generated client's, and whatever
library code they call (attrs, dateutil, json, ...). Functions are reported by module file and
name, with their own (exclusive) time per call, so the owner of a slow function sees it.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Code the raw httpx baseline runs as well; its time is not the wrapper's.
_EXCHANGE = ("/httpx/", "/httpcore/", "/h11/", "/anyio/", "/sniffio/", "/idna/")
_EXCHANGE_STDLIB = ("socket.py", "selectors.py", "ssl.py", "http/cookiejar.py")


def _area(filename: str) -> str:
    if "/imagegen_api/" in filename:
        return "generated"
    if "/imagegen/" in filename:
        return "wrapper"
    if any(part in filename for part in _EXCHANGE) or filename.endswith(_EXCHANGE_STDLIB):
        return "http exchange"
    if filename.startswith("~") or filename == "":
        return "builtins"
    return "other libraries / stdlib"


def _where(filename: str, line: int, name: str) -> str:
    if filename in ("~", ""):
        return name
    parts = Path(filename).parts
    for anchor in ("imagegen_api", "imagegen", "site-packages"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return f"{'/'.join(parts[index:])}:{line} {name}"
    return f"{Path(filename).name}:{line} {name}"


def profile_calls(call: Callable[[], Any], calls: int, top: int = 15) -> dict[str, Any]:
    """Run `call` `calls` times under cProfile; the time per call by area, and the functions
    outside the HTTP exchange with the most exclusive time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    raw = pstats.Stats(profiler).stats  # {(file, line, name): (cc, ncalls, tt, ct, callers)}
    by_area: dict[str, float] = {}
    functions: list[tuple[float, float, int, str, str]] = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        area = _area(filename)
        by_area[area] = by_area.get(area, 0.0) + tottime
        if area != "http exchange":
            functions.append((tottime, cumtime, ncalls, area, _where(filename, line, name)))
    functions.sort(reverse=True)
    total = sum(by_area.values())
    return {
        "calls": calls,
        "us_per_call_total": total / calls * 1e6,
        "us_per_call_by_area": {
            area: seconds / calls * 1e6 for area, seconds in sorted(by_area.items())
        },
        "top_functions_outside_http_exchange": [
            {
                "function": where,
                "area": area,
                "own_us_per_call": tottime / calls * 1e6,
                "cumulative_us_per_call": cumtime / calls * 1e6,
                "calls_per_call": ncalls / calls,
            }
            for tottime, cumtime, ncalls, area, where in functions[:top]
        ],
    }


def print_profile(title: str, profile: dict[str, Any]) -> None:
    print(f"\n{title}: {profile['us_per_call_total']:.0f} us per call under cProfile")
    for area, micros in profile["us_per_call_by_area"].items():
        print(f"  {area:<28} {micros:8.1f} us")
    print("  functions outside the HTTP exchange, by own time per call:")
    for entry in profile["top_functions_outside_http_exchange"]:
        print(
            f"    {entry['own_us_per_call']:7.1f} us own, {entry['cumulative_us_per_call']:7.1f} us"
            f" cum, x{entry['calls_per_call']:g}  [{entry['area']}] {entry['function']}"
        )
