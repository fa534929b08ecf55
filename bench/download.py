"""Figure 5: memory a download needs, for two sizes of the same kind of file.

The sandbox runs on uvicorn in a second process (it makes the image there, so none of that
memory is the client's). The prompt trigger `sandbox:noise` makes the output incompressible:
a 4k 1:1 PNG of about 48 MiB, and a 2k one of about 12 MiB. Each is downloaded through
`client.images.download` into a temporary directory, and measured twice, in separate runs:

- traced: `tracemalloc` peak during the download, minus what was traced before it (every
  Python allocation, the response chunks included);
- RSS: the process's resident high-water mark (VmHWM in /proc/self/status, reset first by
  writing 5 to /proc/self/clear_refs) minus the resident size before the download; it also
  sees memory Python's tracing does not (C buffers, the SSL-free socket reads).

One unmeasured download comes first so imports and connections are already in place. Constant
memory means the growth is the same for both sizes: the figure compares them.
"""

from __future__ import annotations

import gc
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._report import Figure, run_alone
from bench._server import sandbox_process

MIB = 1024 * 1024
TARGET_MIB = 8.0
# How much more the large file's growth may be than the small one's and still be "the same".
SAME_GROWTH_MIB = 1.0
SIZES = {"large": ("4k", 30 * MIB), "small": ("2k", 0)}
SPEED = 1000.0


def _proc_status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_growth(download: Callable[[], Any]) -> float:
    """Bytes by which the resident high-water mark rose over the resident size before."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    before = _proc_status_kib("VmRSS")
    download()
    return (_proc_status_kib("VmHWM") - before) * 1024.0


def traced_growth(download: Callable[[], Any]) -> float:
    """Bytes by which traced Python memory peaked over what was traced before."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        download()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return float(peak - before)


def _finished(client: Any, resolution: str) -> Any:
    created = client.images.create("static on a screen sandbox:noise", resolution=resolution)
    return client.images.wait(created.id, timeout=300)


def measure(client: Any, generation: Any) -> dict[str, float]:
    sizes: list[int] = []

    def download() -> None:
        with tempfile.TemporaryDirectory() as directory:
            paths = client.images.download(generation, directory)
            sizes[:] = [path.stat().st_size for path in paths]

    download()  # unmeasured: imports, the connection, first-use allocations
    traced = traced_growth(download)
    rss = rss_growth(download)
    return {"file_bytes": float(sum(sizes)), "traced_bytes": traced, "rss_bytes": rss}


def run() -> list[Figure]:
    import imagegen
    from imagegen.sandbox import DEFAULT_API_KEY

    results: dict[str, dict[str, float]] = {}
    with (
        sandbox_process(speed=SPEED) as server,
        imagegen.Client(api_key=DEFAULT_API_KEY, base_url=server.base_url) as client,
    ):
        generations = {name: _finished(client, res) for name, (res, _) in SIZES.items()}
        for name, generation in generations.items():
            results[name] = measure(client, generation)
    for name, (_, minimum) in SIZES.items():
        if results[name]["file_bytes"] < minimum:
            raise RuntimeError(f"the {name} output is {results[name]['file_bytes']:.0f} bytes")

    large, small = results["large"], results["small"]
    worst_large = max(large["traced_bytes"], large["rss_bytes"]) / MIB
    scaling = {
        kind: (large[f"{kind}_bytes"] - small[f"{kind}_bytes"]) / MIB for kind in ("traced", "rss")
    }
    file_mib = {name: result["file_bytes"] / MIB for name, result in results.items()}
    return [
        Figure(
            figure="5",
            name=f"download of a {file_mib['large']:.0f} MiB 4k output: peak memory growth",
            measured=worst_large,
            unit="MiB",
            target=f"<= {TARGET_MIB:g} MiB",
            passed=worst_large <= TARGET_MIB,
            details={"results": results},
            display=(
                f"traced {large['traced_bytes'] / MIB:.2f} MiB, "
                f"RSS {large['rss_bytes'] / MIB:.2f} MiB"
            ),
        ),
        Figure(
            figure="5",
            name=(
                f"growth, {file_mib['large']:.0f} MiB file minus {file_mib['small']:.0f} MiB file"
            ),
            measured=max(scaling.values()),
            unit="MiB",
            target=f"<= {SAME_GROWTH_MIB:g} MiB (size-independent)",
            passed=max(scaling.values()) <= SAME_GROWTH_MIB,
            details={"difference_mib": scaling, "file_mib": file_mib},
            display=f"traced {scaling['traced']:+.2f} MiB, RSS {scaling['rss']:+.2f} MiB",
        ),
    ]


def main() -> None:
    run_alone(run, "download")


if __name__ == "__main__":
    main()
