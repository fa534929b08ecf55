"""Figure 6: how many getImage requests per second the sandbox serves on one uvicorn worker.

The sandbox runs on uvicorn (one worker, h11) in a second process on 127.0.0.1; this process
is the load: CONCURRENCY keep-alive connections (a few lines of HTTP/1.1 over asyncio streams,
cheaper per request than any Python HTTP client, so the load is not the limit), each sending
the next GET of the same finished generation as soon as the last is answered. The load is
bounded in count (MAX_REQUESTS) and time (MAX_SECONDS), after WARMUP unmeasured requests.
The figure is the answered requests per second and the p99 of per-request latency as the
client saw it.

The server's CPU use over the window (from /proc/<pid>/stat) says which side was the limit:
near 1.0 means the sandbox was saturated and the rate is its own; well below means the
load generator (Python, on the other of two cores) or other load on the machine was. The rate
per server CPU-second (answered requests / CPU seconds the server used) is what one worker
would serve with a core to itself, and depends much less on the machine's other load.
This figure measures only the sandbox: it uses none of the wrapper.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from bench._report import Figure, median, percentile, run_alone
from bench._server import sandbox_process

CONCURRENCY = 8
WARMUP = 200
MAX_REQUESTS = 10_000
MAX_SECONDS = 10.0
SPEED = 1000.0


def _finished_generation(base_url: str, headers: dict[str, str]) -> str:
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
        created = http.post("/images", json={"prompt": "a load test", "resolution": "1k"})
        created.raise_for_status()
        generation_id: str = created.json()["data"]["generationId"]
        deadline = time.monotonic() + 30
        while http.get(f"/images/{generation_id}").json()["data"]["status"] != "succeeded":
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not finish its generation in 30 s")
            time.sleep(0.02)
        return generation_id


async def _connection(
    url: httpx.URL, request: bytes, latencies: list[float], requests: int, deadline: float
) -> None:
    """One keep-alive connection sending `request` again as soon as each answer is read."""
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        while len(latencies) < requests and time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"the sandbox answered {head.splitlines()[0]!r}")
    finally:
        writer.close()


async def load(url: str, headers: dict[str, str], requests: int, seconds: float) -> list[float]:
    """Latencies of up to `requests` GETs of `url` over CONCURRENCY connections for `seconds`.

    A few lines of HTTP/1.1 over asyncio streams rather than an HTTP client: a Python client
    costs more CPU per request than the server, and would measure itself instead.
    """
    target = httpx.URL(url)
    lines = [f"GET {target.raw_path.decode()} HTTP/1.1", f"Host: {target.host}:{target.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_connection(target, request, latencies, requests, deadline) for _ in range(CONCURRENCY))
    )
    return latencies


def run() -> list[Figure]:
    from imagegen.sandbox import DEFAULT_API_KEY

    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    with sandbox_process(speed=SPEED) as server:
        generation_id = _finished_generation(server.base_url, headers)
        url = f"{server.base_url}/images/{generation_id}"
        asyncio.run(load(url, headers, WARMUP, MAX_SECONDS))
        cpu_before, load_cpu_before = server.cpu_seconds(), time.process_time()
        started = time.perf_counter()
        latencies = asyncio.run(load(url, headers, MAX_REQUESTS, MAX_SECONDS))
        elapsed = time.perf_counter() - started
        server_cpu = (server.cpu_seconds() - cpu_before) / elapsed
        load_cpu = (time.process_time() - load_cpu_before) / elapsed

    per_second = len(latencies) / elapsed
    p99_ms = percentile(latencies, 0.99) * 1e3
    details = {
        "requests": len(latencies),
        "seconds": elapsed,
        "concurrency": CONCURRENCY,
        "median_ms": median(latencies) * 1e3,
        "p99_ms": p99_ms,
        "server_cpu_fraction": server_cpu,
        "load_generator_cpu_fraction": load_cpu,
        # What one worker could serve with a whole core to itself: the rate per CPU-second.
        "requests_per_server_cpu_second": per_second / server_cpu if server_cpu else None,
    }
    return [
        Figure(
            figure="6",
            name=f"sandbox getImage on 1 uvicorn worker, {CONCURRENCY} connections",
            measured=per_second,
            unit="req/s",
            target="- (recorded)",
            passed=None,
            details=details,
            display=(
                f"{per_second:.0f} req/s (CPU: server {server_cpu:.2f}, load {load_cpu:.2f}; "
                f"{per_second / server_cpu:.0f} per server CPU-s)"
            ),
        ),
        Figure(
            figure="6",
            name="sandbox getImage latency under that load, p99",
            measured=p99_ms,
            unit="ms",
            target="- (recorded)",
            passed=None,
            details=details,
            display=f"p99 {p99_ms:.1f} ms (median {details['median_ms']:.1f} ms)",
        ),
    ]


def main() -> None:
    run_alone(run, "sandbox")


if __name__ == "__main__":
    main()
