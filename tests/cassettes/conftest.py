"""Cassette replay configuration (pytest-recording): the top-level `cassettes/` folder, the
readable JSON format, record mode `none`, no interaction played twice, and every interaction
of a cassette played by its test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.cassettes import cassette_format


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(cassette_format.CASSETTE_DIR)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    # Replay only: a request the cassette does not hold fails instead of reaching a network.
    return cassette_format.vcr_config("none")


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    cassette_format.configure(vcr)


@pytest.fixture
def cassette(vcr: Any) -> Iterator[Any]:
    """The test's cassette; the test fails if any recorded interaction went unused (an
    interaction the wrapper no longer makes is drift too)."""
    assert vcr is not None, "mark the test with pytest.mark.vcr"
    assert len(vcr.data) > 0, f"{vcr._path} holds no interactions: run `make record`"
    yield vcr
    unplayed = [
        f"{request.method} {request.uri}"
        for index, (request, _) in enumerate(vcr.data)
        if not vcr.play_counts[index]
    ]
    assert vcr.all_played, f"{vcr._path}: interactions never replayed: {unplayed}"
