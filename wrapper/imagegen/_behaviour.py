"""What the result classes do beyond holding the answer's fields: hand-written behaviour that
the generated classes (`_spec/results.py`) inherit.

`models` is `imagegen._api.models`, imported when an attribute is first read: the results'
annotations name `GenerationStatus` through it, so that resolving them
(`typing.get_type_hints`) works without `import imagegen` importing every generated model.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imagegen._api import models

    from ._spec.results import Generation
else:

    class _GeneratedModels:
        """`imagegen._api.models`, imported when an attribute is first read."""

        def __getattr__(self, name: str) -> object:
            from imagegen._api import models

            return getattr(models, name)

    models = _GeneratedModels()

__all__ = ["GenerationBehaviour", "PageBehaviour", "models"]


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
