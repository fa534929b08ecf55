"""What the result classes do beyond holding the answer's fields: hand-written behaviour that
the generated classes (`_spec/results.py`) inherit.

`models` is `imagegen._api.models` and `responses` is `imagegen._response`, each imported when
an attribute is first read: the results' annotations name `GenerationStatus` and `ResponseInfo`
through them, so that resolving them (`typing.get_type_hints`) works without `import imagegen`
importing every generated model, or defining `ResponseInfo` before the first answer.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imagegen._api import models

    from . import _response as responses
    from ._spec.results import Generation
else:

    class _Module:
        """A module, imported when an attribute is first read."""

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, name: str) -> object:
            import importlib  # here: `import imagegen` need not load it

            return getattr(importlib.import_module(self._name), name)

    models = _Module("imagegen._api.models")
    responses = _Module("imagegen._response")

__all__ = ["GenerationBehaviour", "PageBehaviour", "models", "responses"]


@functools.cache
def _terminal() -> frozenset[str]:
    from imagegen._api.models import GenerationStatus

    return frozenset({GenerationStatus.SUCCEEDED, GenerationStatus.FAILED})


@functools.cache
def _status(name: str) -> str:
    from imagegen._api.models import GenerationStatus

    return GenerationStatus[name]


class GenerationBehaviour:
    """A generation's state, read from its `status`.

    A status this client does not know is the raw string the server sent: `is_terminal`,
    `succeeded` and `failed` are False for it (nothing says it is final), and a wait that
    meets it ends with `UnexpectedResponseError` (see `_polling`).
    """

    __slots__ = ()
    if TYPE_CHECKING:  # the generated class holds it; no annotation at run time to resolve
        status: models.GenerationStatus | str

    @property
    def is_terminal(self) -> bool:
        """True once the generation has succeeded or failed: it will not change again."""
        return self.status in _terminal()

    @property
    def succeeded(self) -> bool:
        return self.status == _status("SUCCEEDED")

    @property
    def failed(self) -> bool:
        return self.status == _status("FAILED")


class PageBehaviour:
    """Paging through listImages."""

    __slots__ = ()
    if TYPE_CHECKING:  # the generated class holds them
        generations: tuple[Generation, ...]
        offset: int
        total: int

    @property
    def has_more(self) -> bool:
        """Whether generations remain after this page."""
        return bool(self.generations) and self.offset + len(self.generations) < self.total
