"""The results the client returns: small frozen records built from the generated models.

The generated models mark absent fields with `UNSET` and hold lists; these types use None and
tuples, so a result is hashable, immutable and prints plainly. `_parsing` builds them.

`GenerationStatus` is the generated enum. It is loaded on first use, not at import: importing
any generated model runs `imagegen_api.models`' `__init__`, which builds every model (tens of
milliseconds), and `import imagegen` should not pay for that before a request needs it. So the
name is served by a PEP 562 module `__getattr__`, and the fields' annotations name it through
`_models`, which imports the generated package when an annotation is resolved
(`typing.get_type_hints`).

A generation's `status` is the `GenerationStatus` member when the client knows the value, and
the raw `str` the server sent when it does not (the docs also speak of cancelled generations):
an answer is read whatever its status, so one such generation does not fail a whole list page.
`GenerationStatus` is a StrEnum, so comparing with strings works either way; `is_terminal`,
`succeeded` and `failed` are False for an unknown status, and a wait that meets one ends at once
with `UnexpectedResponseError` (see `_polling`) rather than wait on what may never change.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from imagegen_api import models as _models
    from imagegen_api.models import GenerationStatus
else:

    class _GeneratedModels:
        """`imagegen_api.models`, imported when an attribute is first read."""

        def __getattr__(self, name: str) -> object:
            from imagegen_api import models

            return getattr(models, name)

    _models = _GeneratedModels()

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


def __getattr__(name: str) -> object:
    if name == "GenerationStatus":
        from imagegen_api.models import GenerationStatus

        return GenerationStatus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _terminal() -> frozenset[str]:
    from imagegen_api.models import GenerationStatus

    return frozenset({GenerationStatus.SUCCEEDED, GenerationStatus.FAILED})


@functools.cache
def _status(name: str) -> str:
    from imagegen_api.models import GenerationStatus

    return GenerationStatus[name]


@attrs.frozen(kw_only=True)
class Generation:
    """A generation, as getImage reports it (list items fill the fields the list carries).

    `status` is a `GenerationStatus`, or the raw string of a status this client does not know.
    """

    id: str
    status: _models.GenerationStatus | str
    prompt: str | None = None
    name: str | None = None
    aspect_ratio: str | None = None
    model_provider: str | None = None
    output_number: int | None = None
    output_success: int | None = None
    output_failed: int | None = None
    current_image: int | None = None
    deleted_image: int | None = None
    credit_cost: int | None = None
    output_images: tuple[str, ...] = ()
    failure_reason: str | None = None
    predict_time: float | None = None
    total_time: float | None = None
    created_at: datetime.datetime | None = None
    is_public: bool | None = None
    image_input: tuple[str, ...] = ()

    @property
    def is_terminal(self) -> bool:
        """True once the generation has succeeded or failed: it will not change again.

        False for a status this client does not know: nothing says it is final.
        """
        return self.status in _terminal()

    @property
    def succeeded(self) -> bool:
        return self.status == _status("SUCCEEDED")

    @property
    def failed(self) -> bool:
        return self.status == _status("FAILED")


@attrs.frozen(kw_only=True)
class CreatedGeneration:
    """What createImage answers: the new generation's id, its status and what it cost.

    `status` is a `GenerationStatus`, or the raw string of a status this client does not know.
    """

    id: str
    status: _models.GenerationStatus | str
    credit_cost: int


@attrs.frozen(kw_only=True)
class GenerationPage:
    """One page of listImages, newest first."""

    generations: tuple[Generation, ...]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        """Whether generations remain after this page."""
        return bool(self.generations) and self.offset + len(self.generations) < self.total


@attrs.frozen(kw_only=True)
class ConnectionStatus:
    """getStatus: the key works; which account and key it is."""

    account_id: str
    api_key_id: str
    api_key_name: str | None = None
    timestamp: datetime.datetime | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class Credits:
    """The balance (`total`) and where it came from."""

    total: int
    free: int | None = None
    purchased: int | None = None
    refunded: int | None = None
    redeemed: int | None = None
    bonus: int | None = None
    affiliate: int | None = None


@attrs.frozen(kw_only=True)
class ApiKeyInfo:
    """The key in use: its name and its first characters (never the whole key)."""

    name: str | None = None
    prefix: str | None = None
    created_at: datetime.datetime | None = None


@attrs.frozen(kw_only=True)
class Account:
    """getAccount: the account behind the key, its credits and the key itself."""

    id: str
    name: str | None
    email: str | None
    is_personal_account: bool | None
    picture_url: str | None
    created_at: datetime.datetime | None
    credits: Credits
    api_key: ApiKeyInfo


@attrs.frozen(kw_only=True)
class GenerationResult:
    """What `generate()` returns: the finished generation and the files saved, if any."""

    generation: Generation
    paths: tuple[Path, ...] = ()
