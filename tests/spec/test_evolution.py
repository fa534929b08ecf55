"""Regenerate on spec change: additive evolutions of a copy of the spec, regenerated with the
project's own `make generate` tools and no edit of the hand-written wrapper, reach a user.

Each evolution runs in a scratch copy of the repository (spec, tools, wrapper, pyproject), in a
fresh interpreter importing that copy, so the package under test is exactly what `make
generate` would give a user of the evolved spec. Type checks run mypy --strict on user code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _copy_repo(target: Path) -> None:
    for name in ("spec", "tools", "wrapper"):
        shutil.copytree(
            ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def _regenerate(repo: Path) -> None:
    for command in (["tools/generate.py", "generated"], ["tools/gen_surface.py"]):
        subprocess.run([sys.executable, *command], cwd=repo, check=True, capture_output=True)


def _run(repo: Path, code: str) -> Any:
    """Run `code` in a fresh interpreter on the evolved copy; return what it prints (JSON)."""
    env = {"PYTHONPATH": f"{repo / 'wrapper'}:{repo / 'generated'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mypy(repo: Path, code: str) -> subprocess.CompletedProcess[str]:
    user = repo / "user_code.py"
    user.write_text(textwrap.dedent(code))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir=/dev/null",
            "--config-file=/dev/null",
            "--follow-imports=silent",  # as for an installed package: only user code reports
            str(user),
        ],
        cwd=repo,
        env={"MYPYPATH": f"{repo / 'wrapper'}:{repo / 'generated'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


Evolution = Callable[[dict[str, Any]], None]


def _add_seed(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["CreateImageRequest"]["properties"]["seed"] = {
        "type": "integer",
        "minimum": 0,
        "description": "The random seed, for a repeatable image.",
    }


def _add_style(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Style"] = {"type": "string", "enum": ["photo", "painting"]}
    spec["components"]["schemas"]["CreateImageRequest"]["properties"]["style"] = {
        "$ref": "#/components/schemas/Style"
    }


def _add_result_field(spec: dict[str, Any]) -> None:
    for schema in ("Generation", "GenerationSummary"):
        spec["components"]["schemas"][schema]["properties"]["seed"] = {"type": "integer"}
    spec["components"]["schemas"]["Credits"]["properties"]["promotional"] = {"type": "integer"}


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository whose spec has every evolution of this module, regenerated."""
    repo = tmp_path_factory.mktemp("evolved")
    _copy_repo(repo)
    spec_path = repo / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    for evolution in (_add_seed, _add_style, _add_result_field):
        evolution(spec)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    _regenerate(repo)
    return repo


CAPTURE = """
    import json, httpx, imagegen
    sent = []
    def answer(request):
        sent.append(json.loads(request.content))
        return httpx.Response(201, json={"success": True, "data": {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "status": "starting", "creditCost": 1}})
"""


def test_a_new_request_field_reaches_both_clients(evolved: Path) -> None:
    sent = _run(
        evolved,
        CAPTURE
        + """
    import asyncio
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    client.images.create("a fox", seed=3, style="photo")
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    asyncio.run(aclient.images.create("a fox", seed=4))
    print(json.dumps(sent))
    """,
    )
    assert sent == [
        {"prompt": "a fox", "seed": 3, "style": "photo"},
        {"prompt": "a fox", "seed": 4},
    ]


def test_a_new_request_field_is_checked_by_its_schema_before_sending(evolved: Path) -> None:
    refused = _run(
        evolved,
        CAPTURE
        + """
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    out = []
    for kwargs in ({"seed": -1}, {"seed": "3"}, {"style": "sketch"}, {"sede": 3}):
        try:
            client.images.create("a fox", **kwargs)
        except imagegen.InvalidRequestError as exc:
            out.append(exc.field)
    print(json.dumps([out, len(sent)]))
    """,
    )
    assert refused == [["seed", "seed", "style", "sede"], 0]


def test_a_new_request_field_is_typed_for_the_users_type_checker(evolved: Path) -> None:
    good = _mypy(
        evolved,
        """
        import imagegen

        def make(client: imagegen.Client) -> None:
            client.images.create("a fox", seed=3, style="photo", resolution="2k")
            client.generate("a fox", seed=3)
            client.generate_many([{"prompt": "a fox", "seed": 3}])
            seed: int | None = client.images.get("7c9e6679-7425-40de-944b-e07fc1f90ae7").seed
            print(seed)
        """,
    )
    assert good.returncode == 0, good.stdout
    bad = _mypy(
        evolved,
        """
        import imagegen

        def make(client: imagegen.Client) -> None:
            client.images.create("a fox", sede=3)
            client.images.create("a fox", style="sketch")
            client.images.create("a fox", resolution="5k")
        """,
    )
    assert bad.returncode == 1
    assert '"sede"' in bad.stdout
    assert '"sketch"' in bad.stdout or "style" in bad.stdout
    assert '"5k"' in bad.stdout or "resolution" in bad.stdout
    assert bad.stdout.count("error:") == 3


def test_a_new_response_field_is_an_attribute_of_the_results(evolved: Path) -> None:
    seen = _run(
        evolved,
        """
    import asyncio, json, httpx, imagegen
    ITEM = {**json.loads(__GENERATION__), "seed": 7}
    def answer(request):
        if request.url.path.endswith("/account"):
            account = json.loads(__ACCOUNT__)
            account["credits"]["promotional"] = 2
            return httpx.Response(200, json={"success": True, "data": account})
        if request.url.path.endswith("/images"):
            return httpx.Response(200, json={"success": True, "data": {
                "generations": [ITEM], "total": 1, "limit": 20, "offset": 0}})
        return httpx.Response(200, json={"success": True, "data": ITEM})
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    got = client.images.get(ITEM["generationId"]).seed
    listed = client.images.list().generations[0].seed
    promotional = client.account().credits.promotional
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    awaited = asyncio.run(aclient.images.get(ITEM["generationId"])).seed
    print(json.dumps([got, listed, promotional, awaited]))
    """.replace("__GENERATION__", repr(json.dumps(_example("getImage")["data"]))).replace(
            "__ACCOUNT__", repr(json.dumps(_example("getAccount")["data"]))
        ),
    )
    assert seen == [7, 7, 2, 7]


def _example(operation_id: str) -> Any:
    """The first 2xx example answer of `operation_id` in the spec: one with every field the
    answer requires."""
    spec = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                media = operation["responses"]["200"]["content"]["application/json"]
                if "example" in media:
                    return media["example"]
                return next(iter(media["examples"].values()))["value"]
    raise KeyError(operation_id)


def test_the_sandbox_validates_a_new_request_field_by_its_schema(evolved: Path) -> None:
    answers = _run(
        evolved,
        """
    import json, imagegen
    from imagegen.testing import Sandbox
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0, pacing=None)
        made = client.images.create("a fox", seed=3, style="photo")
        http = sandbox.http_client()
        wrong = http.post("/images", json={"prompt": "a fox", "seed": "three"},
                          headers={"Authorization": f"Bearer {sandbox.api_key}"})
        print(json.dumps([made.credit_cost, wrong.status_code, wrong.json().get("error")]))
    """,
    )
    assert answers == [1, 422, "VALIDATION_ERROR"]
