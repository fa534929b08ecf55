"""The results the client returns: small frozen records, one attribute per field of the answer.

The classes are generated from the spec (`_spec/results.py`, by `tools/gen_surface.py`), so a
field the spec adds reaches them with `make generate` alone; what they do beyond holding fields
is hand-written in `_behaviour`. They use None and tuples, so a result is hashable, immutable
and prints plainly. `_parsing` builds them. `GenerationResult`, which no answer holds as such,
is defined here.

Each result an operation returns also carries `response`, the `ResponseInfo` of its answer
(request id, rate-limit headers: `_response`), outside its equality, hash and repr.
`ResponseInfo` lives in `_response`, loaded with the first answer rather than here, so that
`import imagegen` does not define it.

`GenerationStatus` is the generated enum (importing it loads its own module only: the generated
`imagegen._api.models` imports each model lazily).

A generation's `status` is the `GenerationStatus` member when the client knows the value, and
the raw `str` the server sent when it does not (the docs also speak of cancelled generations):
an answer is read whatever its status, so one such generation does not fail a whole list page.
`GenerationStatus` is a StrEnum, so comparing with strings works either way; `is_terminal`,
`succeeded` and `failed` are False for an unknown status, and a wait that meets one ends at once
with `UnexpectedResponseError` (see `_polling`) rather than wait on what may never change.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from imagegen._api.models import GenerationStatus

from ._spec.results import (
    Account,
    ApiKeyInfo,
    ConnectionStatus,
    CreatedGeneration,
    Credits,
    Generation,
    GenerationPage,
)

__all__ = [
    "Account",
    "ApiKeyInfo",
    "ConnectionStatus",
    "CreatedGeneration",
    "Credits",
    "Generation",
    "GenerationPage",
    "GenerationResult",
    "GenerationStatus",
]


@attrs.frozen(kw_only=True)
class GenerationResult:
    """What `generate()` returns: the finished generation and the files saved, if any."""

    generation: Generation
    paths: tuple[Path, ...] = ()
