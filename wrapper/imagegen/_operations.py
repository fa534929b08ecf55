"""The one table of operations: every operation of the spec, by its operationId, with how it
may be retried and where users call it. Everything else about an operation (its method, path,
parameters, body and answer) comes from the spec.

Adding an operation means the spec, one entry here, and its handler in the sandbox
(`sandbox/_app.py`'s `HANDLERS`); then `make generate` writes its request builder and its methods
on both clients (`_spec/calls.py`), and its result class (`_spec/results.py`). A test holds this
table, the parser's and the sandbox's to the spec's list. How an operation may be retried is the
one decision the spec cannot make:

- `READ` changes nothing: retried on anything transient (`_retry.decide`).
- `CREATE` costs credits: sent again only where nothing was created, and where it may have
  been created only after a look in listImages shows it was not. Its methods are written by
  hand (`_calls`): validation of the images, pacing, reconciliation.
- `IDEMPOTENT_WRITE` changes something, the same way each time it is sent: retried as a read.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["OPERATIONS", "Entry", "Kind", "Operation"]


class Kind(enum.Enum):
    """How an operation may be retried."""

    READ = "read"
    CREATE = "create"
    IDEMPOTENT_WRITE = "idempotent write"


class Entry(NamedTuple):
    """An operation's row: how it may be retried, and its method: `name` on the clients,
    `images.name` on their `images`."""

    kind: Kind
    method: str


OPERATIONS: Mapping[str, Entry] = {
    "getStatus": Entry(Kind.READ, "status"),
    "getAccount": Entry(Kind.READ, "account"),
    "listImages": Entry(Kind.READ, "images.list"),
    "getImage": Entry(Kind.READ, "images.get"),
    "createImage": Entry(Kind.CREATE, "images.create"),
}


class Operation:
    """One API call: its operationId and the request the generated client builds for it."""

    __slots__ = ("creates", "kwargs", "operation_id")

    def __init__(self, operation_id: str, kwargs: dict[str, Any]) -> None:
        self.operation_id = operation_id
        self.kwargs = kwargs
        # Whether sending it again could charge twice.
        self.creates = OPERATIONS[operation_id].kind is Kind.CREATE

    def __repr__(self) -> str:
        return f"Operation({self.operation_id!r})"
