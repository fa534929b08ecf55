"""The recorder itself, against the sandbox served on 127.0.0.1: what `make record` writes is
scrubbed, valid against the spec and replayable. (The committed cassettes are checked by the
other tests of this folder; these record afresh into a temporary folder.)"""

from __future__ import annotations

from pathlib import Path

from imagegen.sandbox import DEFAULT_API_KEY

from tests.cassettes import cassette_format, contract, record, scenarios
from tests.cassettes.test_cassette_contents import secret_findings


def test_recording_the_sandbox_scrubs_and_normalises(tmp_path: Path) -> None:
    names = ["status", "error_402_insufficient_credits", "list_two_pages"]
    assert record.main([*names, "--cassette-dir", str(tmp_path)]) == 0
    for name in names:
        path = tmp_path / f"{name}.{cassette_format.SERIALIZER}"
        text = path.read_text(encoding="utf-8")
        assert DEFAULT_API_KEY not in text
        assert secret_findings(text) == []
        assert "127.0.0.1:8080" in text  # the free port, normalised
        for interaction in cassette_format.load(path)["interactions"]:
            assert contract.problems(interaction) == []
    # The account made for the 402 has its own key: scrubbed too, as the request shows.
    credits = cassette_format.load(tmp_path / "error_402_insufficient_credits.cassette.json")
    assert credits["interactions"][0]["request"]["headers"]["authorization"] == ["Bearer REDACTED"]


def test_a_scenario_not_provoked_leaves_its_cassette_alone(tmp_path: Path) -> None:
    # Steered into a 503 that the scenario does not stand for: nothing is written.
    original = scenarios.BY_NAME["status"]

    def unavailable(stage: scenarios.SandboxStage) -> dict[str, object]:
        stage.control.add_fault("getStatus", "status", status=503)
        return {}

    broken = scenarios.Scenario(
        "status",
        original.summary,
        original.run,
        original.check,
        on_service=original.on_service,
        sandbox_setup=lambda stage: (
            stage.control.add_fault("getStatus", "status", status=503) and {}
        ),
        client_options={"max_retries": 0},
    )
    kept = tmp_path / f"status.{cassette_format.SERIALIZER}"
    kept.write_text("kept", encoding="utf-8")
    result = record.record(broken, record.SandboxTarget(), tmp_path)
    assert not result.recorded
    assert "not provoked" in result.note
    assert kept.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == [kept.name]


def test_every_scenario_says_how_it_arises_on_a_real_service() -> None:
    for scenario in scenarios.SCENARIOS:
        assert scenario.on_service or scenario.not_on_service, scenario.name
