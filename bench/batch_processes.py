"""Figure 4, across processes: four `client.batch` processes sharing one account through the
SQLite limiter, against the fastest schedule the account's limits allow.

The sandbox is served on 127.0.0.1 from this process (uvicorn in a thread), its clock running
SPEED times real time; each batch runs in a process of its own (`bench/_batch_worker.py`), on
that clock (anchored on the epoch time all of them read), so the client's timings are the
documented ones in sandbox seconds and what stays real is what processes cost: start-up,
requests, the limiter's transactions, the handoff of the account's one in-progress slot from
one process to the next. Each process has prompts and an output directory of its own; all share
one SQLite limiter file and the sandbox's default account (10 creates in any 60 s, 1 generation
in progress).

The generations last 60 s each (`sandbox:duration=60`, the docs' shortest), four real seconds:
long beside a handoff's tens of real milliseconds, as the API's one to three minutes are. The
bound is figure 4's (`bench.batch.fastest_makespan`), over the durations the sandbox reports
(`totalTime`) in the order it created them (`createdAt`); the makespan is from the first create
to the last generation's end, on the sandbox's clock, from its own record. The figure is bound
over makespan. 429s are what the sandbox answered (its request counts), so one a client retried
away still counts. Target: >= 0.95 with zero 429s.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._report import Figure, run_alone
from bench.batch import fastest_makespan

PROCESSES = 4
PER_PROCESS = 2
DURATION = 60
SPEED = 15.0
TARGET = 0.95
_TIMEOUT = 120.0  # real seconds, for the whole run


def _moment(text: str) -> float:
    return datetime.datetime.fromisoformat(text).timestamp()


def measure() -> dict[str, Any]:
    from imagegen.sandbox import DEFAULT_API_KEY, ScaledClock, create_app
    from imagegen.sandbox._server import running_server

    # The clients wait on the sandbox's clock: its waits (Retry-After) are its own seconds.
    app = create_app(clock=ScaledClock(SPEED), real_time_clients=False)
    control = app.state.sandbox
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env["IMAGEGEN_API_KEY"] = DEFAULT_API_KEY
    with tempfile.TemporaryDirectory() as tmp, running_server(app) as base_url:
        root = Path(tmp)
        processes = []
        for number in range(PROCESSES):
            items = root / f"items-{number}.json"
            items.write_text(
                json.dumps(
                    [
                        f"process {number}, lighthouse {n} sandbox:duration={DURATION}"
                        for n in range(PER_PROCESS)
                    ]
                )
            )
            sandbox_time, real_time = control.clock.time(), time.time()
            config = {
                "base_url": base_url,
                "items": str(items),
                "out": str(root / f"out-{number}"),
                "limiter": f"sqlite:///{root / 'limits.db'}",
                "speed": SPEED,
                "sandbox_time": sandbox_time,
                "real_time": real_time,
            }
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench._batch_worker", json.dumps(config)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                    cwd=Path(__file__).resolve().parent.parent,
                )
            )
        deadline = time.monotonic() + _TIMEOUT
        done = 0
        try:
            for process in processes:
                out, err = process.communicate(timeout=max(deadline - time.monotonic(), 1.0))
                if process.returncode != 0:
                    raise RuntimeError(f"a batch process failed: {err.strip()[-500:]}")
                done += sum(json.loads(line)["status"] == "done" for line in out.splitlines())
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        generations = sorted(control.generations(), key=lambda g: _moment(g["createdAt"]))
        counts = control.request_counts()
    expected = PROCESSES * PER_PROCESS
    if done != expected or len(generations) != expected:
        raise RuntimeError(f"{done} items done and {len(generations)} generations of {expected}")
    durations = [float(g["totalTime"]) for g in generations]
    first = _moment(generations[0]["createdAt"])
    took = max(_moment(g["createdAt"]) + float(g["totalTime"]) for g in generations) - first
    bound = fastest_makespan(durations)
    return {
        "fraction": bound / took,
        "bound_s": bound,
        "took_s": took,
        "responses_429": sum(by.get("429", 0) for by in counts.values()),
        "speed": SPEED,
        "durations_s": durations,
        "created_at_s": [_moment(g["createdAt"]) - first for g in generations],
        "request_counts": counts,
    }


def run() -> list[Figure]:
    title = (
        f"batch throughput / bound, {PROCESSES} processes sharing one account (SQLite limiter), "
        f"{PROCESSES} x {PER_PROCESS} x {DURATION} s"
    )
    target = f">= {TARGET}, 0 x 429"
    try:
        result = measure()
    except Exception as error:
        print(f"[bench] batch_processes: {type(error).__name__}: {error}", file=sys.stderr)
        return [
            Figure(
                figure="4",
                name=title,
                measured=float("nan"),
                unit="fraction",
                target=target,
                passed=False,
                details={"error": f"{type(error).__name__}: {error}"},
                display=f"did not finish: {type(error).__name__}",
            )
        ]
    fraction, too_many = result["fraction"], result["responses_429"]
    return [
        Figure(
            figure="4",
            name=title,
            measured=fraction,
            unit="fraction",
            target=target,
            passed=too_many == 0 and fraction >= TARGET,
            details=result,
            display=(
                f"{fraction:.3f} ({result['bound_s']:.0f} s / {result['took_s']:.0f} s), "
                f"{too_many} x 429"
            ),
        )
    ]


def main() -> None:
    run_alone(run, "batch_processes")


if __name__ == "__main__":
    main()
