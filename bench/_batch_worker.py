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

from imagegen import Client
from imagegen.sandbox import ScaledClock


def main() -> None:
    config = json.loads(sys.argv[1])
    clock = ScaledClock.reading(
        config["speed"], sandbox_time=config["sandbox_time"], real_time=config["real_time"]
    )
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
