"""Every scenario, replayed from its cassette through `imagegen.Client`, with the network
blocked: the wrapper must make exactly the recorded requests, all of them, and end in the
scenario's typed result or error."""

from __future__ import annotations

import httpx
import imagegen
import pytest

from tests.cassettes import cassette_format, scenarios
from tests.cassettes.scenarios import Scenario

# Not a key: the cassettes hold no key, and replay matches requests without credentials.
REPLAY_KEY = "replay-without-a-key"


class _Replay:
    """Time needs no moving in replay: the answers are already recorded."""

    def advance(self, seconds: float) -> None:
        return None


def _recorded_base_url(scenario: Scenario) -> str:
    path = cassette_format.CASSETTE_DIR / f"{scenario.name}.{cassette_format.SERIALIZER}"
    request = cassette_format.load(path)["interactions"][0]["request"]
    return cassette_format.split_url(request["method"], request["uri"])[0]


def _replayed(scenario: Scenario) -> pytest.ParameterSet:
    marks = [
        pytest.mark.vcr,
        pytest.mark.block_network,
        pytest.mark.default_cassette(scenario.name),
    ]
    return pytest.param(scenario, id=scenario.name, marks=marks)


@pytest.mark.parametrize("scenario", [_replayed(s) for s in scenarios.SCENARIOS])
def test_scenario_replays_to_its_outcome(scenario: Scenario, cassette: object) -> None:
    options = {k: v for k, v in scenario.client_options.items() if k != "api_key"}
    with (
        httpx.Client(transport=httpx.HTTPTransport(trust_env=False)) as http,
        imagegen.Client(
            api_key=REPLAY_KEY,
            base_url=_recorded_base_url(scenario),
            http_client=http,
            clock=imagegen.VirtualClock(),
            **options,
        ) as client,
    ):
        outcome = scenarios.play(scenario, client, _Replay())
    scenario.check(outcome)
