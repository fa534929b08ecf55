"""Keeps hypothesis-jsonschema working with the pinned Hypothesis.

hypothesis-jsonschema 0.23.1 (the latest release) draws object properties with the private
`hypothesis.internal.conjecture.utils.many` through its old `while elements.more():` protocol.
Hypothesis 6.170 replaced that protocol with a context manager iterated by `for _ in elements:`,
so every object schema fails with "AttributeError: 'many' object has no attribute 'more'".

This adapter gives hypothesis-jsonschema the old protocol on top of the new one, and only when
the installed Hypothesis lacks it: once either project catches up, `install()` does nothing.
Test-only; nothing in the SDK depends on it.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import hypothesis.internal.conjecture.utils as conjecture_utils
from hypothesis_jsonschema import _from_schema


class _LegacyMany:
    """`more()` / `reject()` over the new `with many(...) as m: for _ in m:` protocol."""

    def __init__(self, data: Any, **kwargs: Any) -> None:
        self._many = conjecture_utils.many(data, **kwargs)
        self._many.__enter__()
        self._steps: Iterator[None] = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._steps)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


def install() -> None:
    if hasattr(conjecture_utils.many, "more"):
        return
    if isinstance(_from_schema.cu, types.ModuleType) and _from_schema.cu is not conjecture_utils:
        return  # already installed
    proxy = types.ModuleType("hypothesis_jsonschema_cu_compat")
    proxy.__dict__.update(conjecture_utils.__dict__)
    proxy.many = _LegacyMany  # type: ignore[attr-defined]
    _from_schema.cu = proxy
