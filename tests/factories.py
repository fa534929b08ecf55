"""Results built by hand for tests that need one without an answer to parse.

The result classes type every field the spec requires as required (no default), as a parsed
answer always has them; a test that cares about a few fields gives those and takes plausible
values for the rest from here.
"""

from __future__ import annotations

import datetime
from typing import Any

from imagegen import Generation

__all__ = ["make_generation"]

# What every generation the spec describes carries, as a just-made text-to-image one would.
_REQUIRED: dict[str, Any] = {
    "prompt": "A lighthouse on a cliff at dusk",
    "aspect_ratio": "1:1",
    "model_provider": "imagegen",
    "output_number": 1,
    "output_success": 0,
    "output_failed": 0,
    "output_images": (),
    "credit_cost": 1,
    "created_at": datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC),
    "is_public": False,
    "image_input": (),
}


def make_generation(**fields: Any) -> Generation:
    """A `Generation` with `fields` (`id` and `status` at least), the rest plausible."""
    return Generation(**{**_REQUIRED, **fields})
