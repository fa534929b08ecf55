"""A worker process of the multi-process limiter tests: one client on a served sandbox, its
pacing shared through the limiter at a URL. Prints one JSON line per create.

    python _limiter_worker.py BASE_URL API_KEY LIMITER_URL MODE COUNT TTL WINDOW

MODE `batch` creates COUNT generations one after the other, each waited for; `hold` creates
one, says so, and then waits for nothing (the test kills it while it holds the lease).
"""

from __future__ import annotations

import json
import sys
import time

from imagegen import Client, ImagegenError, Pacing, PollSchedule


def main() -> None:
    base_url, api_key, limiter_url, mode, count, ttl, window = sys.argv[1:8]
    pacing = Pacing(
        window=float(window), margin=0.5, lease_ttl=float(ttl), lease_poll=0.05, max_wait=30.0
    )
    # Real seconds: the generations here last a tenth of a second or so.
    schedule = PollSchedule(
        expected=0.1, first_check=0.05, near_interval=0.05, max_early_interval=0.1, max_interval=0.1
    )
    with Client(
        api_key, base_url=base_url, max_retries=0, limiter=limiter_url, pacing=pacing
    ) as client:
        for n in range(int(count)):
            try:
                created = client.images.create(f"worker {mode} {n} sandbox:duration=3")
                if mode == "hold":
                    print(json.dumps({"held": created.id}), flush=True)
                    time.sleep(600)  # killed meanwhile
                generation = client.images.wait(created.id, schedule=schedule, timeout=30)
                print(json.dumps({"done": generation.id}), flush=True)
            except ImagegenError as error:
                code = getattr(error, "code", None)
                print(json.dumps({"error": type(error).__name__, "code": str(code)}), flush=True)


if __name__ == "__main__":
    main()
