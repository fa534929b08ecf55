"""Where each operation of the spec is served: its method and path (under `/v1`) from the
spec's own list (`imagegen._spec.operations`, generated), so the sandbox's routes and the
operation a request is counted and faulted as (`_middleware`) cannot disagree with the spec or
with each other. The one thing of the sandbox's own is `getFile`, its output files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .._spec import operations as spec

__all__ = ["API_PREFIX", "FILE_OPERATION", "ApiOperation", "OperationIndex", "api_operations"]

API_PREFIX: Final = "/v1"
FILE_OPERATION: Final = "getFile"
_FILES: Final = re.compile(r"^/files/")
_PARAMETER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ApiOperation:
    """One operation of the spec, as the sandbox serves it."""

    operation_id: str
    method: str
    spec_path: str  # as the spec writes it: `/images/{generationId}`
    served_path: str  # under API_PREFIX; starlette's template syntax is the spec's
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, operation_id: str, facts: Mapping[str, Any]) -> ApiOperation:
        path: str = facts["path"]
        served = API_PREFIX + path
        pieces = _PARAMETER.split(served)
        # Literal text escaped, each `{name}` one path segment (as starlette matches it).
        regex = "".join(re.escape(p) if i % 2 == 0 else "[^/]+" for i, p in enumerate(pieces))
        return cls(operation_id, facts["method"], path, served, re.compile(f"^{regex}$"))


def api_operations() -> tuple[ApiOperation, ...]:
    """Every operation of the spec, those whose paths hold fewer parameters first, so a
    literal path (`/images/recent`) wins over a template (`/images/{id}`) it also matches."""
    operations = [ApiOperation.of(name, facts) for name, facts in spec.OPERATIONS.items()]
    return tuple(sorted(operations, key=lambda op: op.spec_path.count("{")))


class OperationIndex:
    """The operationId of a request, by its method and path."""

    def __init__(self, operations: tuple[ApiOperation, ...]) -> None:
        self._operations = operations

    @classmethod
    def from_spec(cls) -> OperationIndex:
        return cls(api_operations())

    def of(self, method: str, path: str) -> str | None:
        """The spec's operationId (`getFile` for output files); None for anything else."""
        for operation in self._operations:
            if operation.method == method and operation.pattern.match(path):
                return operation.operation_id
        if method == "GET" and _FILES.match(path):
            return FILE_OPERATION
        return None
