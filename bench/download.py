"""Figure 5: memory a download needs, for two sizes of the same kind of file.

The sandbox runs on uvicorn in a second process (it makes the image there, so none of that
memory is the client's). The prompt trigger `sandbox:noise` makes the output incompressible:
a 4k 1:1 PNG of about 48 MiB, and a 2k one of about 12 MiB. Each is downloaded through
`client.images.download` into a temporary directory, measured two ways:

- traced, in this process: the `tracemalloc` peak during the download minus what was traced
  before it (every Python allocation, the response chunks included), after one unmeasured
  download of the same file (imports, the connection);
- RSS, in a fresh child process per size: the resident high-water mark (VmHWM in
  /proc/self/status, reset by writing 5 to /proc/self/clear_refs) minus the resident size just
  before the download, after a warm-up download of a small ordinary 1k output. A fresh process
  keeps memory freed by earlier downloads from hiding growth; RSS also sees memory tracing does
  not (C buffers, the allocator's own).

Constant memory means the growth is the same for both sizes: the figure compares them. The
last row checks the method: the same RSS measurement of a plain `httpx.get(url).content`
download, which holds the whole body, shows growth of about the file's size.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
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


def _finished(client: Any, prompt: str, resolution: str) -> Any:
    created = client.images.create(prompt, resolution=resolution)
    return client.images.wait(created.id, timeout=300)


def _prime(generation: Any) -> None:
    """Have the sandbox render the files before anything is measured: it draws an output on
    its first request, which for a 48 MiB file on a loaded machine can outlast the 5 s
    default timeout of the httpx.Client the wrapper makes for itself."""
    import httpx

    for url in generation.output_images:
        with httpx.stream("GET", url, timeout=120) as response:
            for _ in response.iter_bytes():
                pass


def _downloader(client: Any, generation: Any, sizes: list[int]) -> Callable[[], None]:
    def download() -> None:
        with tempfile.TemporaryDirectory() as directory:
            paths = client.images.download(generation, directory)
            sizes[:] = [path.stat().st_size for path in paths]

    return download


def _client(base_url: str) -> Any:
    import imagegen
    from imagegen.sandbox import DEFAULT_API_KEY

    return imagegen.Client(api_key=DEFAULT_API_KEY, base_url=base_url)


def _naive_downloader(generation: Any, sizes: list[int]) -> Callable[[], None]:
    """The download one writes without streaming: the whole body in memory, then to disk."""
    import httpx

    def download() -> None:
        with tempfile.TemporaryDirectory() as directory:
            for index, url in enumerate(generation.output_images):
                body = httpx.get(url).raise_for_status().content
                (Path(directory) / f"{index}.png").write_bytes(body)
                sizes[:] = [len(body)]

    return download


def rss_child(base_url: str, generation_id: str, warm_up_id: str, how: str) -> None:
    """In a fresh process: warm up on a small file, then measure one download's RSS growth."""
    with _client(base_url) as client:
        warm_up, generation = client.images.get(warm_up_id), client.images.get(generation_id)
        sizes: list[int] = []
        if how == "naive":
            _naive_downloader(warm_up, [])()
            growth = rss_growth(_naive_downloader(generation, sizes))
        else:
            _downloader(client, warm_up, [])()
            growth = rss_growth(_downloader(client, generation, sizes))
    print(json.dumps({"rss_bytes": growth, "file_bytes": sum(sizes)}))


def measure_rss(base_url: str, generation_id: str, warm_up_id: str, how: str = "sdk") -> float:
    child = ["-m", "bench.download", "--rss-child", base_url, generation_id, warm_up_id, how]
    completed = subprocess.run(
        [sys.executable, *child],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    result: dict[str, float] = json.loads(completed.stdout.splitlines()[-1])
    return result["rss_bytes"]


def run() -> list[Figure]:
    results: dict[str, dict[str, float]] = {}
    with sandbox_process(speed=SPEED) as server, _client(server.base_url) as client:
        warm_up = _finished(client, "a small ordinary image", "1k")
        _prime(warm_up)
        for name, (resolution, _) in SIZES.items():
            generation = _finished(client, "static on a screen sandbox:noise", resolution)
            _prime(generation)
            sizes: list[int] = []
            download = _downloader(client, generation, sizes)
            download()  # unmeasured: imports, the connection, first-use allocations
            results[name] = {
                "file_bytes": float(sum(sizes)),
                "traced_bytes": traced_growth(download),
                "rss_bytes": measure_rss(server.base_url, generation.id, warm_up.id),
            }
            if name == "large":
                # The method can fail: a download that holds the body shows its size here.
                naive_rss = measure_rss(server.base_url, generation.id, warm_up.id, "naive")
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
        Figure(
            figure="5",
            name="for comparison: raw httpx .content download of the same 4k file, RSS",
            measured=naive_rss / MIB,
            unit="MiB",
            target="- (method check)",
            passed=None,
            display=f"RSS {naive_rss / MIB:.2f} MiB",
        ),
    ]


def main() -> None:
    if sys.argv[1:2] == ["--rss-child"]:
        rss_child(*sys.argv[2:6])
    else:
        run_alone(run, "download")


if __name__ == "__main__":
    main()
