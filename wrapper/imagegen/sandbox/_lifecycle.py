"""The generation lifecycle: how long each phase lasts, and what a generation looks like at a
given moment.

Nothing here runs on a timer. A generation's whole timeline is fixed when it is created (its
`Plan`), and its status at any moment is computed from the clock, so the sandbox behaves the
same under a virtual clock moved by hand, a real clock, or a real clock run faster.

Durations (docs: "simple text-to-image: 1-2 minutes; with reference images: 2-3 minutes; 4K
resolution: may take longer"; "generations automatically cancel after 50 seconds" stuck in
processing):

- text-to-image: 60 to 120 s in all; with reference images: 120 to 180 s; 4k adds 30 s;
- of that, 30 to 40 s are `processing` (always under the 50 s cancel), the rest `starting`;
- the exact values are drawn from the seed and the generation id, so they repeat run to run;
- a generation that fails on its input (trigger `sandbox:fail=CODE`, or reference URLs the
  sandbox may not fetch) fails fast: 0.8 s starting + 3.2 s processing;
- one stuck in processing (`sandbox:stuck`) starts for 10 s, is cancelled 50 s into processing
  (60 s in all), reported `failed` and refunded.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any, Final

from ._state import Generation, Plan
from ._triggers import Triggers

__all__ = [
    "CANCELLED_REASON",
    "CANCEL_AFTER",
    "FAST_FAILURE",
    "http_date",
    "is_terminal",
    "iso",
    "output_count",
    "output_path",
    "plan_for",
    "render_generation",
    "status_at",
]

CANCEL_AFTER: Final = 50.0
CANCELLED_REASON: Final = (
    "Generation cancelled: stuck in processing for more than 50 seconds. Credits refunded."
)
FAST_FAILURE: Final = (0.8, 3.2)
_STUCK_STARTING: Final = 10.0
_MAX_PROCESSING: Final = 40.0


def _fraction(seed: int, generation_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}:{generation_id}:{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def plan_for(
    *,
    seed: int,
    generation_id: str,
    resolution: str,
    num_outputs: int,
    has_references: bool,
    triggers: Triggers,
    inaccessible_input: bool = False,
) -> Plan:
    common: dict[str, Any] = {"noise": triggers.noise, "image_format": triggers.image_format}
    fail = triggers.fail or ("IMAGE_INACCESSIBLE" if inaccessible_input else None)
    duration = triggers.duration
    if triggers.stuck:
        starting = duration if duration is not None else _STUCK_STARTING
        return Plan(
            starting,
            CANCEL_AFTER,
            "failed",
            failure_reason=CANCELLED_REASON,
            failed_outputs=num_outputs,
            cancelled=True,
            reported_status=triggers.status,
            **common,
        )
    if fail is not None:
        starting, processing = FAST_FAILURE
        if duration is not None:
            processing = min(duration / 2, _MAX_PROCESSING)
            starting = duration - processing
        return Plan(
            starting,
            processing,
            "failed",
            failure_reason=fail,
            failed_outputs=num_outputs,
            reported_status=triggers.status,
            **common,
        )
    if duration is not None:
        processing = min(duration / 2, _MAX_PROCESSING)
        total = duration
    else:
        low = 120.0 if has_references else 60.0
        total = low + 60.0 * _fraction(seed, generation_id, "total")
        if resolution == "4k":
            total += 30.0
        processing = 30.0 + 10.0 * _fraction(seed, generation_id, "processing")
    starting = total - processing
    if triggers.status is not None and triggers.status != "succeeded":
        return Plan(
            starting,
            processing,
            "failed",
            failed_outputs=num_outputs,
            reported_status=triggers.status,
            **common,
        )
    failed_outputs = 1 if triggers.partial else 0
    if failed_outputs >= num_outputs:
        return Plan(
            starting,
            processing,
            "failed",
            failure_reason="IMAGE_UPLOAD_FAILED",
            failed_outputs=num_outputs,
            **common,
        )
    return Plan(starting, processing, "succeeded", failed_outputs=failed_outputs, **common)


def status_at(generation: Generation, now: float) -> str:
    # Moments compared with moments (see `Generation.ends_at`): at `ends_at` it has ended.
    if now < generation.processing_at:
        return "starting"
    if now < generation.ends_at:
        return "processing"
    plan = generation.plan
    return plan.reported_status or plan.outcome


def is_terminal(generation: Generation, now: float) -> bool:
    return now >= generation.ends_at


def output_count(generation: Generation, now: float) -> int:
    """How many outputs exist (and can be downloaded) at `now`."""
    if not is_terminal(generation, now) or generation.plan.outcome != "succeeded":
        return 0
    return generation.num_outputs - generation.plan.failed_outputs


def output_path(generation: Generation, index: int) -> str:
    extension = "jpg" if generation.plan.image_format == "jpeg" else "png"
    return f"/files/{generation.id}/{index}.{extension}"


# Moments on the wire (createdAt, timestamp, the Date header) are whole seconds of the
# sandbox's clock, all truncated alike: a create answered at 12.9999997 s says 12 everywhere
# (rounding to microseconds first, as `datetime.fromtimestamp` does, could make it 13 here and
# 12 there).


def iso(epoch: float) -> str:
    """`epoch` (sandbox clock seconds) as the API writes moments: `2027-01-15T08:00:00Z`."""
    moment = datetime.fromtimestamp(math.floor(epoch), UTC)
    return moment.isoformat().replace("+00:00", "Z")


def http_date(epoch: float) -> str:
    """`epoch` as an HTTP `Date` (RFC 7231 IMF-fixdate): `Fri, 15 Jan 2027 08:00:00 GMT`."""
    return formatdate(math.floor(epoch), usegmt=True)


def render_generation(
    generation: Generation, now: float, origin: str, *, detailed: bool
) -> dict[str, Any]:
    """The generation as getImage (`detailed`) or listImages reports it at `now`."""
    plan = generation.plan
    terminal = is_terminal(generation, now)
    if terminal:  # final: the plan's own durations, not a difference of clock readings
        predict_time, total_time = plan.processing, plan.total
    else:
        elapsed = max(now - generation.created_at, 0.0)
        predict_time = min(max(elapsed - plan.starting, 0.0), plan.processing)
        total_time = min(elapsed, plan.total)
    produced = output_count(generation, now)
    failed = plan.failed_outputs if terminal else 0
    view: dict[str, Any] = {
        "generationId": generation.id,
        "status": status_at(generation, now),
        "name": generation.name,
        "prompt": generation.prompt,
        "aspectRatio": generation.aspect_ratio,
        "modelProvider": "imagegen",
        "outputNumber": generation.num_outputs,
        "outputSuccess": produced,
        "outputFailed": failed,
    }
    if detailed:
        view["currentImage"] = produced
        view["deletedImage"] = 0
    view["outputImages"] = [origin + output_path(generation, i) for i in range(produced)]
    view["creditCost"] = generation.credit_cost
    if detailed:
        failing = terminal and plan.outcome == "failed"
        view["failureReason"] = plan.failure_reason if failing else None
    view["predictTime"] = round(predict_time, 3)
    view["totalTime"] = round(total_time, 3)
    view["createdAt"] = iso(generation.created_epoch)
    view["isPublic"] = generation.is_public
    view["imageInput"] = list(generation.image_input)
    return view
