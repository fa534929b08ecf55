"""The contract: schemathesis drives the sandbox, in-process, from spec/openapi.yaml.

Settings are in `schemathesis.toml` (root of the repository): every phase (examples, coverage,
fuzzing; stateful through the spec's OpenAPI links, in `test_stateful` below), every check, a
fixed seed, derandomized, at least 100 examples per operation, valid and invalid data. Auth is
configured there too, so the `ignored_auth` check can remove or spoil the real credentials.

What the test adjusts, and why:

- Each test case (each generated request; each stateful scenario) starts from a reset sandbox:
  a fresh default account with its credits, no generations. A case is then judged on its own
  request, not on what the 99 before it left behind.
- The rate and concurrency limits are lifted for the run (`set_limits`): they are part of the
  contract (documented 429s, tested in tests/sandbox), but with them on, a stateful scenario's
  second create would be refused, which says nothing about the request. Credits stay as the
  default account has them: a create never costs more than 16 (4 outputs at 4k).
- No response may be a 5xx: `not_a_server_error` is among the checks, and every call also
  asserts it directly, whatever the checks decide.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from imagegen.testing import Sandbox
from schemathesis.config import SchemathesisConfig

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "openapi.yaml"
CONFIG = REPO / "schemathesis.toml"
BASE_URL = "http://127.0.0.1/v1"


def fresh_sandbox(sandbox: Sandbox) -> None:
    sandbox.control.reset()
    sandbox.control.set_limits(creates_per_window=None, max_concurrent=None)


@pytest.fixture(scope="module")
def contract_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def contract_schema(contract_sandbox: Sandbox) -> Any:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("IMAGEGEN_SANDBOX_API_KEY", contract_sandbox.api_key)
        config = SchemathesisConfig.from_path(CONFIG)
    loaded = schemathesis.openapi.from_path(SPEC, config=config)
    loaded.app = contract_sandbox.app
    # Without it, requests go to the spec's placeholder server path.
    loaded.config.update(base_url=BASE_URL)
    return loaded


schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_stateless(case: Any, contract_sandbox: Sandbox) -> None:
    fresh_sandbox(contract_sandbox)
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response)


def test_stateful(contract_schema: Any, contract_sandbox: Sandbox) -> None:
    followed_links: collections.Counter[str] = collections.Counter()

    class Scenario(contract_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            fresh_sandbox(contract_sandbox)

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            assert response.status_code < 500, response.text
            operation_id = case.operation.definition.raw["operationId"]
            followed_links[f"{operation_id} {response.status_code}"] += 1

    Scenario.run(
        settings=hypothesis.settings(
            max_examples=100,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            stateful_step_count=6,
        )
    )
    # Stateful really ran, through the links: generations created, then fetched by their id.
    assert followed_links["createImage 201"] > 0
    assert followed_links["getImage 200"] > 0
