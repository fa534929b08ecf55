"""Where a wrapper call spends its time beyond what the raw httpx call spends (cProfile).

Both calls are profiled the same way; per function, the own (exclusive) time per call of the
raw call is subtracted from the wrapper call's. What is left, largest first, is the wrapper's
own cost: its modules, the generated client's, and the library code they call (attrs, json,
uuid, ...), each named by file, line and function so its owner sees it. Only functions the
wrapper call runs more often than the raw call are listed (the rest differ by noise only).
Socket reads and writes are left out: their time is the server's and the network's.
cProfile charges a fixed cost to every call, so functions called many times (genexprs, small
helpers) look bigger than they are: read the list as where to look, not as exact shares.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Time spent waiting on the socket is the server's, not the client's.
_WAITING = ("_socket.socket", "select.", "selectors.py", "'poll'", "epoll")


def _where(filename: str, line: int, name: str) -> str:
    if filename in ("~", ""):
        return name
    parts = Path(filename).parts
    for anchor in ("imagegen", "site-packages", "python3.11"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            start = index + 1 if anchor in ("site-packages", "python3.11") else index
            return f"{'/'.join(parts[start:])}:{line} {name}"
    return f"{Path(filename).name}:{line} {name}"


def profile_calls(call: Callable[[], Any], calls: int) -> dict[str, Any]:
    """Run `call` `calls` times under cProfile; per function, own and cumulative us per call."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    functions: dict[str, dict[str, float]] = {}
    total = 0.0
    # stats: {(file, line, name): (primitive calls, calls, own time, cumulative time, callers)}
    for (filename, line, name), (_, ncalls, own, cumulative, _) in pstats.Stats(
        profiler
    ).stats.items():  # type: ignore[attr-defined]
        total += own
        functions[_where(filename, line, name)] = {
            "own_us": own / calls * 1e6,
            "cumulative_us": cumulative / calls * 1e6,
            "calls": ncalls / calls,
        }
    return {"calls": calls, "total_us": total / calls * 1e6, "functions": functions}


def extra_cost(wrapper: dict[str, Any], raw: dict[str, Any], top: int = 15) -> dict[str, Any]:
    """The functions whose own time per call the wrapper call adds over the raw call."""
    extra = []
    waiting = {"wrapper": 0.0, "raw": 0.0}
    for name, profile in (("wrapper", wrapper), ("raw", raw)):
        for function, entry in profile["functions"].items():
            if any(marker in function for marker in _WAITING):
                waiting[name] += entry["own_us"]
    for function, entry in wrapper["functions"].items():
        if any(marker in function for marker in _WAITING):
            continue
        baseline = raw["functions"].get(function, {"own_us": 0.0, "calls": 0.0})
        # A function both make equally often differs only by noise; keep the ones the wrapper
        # adds or calls more often.
        if entry["calls"] <= baseline["calls"]:
            continue
        extra.append(
            {
                "function": function,
                "extra_own_us": entry["own_us"] - baseline["own_us"],
                "cumulative_us": entry["cumulative_us"],
                "calls": entry["calls"],
                "raw_calls": baseline["calls"],
            }
        )
    extra.sort(key=lambda entry: entry["extra_own_us"], reverse=True)
    client_wrapper = wrapper["total_us"] - waiting["wrapper"]
    client_raw = raw["total_us"] - waiting["raw"]
    return {
        "client_us_wrapper": client_wrapper,
        "client_us_raw": client_raw,
        "client_us_extra": client_wrapper - client_raw,
        "top": extra[:top],
    }


def print_extra(title: str, extra: dict[str, Any]) -> None:
    print(f"\n{title}: the functions that add the most, per call, under cProfile:")
    for entry in extra["top"]:
        print(
            f"  {entry['extra_own_us']:+7.1f} us own ({entry['cumulative_us']:7.1f} us cum, "
            f"x{entry['calls']:g} vs x{entry['raw_calls']:g})  {entry['function']}"
        )
