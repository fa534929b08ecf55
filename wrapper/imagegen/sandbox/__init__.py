"""imagegen.sandbox: an offline, stateful twin of the imagegen API, for demos and tests.

```python
from imagegen import VirtualClock
from imagegen.sandbox import DEFAULT_API_KEY, create_app

clock = VirtualClock()
app = create_app(clock=clock, seed=0)    # a starlette app: /v1/..., /files/..., /_sandbox/...
control = app.state.sandbox              # reset, faults, accounts, clock, state inspection
```

Needs the `sandbox` extra (starlette, uvicorn, pillow, jsonschema). `import imagegen` never
imports this. See docs/sandbox.md.
"""

try:
    # Checked first, for a clear message.
    import jsonschema  # type: ignore[import-untyped]  # noqa: F401
    import starlette  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on what is installed
    raise ImportError(
        'imagegen.sandbox needs the "sandbox" extra: pip install "imagegen-sdk[sandbox]"'
    ) from exc

from ._app import create_app
from ._control import DEFAULT_API_KEY, DEFAULT_CREDITS, NewAccount, SandboxControl
from ._faults import FAULT_KINDS, OPERATIONS, ConnectionDropped, FaultKind, FaultRule
from ._server import ScaledClock, running_server, serve
from ._transport import AsyncSandboxTransport, SandboxTransport

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CREDITS",
    "FAULT_KINDS",
    "OPERATIONS",
    "AsyncSandboxTransport",
    "ConnectionDropped",
    "FaultKind",
    "FaultRule",
    "NewAccount",
    "SandboxControl",
    "SandboxTransport",
    "ScaledClock",
    "create_app",
    "running_server",
    "serve",
]
