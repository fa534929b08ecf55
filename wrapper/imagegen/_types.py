"""The results the client returns: small frozen records built from the generated models.

The generated models mark absent fields with `UNSET` and hold lists; these types use None and
tuples, so a result is hashable, immutable and prints plainly. `_parsing` builds them.

`GenerationStatus` is the generated enum (importing it loads its own module only: the generated
`imagegen_api.models` imports each model lazily).

A generation's `status` is the `GenerationStatus` member when the client knows the value, and
the raw `str` the server sent when it does not (the docs also speak of cancelled generations):
an answer is read whatever its status, so one such generation does not fail a whole list page.
`GenerationStatus` is a StrEnum, so comparing with strings works either way; `is_terminal`,
`succeeded` and `failed` are False for an unknown status, and a wait that meets one ends at once
with `UnexpectedResponseError` (see `_polling`) rather than wait on what may never change.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import attrs
from imagegen_api.models import GenerationStatus

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


_TERMINAL = frozenset({GenerationStatus.SUCCEEDED, GenerationStatus.FAILED})


@attrs.frozen(kw_only=True)
class Generation:
    """A generation, as getImage reports it (list items fill the fields the list carries).

    `status` is a `GenerationStatus`, or the raw string of a status this client does not know.
    """

    id: str
    status: GenerationStatus | str
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
        return self.status in _TERMINAL

    @property
    def succeeded(self) -> bool:
        return self.status == GenerationStatus.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status == GenerationStatus.FAILED


@attrs.frozen(kw_only=True)
class CreatedGeneration:
    """What createImage answers: the new generation's id, its status and what it cost.

    `status` is a `GenerationStatus`, or the raw string of a status this client does not know.
    """

    id: str
    status: GenerationStatus | str
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
