"""A batch process of `bench/batch_processes.py`: `client.batch(...)` against a served sandbox,
on the sandbox's clock, its pacing shared through a limiter. Prints one JSON line per item.

    python -m bench._batch_worker CONFIG_JSON

CONFIG_JSON holds `base_url`, `items` (a JSON file: a list of prompts), `out`, `limiter` (a
URL), and the clock's anchor: `speed`, `sandbox_time` and `real_time`. The key comes from
IMAGEGEN_API_KEY. (tests/wrapper/_batch_worker.py is the tests' own, with more options.)
"""

from __future__ import annotations

import json
import os
import sys
import time

from imagegen import Client


class SandboxTime:
    """The served sandbox's ScaledClock, seen from another process: `speed` times real time,
    reading `sandbox_time` at the epoch moment `real_time`. Every process anchored alike reads
    the same sandbox time, the one the sandbox writes in `createdAt` and `Date`, so the client's
    timings (pacing, polling, the lease) are all the documented ones, in sandbox seconds."""

    def __init__(self, speed: float, sandbox_time: float, real_time: float) -> None:
        self.speed = speed
        self._sandbox_time = sandbox_time
        self._real_time = real_time

    def time(self) -> float:
        return self._sandbox_time + (time.time() - self._real_time) * self.speed

    def monotonic(self) -> float:
        return time.monotonic() * self.speed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)

    async def asleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(max(seconds, 0.0) / self.speed)


def main() -> None:
    config = json.loads(sys.argv[1])
    clock = SandboxTime(config["speed"], config["sandbox_time"], config["real_time"])
    with open(config["items"], encoding="utf-8") as file:
        items = json.load(file)
    with Client(
        os.environ["IMAGEGEN_API_KEY"],
        base_url=config["base_url"],
        clock=clock,
        limiter=config["limiter"],
    ) as client:
        for item in client.batch(items, out=config["out"]):
            print(json.dumps({"index": item.index, "status": item.status}), flush=True)


if __name__ == "__main__":
    main()
