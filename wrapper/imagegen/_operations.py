"""The one table of operations: every operation of the spec, by its operationId, and how it may
be retried. Everything else about an operation (its method, path, parameters, body and answer)
comes from the spec: the generated client builds its requests, `_spec.operations` lists them.

Adding an operation to the spec means adding it here (a test holds this table, the parser's
and the sandbox's to the spec's list), then its result in `_parsing` and its handler in the
sandbox. How it may be retried is the one decision the spec cannot make:

- `READ` changes nothing: retried on anything transient (`_retry.decide`).
- `CREATE` costs credits: sent again only where nothing was created, and where it may have
  been created only after a look in listImages shows it was not.
- `IDEMPOTENT_WRITE` changes something, the same way each time it is sent: retried as a read.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = ["OPERATIONS", "Kind"]


class Kind(enum.Enum):
    """How an operation may be retried."""

    READ = "read"
    CREATE = "create"
    IDEMPOTENT_WRITE = "idempotent write"


OPERATIONS: Mapping[str, Kind] = {
    "getStatus": Kind.READ,
    "getAccount": Kind.READ,
    "listImages": Kind.READ,
    "getImage": Kind.READ,
    "createImage": Kind.CREATE,
}
