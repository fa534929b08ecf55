"""The `api` fixture of the sandbox tests: a fresh in-process sandbox on a virtual clock.

A test module that sets `UNLIMITED = True` gets it with the rate and concurrency limits lifted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ._support import Api


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    api = Api()
    if getattr(request.module, "UNLIMITED", False):
        api.unlimited()
    yield api
    await api.aclose()
