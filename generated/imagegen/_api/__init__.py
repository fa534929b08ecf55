"""A client library for accessing imagegen API"""
# `Client` and `AuthenticatedClient` are imported when first read (PEP 562 module `__getattr__`),
# so importing a model (`imagegen._api.models.error_code`) does not also build the client classes.
# (Written by the project's template spec/templates/package_init.py.jinja.)

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import client

        value = getattr(client, name)
        globals()[name] = value  # once loaded, an ordinary attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
