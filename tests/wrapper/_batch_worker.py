"""A worker process of the batch process tests: `client.batch(...)` against a served sandbox,
printing one JSON line per item as it ends (flushed: the test reads them as they come, and may
kill this process at any moment).

    python _batch_worker.py CONFIG_JSON

CONFIG_JSON holds `base_url`, `items` (a JSON file: a list of prompts or of `generate()`
argument dicts), `out` (the output directory), `limiter` (a URL, or "none" for the client's
own), `speed` with `sandbox_time` and `real_time` (the clock anchor, below) and, optionally,
`margin`, `lease_ttl` and `lease_poll` (`Pacing`'s, in sandbox seconds; its defaults otherwise)
and `log_level` (the imagegen logger's records to stderr, stamped with the sandbox's time). The key
comes from IMAGEGEN_API_KEY, never from the command line.

The client runs on the sandbox's clock, as an in-process client of a sped-up sandbox does (the
CLI's `--sandbox`): `ScaledClock.reading` is that clock seen from another process, anchored on
the epoch time both read, so every process computes the same sandbox time, the one the sandbox
writes in `createdAt` and `Date`. The client's own timings are then all sandbox seconds, as
they would be seconds against the real API: the documented pacing (10 creates per 60 s, its
margin, the lease TTL), the polling schedule learned from `totalTime`, retry backoffs, the
journal's `sent_at`. What stays real is what a process costs: start-up, requests, the limiter's
round trips.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from imagegen import Client, Pacing
from imagegen.sandbox import ScaledClock


class _SandboxTimeFormatter(logging.Formatter):
    def __init__(self, clock: ScaledClock) -> None:
        super().__init__("%(message)s")
        self._clock = clock

    def format(self, record: logging.LogRecord) -> str:
        return f"{self._clock.time():.2f} {os.getpid()} {super().format(record)}"


def main() -> None:
    config = json.loads(sys.argv[1])
    clock = ScaledClock.reading(
        config["speed"], sandbox_time=config["sandbox_time"], real_time=config["real_time"]
    )
    if config.get("log_level"):  # to stderr, each record at its moment on the sandbox's clock
        handler = logging.StreamHandler()
        handler.setFormatter(_SandboxTimeFormatter(clock))
        logging.getLogger("imagegen").addHandler(handler)
        logging.getLogger("imagegen").setLevel(config["log_level"])
    defaults = Pacing()
    pacing = Pacing(
        margin=config.get("margin", defaults.margin),
        lease_ttl=config.get("lease_ttl", defaults.lease_ttl),
        lease_poll=config.get("lease_poll", defaults.lease_poll),
    )
    limiter = None if config["limiter"] == "none" else config["limiter"]
    with open(config["items"], encoding="utf-8") as file:
        items = json.load(file)
    with Client(
        os.environ["IMAGEGEN_API_KEY"],
        base_url=config["base_url"],
        clock=clock,
        pacing=pacing,
        limiter=limiter,
    ) as client:
        for item in client.batch(items, out=config["out"]):
            line = {
                "index": item.index,
                "status": item.status,
                "generation_id": item.generation_id,
                "paths": [str(path) for path in item.paths],
                "credits": item.credits,
                "error": None if item.error is None else f"{type(item.error).__name__}",
                "at": clock.time(),
            }
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
