"""Record every cassette: `python -m tests.cassettes.record [SCENARIO ...]` (`make record`).

Against the service named by IMAGEGEN_BASE_URL and IMAGEGEN_API_KEY when both are set; else
against the sandbox, served by uvicorn on 127.0.0.1 (real HTTP, a virtual clock), which this
starts and stops. Each scenario runs through `imagegen.Client` inside a vcrpy cassette that
records httpx's HTTPTransport; secrets are scrubbed before anything is written.

A scenario whose outcome is not the one it stands for was not provoked: its cassette is left
as it was and the report says so (a real service cannot be steered into a 500 or a 402; see
`on_service` in scenarios.py). Against the sandbox every scenario must be provoked, or the
exit status is 1. `make record` then runs the cassette tests, which validate every recorded
interaction against spec/openapi.yaml: that is how drift between a service and the spec shows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import imagegen
import vcr

from tests.cassettes import cassette_format, scenarios
from tests.cassettes.scenarios import Scenario


@dataclass(frozen=True)
class Result:
    scenario: str
    recorded: bool
    note: str


class SandboxTarget:
    """A new sandbox (seed 0, a virtual clock) served on a free loopback port for every
    scenario: each cassette is the same whichever scenarios are recorded, in whatever order."""

    is_service = False

    @contextmanager
    def session(self) -> Iterator[SandboxSession]:
        from imagegen.testing import Sandbox

        with Sandbox(seed=0) as sandbox, sandbox.serve() as served:
            yield SandboxSession(served)


class SandboxSession:
    """One scenario's sandbox."""

    def __init__(self, served: Any) -> None:
        from imagegen.sandbox import DEFAULT_API_KEY

        self.served = served
        # The free port it got, wherever it shows (URLs, the Host header, output URLs).
        netloc = urlsplit(served.base_url).netloc
        self.replacements = {netloc: urlsplit(cassette_format.CANONICAL_ORIGIN).netloc}
        self.secrets = {DEFAULT_API_KEY}

    @property
    def control(self) -> Any:
        return self.served.control

    def client(self, **options: Any) -> imagegen.Client:
        client: imagegen.Client = self.served.client(**options)
        return client

    def advance(self, seconds: float) -> None:
        self.served.advance(seconds)


class ServiceTarget:
    """A real service: nothing can be steered, time is real."""

    is_service = True

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.secrets = {api_key}
        # Personal details do not belong in a repository; placeholders of the same formats.
        with self.client() as client:
            account = client.account()
        personal = {
            account.email: "account@example.com",
            account.picture_url: "https://example.com/avatar.png",
            account.name: "Account Name",
        }
        self.replacements = {text: stand_in for text, stand_in in personal.items() if text}

    @contextmanager
    def session(self) -> Iterator[ServiceTarget]:
        self._settle()
        yield self

    def _settle(self) -> None:
        # One generation at a time is allowed: let earlier scenarios' generations finish.
        with self.client() as client:
            for generation in client.images.list(limit=20).generations:
                if not generation.is_terminal:
                    try:
                        client.images.wait(generation.id)
                    except imagegen.ImagegenError as error:
                        print(f"  (waiting for {generation.id}: {type(error).__name__})")

    def client(self, **options: Any) -> imagegen.Client:
        options.setdefault("api_key", self.api_key)
        return imagegen.Client(base_url=self.base_url, **options)

    def advance(self, seconds: float) -> None:
        time.sleep(seconds)


@contextmanager
def _target() -> Iterator[SandboxTarget | ServiceTarget]:
    base_url = os.environ.get("IMAGEGEN_BASE_URL")
    api_key = os.environ.get("IMAGEGEN_API_KEY")
    if base_url and api_key:
        print(f"recording against {base_url}")
        yield ServiceTarget(base_url, api_key)
        return
    if base_url or api_key:
        raise SystemExit("set both IMAGEGEN_BASE_URL and IMAGEGEN_API_KEY, or neither")
    print("recording against the sandbox, served on 127.0.0.1")
    yield SandboxTarget()


def record(
    scenario: Scenario,
    target: SandboxTarget | ServiceTarget,
    directory: Path = cassette_format.CASSETTE_DIR,
) -> Result:
    if target.is_service and scenario.on_service is None:
        return Result(scenario.name, False, f"not run: {scenario.not_on_service}; kept as is")
    with target.session() as stage:
        return _record_on(scenario, stage, directory)


def _record_on(
    scenario: Scenario, stage: SandboxSession | ServiceTarget, directory: Path
) -> Result:
    options = dict(scenario.client_options)
    if isinstance(stage, SandboxSession) and scenario.sandbox_setup is not None:
        options.update(scenario.sandbox_setup(stage))
    secrets = stage.secrets | {options.get("api_key") or ""}
    final = directory / f"{scenario.name}.{cassette_format.SERIALIZER}"
    partial = final.with_name(f".{final.name}.recording")
    partial.unlink(missing_ok=True)

    recorder = vcr.VCR()
    cassette_format.configure(recorder)
    config = cassette_format.vcr_config("all", secrets, stage.replacements)
    with stage.client(**options) as client, recorder.use_cassette(str(partial), **config):
        outcome = scenarios.play(scenario, client, stage)
    try:
        scenario.check(outcome)
    except AssertionError as failure:
        partial.unlink(missing_ok=True)
        return Result(scenario.name, False, f"not provoked: ended in {outcome!r} ({failure})")
    text = partial.read_text(encoding="utf-8")
    leaked = [secret for secret in secrets if secret and secret in text]
    if leaked or cassette_format.KEY_PATTERN.search(text):
        partial.unlink()
        raise SystemExit(f"{scenario.name}: a key survived scrubbing; nothing was written")
    partial.replace(final)
    count = len(cassette_format.load(final)["interactions"])
    return Result(scenario.name, True, f"{count} interaction{'s' * (count != 1)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.cassettes.record")
    parser.add_argument("scenario", nargs="*", help="only these (default: all)")
    parser.add_argument(
        "--cassette-dir",
        type=Path,
        default=cassette_format.CASSETTE_DIR,
        help="where to write (default: cassettes/; another folder for a trial run)",
    )
    args = parser.parse_args(argv)
    names = args.scenario or list(scenarios.BY_NAME)
    unknown = sorted(set(names) - set(scenarios.BY_NAME))
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)}")
    args.cassette_dir.mkdir(parents=True, exist_ok=True)
    with _target() as target:
        results = [record(scenarios.BY_NAME[name], target, args.cassette_dir) for name in names]
        for result in results:
            mark = "recorded" if result.recorded else "NOT RECORDED"
            print(f"  {mark:<13} {result.scenario}: {result.note}")
            how = scenarios.BY_NAME[result.scenario].on_service
            if not result.recorded and target.is_service and how:
                print(f"  {'':<13} on a real service: {how}")
        missed = [r.scenario for r in results if not r.recorded]
        print(f"{len(results) - len(missed)} of {len(results)} scenarios recorded")
        # The sandbox can provoke everything: anything missed there is a bug.
        return 1 if missed and not target.is_service else 0


if __name__ == "__main__":
    sys.exit(main())
