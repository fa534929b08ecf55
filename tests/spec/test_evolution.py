"""Regenerate on spec change: additive evolutions of a copy of the spec, regenerated with the
project's own `make generate` tools and no edit of the hand-written wrapper, reach a user.

Each evolution runs in a scratch copy of the repository (spec, tools, wrapper, pyproject), in a
fresh interpreter importing that copy, so the package under test is exactly what `make
generate` would give a user of the evolved spec. Type checks run mypy --strict on user code.

The evolutions: new request fields (`seed`, `style` with a new enum), new response fields
(`seed` on a generation, `promotional` credits), new enum values (an aspect ratio, a
resolution, a generation status) and a new error code. Each is shown reaching both clients, the
user's type checker, the sandbox and the CLI (its options, `--param` and `--json`), with a
scripted API on 127.0.0.1 where the sandbox cannot say what is asked (a new response field, a
new error code).
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _copy_repo(target: Path) -> None:
    for name in ("spec", "tools", "wrapper"):
        shutil.copytree(  # links kept: wrapper/imagegen/_api points at the copy's generated/
            ROOT / name,
            target / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            symlinks=True,
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def _regenerate(repo: Path) -> None:
    for command in (["tools/generate.py", "generated"], ["tools/gen_surface.py"]):
        subprocess.run([sys.executable, *command], cwd=repo, check=True, capture_output=True)


def _run(repo: Path, code: str) -> Any:
    """Run `code` in a fresh interpreter on the evolved copy; return what it prints (JSON)."""
    env = {"PYTHONPATH": str(repo / "wrapper"), "PATH": "/usr/bin:/bin"}
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
        env={"MYPYPATH": str(repo / "wrapper"), "PATH": "/usr/bin:/bin"},
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


def _add_enum_values(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for schema, value, name in (("AspectRatio", "2:1", "R2_1"), ("Resolution", "8k", "RES_8K")):
        schemas[schema]["enum"].append(value)
        schemas[schema]["x-enum-varnames"].append(name)
    schemas["GenerationStatus"]["enum"].insert(0, "queued")


def _add_error_code(spec: dict[str, Any]) -> None:
    # Every code is in ErrorCode, and in the code list of each response that may carry it.
    schemas = spec["components"]["schemas"]
    schemas["ErrorCode"]["enum"].append("PROMPT_TOO_LONG")
    schemas["BadRequestCode"]["enum"].append("PROMPT_TOO_LONG")  # a 400 of createImage


def _add_negative_prompt(spec: dict[str, Any]) -> None:
    # A camelCase JSON name: the generated model calls it negative_prompt, and so do users.
    spec["components"]["schemas"]["CreateImageRequest"]["properties"]["negativePrompt"] = {
        "type": "string",
        "description": "What the image should not show.",
    }


def _add_status_filter(spec: dict[str, Any]) -> None:
    # An optional query parameter of a `$ref` enum: absent, it is not sent; given, it is the
    # generated enum's value.
    spec["paths"]["/images"]["get"]["parameters"].append(
        {
            "name": "status",
            "in": "query",
            "required": False,
            "description": "Only the generations with this status.",
            "schema": {"$ref": "#/components/schemas/GenerationStatus"},
        }
    )


EVOLUTIONS: tuple[Evolution, ...] = (
    _add_seed,
    _add_style,
    _add_negative_prompt,
    _add_status_filter,
    _add_result_field,
    _add_enum_values,
    _add_error_code,
)


def test_the_evolutions_are_new_to_the_spec() -> None:
    """Each evolution adds what the spec does not have yet: should the spec come to have it, the
    tests below would prove nothing, and the evolution must be changed."""
    spec = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())
    schemas = spec["components"]["schemas"]
    assert "seed" not in schemas["CreateImageRequest"]["properties"]
    assert "style" not in schemas["CreateImageRequest"]["properties"]
    assert "Style" not in schemas
    assert "seed" not in schemas["Generation"]["properties"]
    assert "seed" not in schemas["GenerationSummary"]["properties"]
    assert "promotional" not in schemas["Credits"]["properties"]
    assert "2:1" not in schemas["AspectRatio"]["enum"]
    assert "8k" not in schemas["Resolution"]["enum"]
    assert "queued" not in schemas["GenerationStatus"]["enum"]
    assert "PROMPT_TOO_LONG" not in schemas["ErrorCode"]["enum"]
    assert "negativePrompt" not in schemas["CreateImageRequest"]["properties"]
    assert "status" not in {p["name"] for p in spec["paths"]["/images"]["get"]["parameters"]}


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository whose spec has every evolution of this module, regenerated."""
    repo = tmp_path_factory.mktemp("evolved")
    _copy_repo(repo)
    spec_path = repo / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    for evolution in EVOLUTIONS:
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


def test_a_camel_case_request_field_is_a_python_name_sent_by_its_json_name(
    evolved: Path,
) -> None:
    """`negativePrompt` in the spec is `negative_prompt` in Python, as the generated model calls
    it: both clients and generate_many items take it, and send the spec's name; a create without
    it is not disturbed by it; the JSON name is no keyword argument (it says which one is)."""
    seen = _run(
        evolved,
        CAPTURE
        + """
    import asyncio
    from imagegen import VirtualClock
    def answer_all(request):
        if request.method == "POST":
            return answer(request)
        return httpx.Response(200, json={"success": True, "data": {
            "generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "succeeded",
            "outputImages": ["https://cdn.test/0.png"]}})
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
        clock=VirtualClock(), http_client=httpx.Client(transport=httpx.MockTransport(answer_all)))
    client.images.create("a fox", seed=3)
    client.images.create("a fox", negative_prompt="blur", seed=3)
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    asyncio.run(aclient.images.create("a fox", negative_prompt="rain"))
    client.generate_many([{"prompt": "a fox", "negative_prompt": "snow"}])
    refused = []
    for kwargs in ({"negativePrompt": "blur"}, {"negative_prompt": 3}):
        try:
            client.images.create("a fox", **kwargs)
        except imagegen.InvalidRequestError as exc:
            refused.append([exc.field, "negative_prompt" in str(exc)])
    [item_error] = client.generate_many([{"prompt": "a fox", "negativePrompt": "snow"}])
    refused.append([item_error.field, "'negative_prompt' for 'negativePrompt'" in str(item_error)])
    print(json.dumps([sent, refused]))
    """,
    )
    assert seen == [
        [
            {"prompt": "a fox", "seed": 3},
            {"prompt": "a fox", "negativePrompt": "blur", "seed": 3},
            {"prompt": "a fox", "negativePrompt": "rain"},
            {"prompt": "a fox", "negativePrompt": "snow"},
        ],
        [["negativePrompt", True], ["negative_prompt", True], ["items", True]],
    ]


def test_the_sandbox_takes_a_camel_case_field_by_its_json_name(evolved: Path) -> None:
    answers = _run(
        evolved,
        """
    import json, imagegen
    from imagegen.testing import Sandbox
    with Sandbox() as sandbox:
        http = sandbox.http_client()
        auth = {"Authorization": f"Bearer {sandbox.api_key}"}
        wrong = http.post("/images", json={"prompt": "a fox", "negativePrompt": 3}, headers=auth)
        good = http.post("/images", json={"prompt": "a fox", "negativePrompt": "x"}, headers=auth)
    # A create whose answer is lost is looked for in listImages (which has a new parameter),
    # and found there.
    with Sandbox() as sandbox:
        sandbox.control.add_fault("createImage", "drop_after")
        made = sandbox.client(pacing=None).images.create("a fox", negative_prompt="blur")
        [generation] = sandbox.control.generations()
        counts = sandbox.control.request_counts()
        print(json.dumps([wrong.status_code, good.status_code, made.credit_cost,
                          made.id == generation["generationId"], counts["listImages"]]))
    """,
    )
    assert answers == [422, 201, 1, True, {"200": 1}]


LIST = """
    import asyncio, json, httpx, imagegen
    from imagegen import GenerationStatus
    asked = []
    ITEM = json.loads(__LISTED__)  # a complete listed generation: the spec's example
    def answer(request):
        asked.append(str(request.url.query, "ascii"))
        return httpx.Response(200, json={"success": True, "data": {
            "generations": [ITEM], "total": 1, "limit": 20, "offset": 0}})
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
"""


def test_an_optional_enum_query_parameter_reaches_both_clients(evolved: Path) -> None:
    """Absent, it is not sent (list, iter); given as the spec's literal or the generated enum's
    member, it is sent as the value; anything else is refused before sending."""
    seen = _run(
        evolved,
        LIST.replace(
            "__LISTED__", repr(json.dumps(_example("listImages")["data"]["generations"][0]))
        )
        + """
    out = [len(client.images.list().generations)]
    client.images.list(status="succeeded")
    client.images.list(status=GenerationStatus.QUEUED, limit=5)
    out.append([g.id for g in client.images.iter()] == [ITEM["generationId"]])
    async def run():
        await aclient.images.list()
        await aclient.images.list(status="processing")
        return [g.id async for g in aclient.images.iter()]
    out.append(asyncio.run(run()) == [ITEM["generationId"]])
    before = len(asked)
    for bad in ("done", 3, "SUCCEEDED"):
        try:
            client.images.list(status=bad)
        except imagegen.InvalidRequestError as exc:
            out.append([exc.field, "succeeded" in str(exc)])
    out.append(len(asked) - before)
    print(json.dumps([asked, out]))
    """,
    )
    asked, out = seen
    assert asked == [
        "limit=20&offset=0",
        "limit=20&offset=0&status=succeeded",
        "limit=5&offset=0&status=queued",
        "limit=100&offset=0",
        "limit=20&offset=0",
        "limit=20&offset=0&status=processing",
        "limit=100&offset=0",
    ]
    assert out == [1, True, True, ["status", True], ["status", True], ["status", True], 0]
    # What the new parameter needs of the generated client (UNSET, the enum) is loaded at the
    # first request: `import imagegen` still loads only the two enums it names.
    loaded = _run(
        evolved,
        "import json, sys, imagegen\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('imagegen._api'))))",
    )
    assert loaded == [
        "imagegen._api",
        "imagegen._api.models",
        "imagegen._api.models.error_code",
        "imagegen._api.models.generation_status",
    ]


GOOD_USER_CODE = """
import imagegen
from imagegen import ErrorCode, GenerationStatus

def make(client: imagegen.Client) -> None:
    client.images.create("a fox", seed=3, style="photo", resolution="2k")
    client.images.create("a fox", aspect_ratio="2:1", resolution="8k")
    client.generate("a fox", seed=3, aspect_ratio="2:1")
    client.generate_many([{"prompt": "a fox", "seed": 3, "resolution": "8k"}])
    client.images.create("a fox", negative_prompt="blur")
    client.generate_many([{"prompt": "a fox", "negative_prompt": "blur"}])
    client.images.list(status="succeeded")
    client.images.list(status=GenerationStatus.QUEUED, limit=5)
    client.images.list(status=None)
    seed: int | None = client.images.get("7c9e6679-7425-40de-944b-e07fc1f90ae7").seed
    queued: GenerationStatus = GenerationStatus.QUEUED
    too_long: ErrorCode = ErrorCode.PROMPT_TOO_LONG
    print(seed, queued, too_long)
"""
# Each line after the def is one type error (lines 5 to 10).
BAD_USER_CODE = """
import imagegen

def make(client: imagegen.Client) -> None:
    client.images.create("a fox", sede=3)
    client.images.create("a fox", style="sketch")
    client.images.create("a fox", resolution="5k")
    client.images.create("a fox", aspect_ratio="2:7")
    client.images.create("a fox", negativePrompt="blur")
    client.images.list(status="done")
"""


def test_the_evolutions_are_typed_for_the_users_type_checker(evolved: Path) -> None:
    """New fields and new enum values are accepted in user code under mypy --strict; a
    misspelled field and a value the evolved spec still lacks are type errors."""
    good = _mypy(evolved, GOOD_USER_CODE)
    assert good.returncode == 0, good.stdout
    bad = _mypy(evolved, BAD_USER_CODE)
    assert bad.returncode == 1
    assert '"sede"' in bad.stdout
    assert '"sketch"' in bad.stdout or "style" in bad.stdout
    assert '"5k"' in bad.stdout or "resolution" in bad.stdout
    assert '"2:7"' in bad.stdout or "aspect_ratio" in bad.stdout
    assert '"negativePrompt"' in bad.stdout
    assert '"done"' in bad.stdout or "status" in bad.stdout
    errors = [line for line in bad.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["5", "6", "7", "8", "9", "10"], bad.stdout


def _pyright(repo: Path, code: str) -> list[int]:
    """The lines of `code` pyright (strict, pinned in package.json) reports errors on, against
    the evolved copy's wrapper/ (imagegen, its _api linked to the copy's generated client)."""
    site = repo / "wrapper"  # imagegen, with imagegen/_api linked to the copy's generated/
    user = repo / "pyright_user" / "user_code.py"
    user.parent.mkdir(exist_ok=True)
    user.write_text(textwrap.dedent(code))
    config = {"typeCheckingMode": "strict", "extraPaths": [str(site)], "pythonVersion": "3.11"}
    (user.parent / "pyrightconfig.json").write_text(json.dumps(config))
    done = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "pyright"), "--outputjson", str(user)],
        cwd=user.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    return sorted(
        {
            d["range"]["start"]["line"]
            for d in report["generalDiagnostics"]
            if d["severity"] == "error"
        }
    )


def test_the_evolutions_are_typed_for_pyright_strict_too(evolved: Path) -> None:
    assert _pyright(evolved, GOOD_USER_CODE) == []
    # 0-based lines: each of the four calls, and nothing else.
    assert _pyright(evolved, BAD_USER_CODE) == [4, 5, 6, 7, 8, 9]


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


# -- new enum values -------------------------------------------------------------------------


def test_new_enum_values_reach_both_clients_and_the_sandbox(evolved: Path) -> None:
    # A new resolution "Nk" waits as 1k does (the docs give no duration for it) and, in the
    # sandbox, costs N credits an output with a long side of N x 1024 pixels.
    seen = _run(
        evolved,
        CAPTURE
        + """
    import asyncio
    from imagegen.testing import Sandbox
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    client.images.create("a fox", aspect_ratio="2:1", resolution="8k")
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    asyncio.run(aclient.images.create("a fox", aspect_ratio="2:1"))
    refused = []
    for kwargs in ({"aspect_ratio": "2:7"}, {"resolution": "16k"}):
        try:
            client.images.create("a fox", **kwargs)
        except imagegen.InvalidRequestError as exc:
            refused.append(exc.field)
    with Sandbox() as sandbox:
        sandbox.client(max_retries=0, pacing=None).images.create("a fox", aspect_ratio="2:1")
        [made] = sandbox.control.generations()
    with Sandbox() as sandbox:
        result = sandbox.client(pacing=None).generate("a fox", resolution="8k", aspect_ratio="2:1")
        [large] = sandbox.control.generations()
    print(json.dumps([sent, refused, made["aspectRatio"], made["sandbox"]["pixelSize"],
                      str(result.generation.status), result.generation.credit_cost,
                      large["sandbox"]["pixelSize"]]))
    """,
    )
    assert seen == [
        [
            {"prompt": "a fox", "aspect_ratio": "2:1", "resolution": "8k"},
            {"prompt": "a fox", "aspect_ratio": "2:1"},
        ],
        ["aspect_ratio", "resolution"],
        "2:1",
        [1024, 512],
        "succeeded",
        8,
        [8192, 4096],
    ]


def test_a_new_status_is_a_member_of_generation_status_and_waited_through(evolved: Path) -> None:
    seen = _run(
        evolved,
        """
    import asyncio, json, httpx, imagegen
    from imagegen import GenerationStatus, VirtualClock
    ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    def script():
        return iter(["queued", "queued", "processing", "succeeded"])
    statuses = {"sync": script(), "async": script()}
    def answerer(which):
        def answer(request):
            status = next(statuses[which])
            data = {**json.loads(__GENERATION__), "generationId": ID, "status": status}
            data["outputImages"] = ["https://cdn.test/0.png"] if status == "succeeded" else []
            return httpx.Response(200, json={"success": True, "data": data})
        return answer
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
        clock=VirtualClock(),
        http_client=httpx.Client(transport=httpx.MockTransport(answerer("sync"))))
    got = client.images.get(ID).status
    waited = client.images.wait(ID).status
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        clock=VirtualClock(),
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answerer("async"))))
    awaited = asyncio.run(aclient.images.wait(ID)).status
    print(json.dumps([got is GenerationStatus.QUEUED, str(got), str(waited), str(awaited)]))
    """.replace("__GENERATION__", repr(json.dumps(_example("getImage")["data"]))),
    )
    assert seen == [True, "queued", "succeeded", "succeeded"]


# -- a new error code ------------------------------------------------------------------------

TOO_LONG = {"success": False, "error": "PROMPT_TOO_LONG", "message": "The prompt is too long."}


def test_a_new_error_code_is_an_error_code_member_on_the_api_error(evolved: Path) -> None:
    seen = _run(
        evolved,
        f"""
    import asyncio, json, httpx, imagegen
    from imagegen import ErrorCode
    def answer(request):
        return httpx.Response(400, json={TOO_LONG!r})
    client = imagegen.Client("sk-test-0123456789", base_url="https://api.test/v1",
                             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    aclient = imagegen.AsyncClient("sk-test-0123456789", base_url="https://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    out = []
    for call in (lambda: client.images.create("a fox"),
                 lambda: asyncio.run(aclient.images.create("a fox"))):
        try:
            call()
        except imagegen.APIError as exc:
            out.append([type(exc).__name__, exc.code is ErrorCode.PROMPT_TOO_LONG,
                        exc.code == "PROMPT_TOO_LONG", exc.status_code, exc.retryable])
    from imagegen._spec.errors import STATUSES_BY_CODE
    out.append(sorted(STATUSES_BY_CODE["PROMPT_TOO_LONG"]))
    print(json.dumps(out))
    """,
    )
    # The class is the status's (a new code has no class of its own until the wrapper gives it
    # one); the code is the generated member, so `except` and `match` on it work.
    assert seen == [["ValidationError", True, True, 400, False]] * 2 + [[400]]


class _ScriptedAPI(http.server.ThreadingHTTPServer):
    """An API on 127.0.0.1 that answers each (method, path) as scripted and records what it
    was sent: for what the sandbox does not do (a new response field, a new error code)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.answers: dict[tuple[str, str], tuple[int, Any]] = {}
        self.received: list[tuple[str, str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _ScriptedHandler(http.server.BaseHTTPRequestHandler):
    server: _ScriptedAPI

    def _answer(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        self.server.received.append((self.command, path, json.loads(raw) if raw else None))
        status, body = self.server.answers.get(
            (self.command, path), (500, {"success": False, "error": "INTERNAL_SERVER_ERROR"})
        )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a test's output stays quiet


@pytest.fixture
def api() -> Iterator[_ScriptedAPI]:
    server = _ScriptedAPI()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _cli(repo: Path, *runs: list[str]) -> list[dict[str, Any]]:
    """Run the evolved copy's CLI once per argv, in one fresh interpreter, by the console
    script's entry (`imagegen.cli:main`): each run's exit code, stdout and stderr."""
    return list(
        _run(
            repo,
            f"""
    import contextlib, io, json
    from imagegen.cli import main
    done = []
    for argv in {[list(argv) for argv in runs]!r}:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        done.append({{"code": code, "out": out.getvalue(), "err": err.getvalue()}})
    print(json.dumps(done))
    """,
        )
    )


ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
KEY = "sk-test-0123456789"
CREATED = {"success": True, "data": {"generationId": ID, "status": "starting", "creditCost": 1}}


def test_the_cli_takes_new_request_fields_and_enum_values(evolved: Path, api: _ScriptedAPI) -> None:
    """As their own options and as `--param`, converted and checked against the evolved spec
    before anything is sent; the sandbox (`--sandbox`) accepts them too."""
    api.answers[("POST", "/v1/images")] = (201, CREATED)
    to_api = ["--no-wait", "--json", "--base-url", api.base_url, "--api-key", KEY]
    runs = _cli(
        evolved,
        ["generate", "a fox", "--seed", "3", "--style", "photo", "--aspect-ratio", "2:1", *to_api],
        ["generate", "a fox", "--param", "seed=4", "--param", "style=Painting", *to_api],
        ["generate", "a fox", "--param", "resolution=8k", *to_api],
        ["generate", "a fox", "--seed", "-1", *to_api],
        ["generate", "a fox", "--param", "style=sketch", *to_api],
        ["generate", "a fox", "--aspect-ratio", "2:7", *to_api],
        ["generate", "--sandbox", "a fox", "--seed", "3", "--style", "photo", *to_api[:2]],
        ["generate", "--help"],
    )
    codes = [run["code"] for run in runs]
    assert codes == [0, 0, 0, 2, 2, 2, 0, 0], [run["err"] for run in runs]
    assert [body for _, _, body in api.received] == [
        {"prompt": "a fox", "seed": 3, "style": "photo", "aspect_ratio": "2:1"},
        {"prompt": "a fox", "seed": 4, "style": "painting"},  # the spec's spelling is sent
        {"prompt": "a fox", "resolution": "8k"},
    ]
    assert json.loads(runs[0]["out"])["id"] == ID
    assert "--seed" in runs[3]["err"]
    assert "style=sketch" in runs[4]["err"]
    assert "--aspect-ratio" in runs[5]["err"]
    assert json.loads(runs[6]["out"])["credit_cost"] == 1
    help_text = runs[7]["out"]
    assert "--seed SEED" in help_text
    assert "--style {photo,painting}" in help_text
    assert "2:1" in help_text
    assert "8k" in help_text


def test_the_cli_takes_a_camel_case_field_by_its_python_name(
    evolved: Path, api: _ScriptedAPI
) -> None:
    """`negativePrompt` is `--negative-prompt` and `--param negative_prompt=` (the spec's own
    name is taken by `--param` too), sent by its JSON name; the sandbox takes it."""
    api.answers[("POST", "/v1/images")] = (201, CREATED)
    to_api = ["--no-wait", "--json", "--base-url", api.base_url, "--api-key", KEY]
    runs = _cli(
        evolved,
        ["generate", "a fox", "--negative-prompt", "blur", *to_api],
        ["generate", "a fox", "--param", "negative_prompt=rain", *to_api],
        ["generate", "a fox", "--param", "negativePrompt=snow", *to_api],
        ["generate", "a fox", "--seed", "3", *to_api],
        ["generate", "a fox", "--negative-prompt", "a", "--param", "negativePrompt=b", *to_api],
        ["generate", "--sandbox", "a fox", "--negative-prompt", "blur", *to_api[:2]],
        ["generate", "--help"],
    )
    codes = [run["code"] for run in runs]
    assert codes == [0, 0, 0, 0, 2, 0, 0], [run["err"] for run in runs]
    assert [body for _, _, body in api.received] == [
        {"prompt": "a fox", "negativePrompt": "blur"},
        {"prompt": "a fox", "negativePrompt": "rain"},
        {"prompt": "a fox", "negativePrompt": "snow"},
        {"prompt": "a fox", "seed": 3},
    ]
    assert "given both as --negative-prompt and as --param" in runs[4]["err"]
    assert json.loads(runs[5]["out"])["credit_cost"] == 1
    assert "--negative-prompt NEGATIVE_PROMPT" in runs[6]["out"]


def test_the_clis_json_shows_new_response_fields_and_statuses(
    evolved: Path, api: _ScriptedAPI
) -> None:
    item = {**_example("getImage")["data"], "generationId": ID, "status": "queued", "seed": 7}
    api.answers[("GET", f"/v1/images/{ID}")] = (200, {"success": True, "data": item})
    page = {"generations": [item], "total": 1, "limit": 20, "offset": 0}
    api.answers[("GET", "/v1/images")] = (200, {"success": True, "data": page})
    account = _example("getAccount")["data"]
    account = {**account, "credits": {**account["credits"], "promotional": 2}}
    api.answers[("GET", "/v1/account")] = (200, {"success": True, "data": account})
    to_api = ["--json", "--base-url", api.base_url, "--api-key", KEY]
    runs = _cli(evolved, ["get", ID, *to_api], ["list", *to_api], ["account", *to_api])
    assert [run["code"] for run in runs] == [0, 0, 0], [run["err"] for run in runs]
    got, listed, credits = (json.loads(run["out"]) for run in runs)
    assert (got["seed"], got["status"]) == (7, "queued")
    assert (listed["generations"][0]["seed"], listed["generations"][0]["status"]) == (7, "queued")
    assert credits["credits"]["promotional"] == 2


def test_the_cli_prints_a_new_error_code(evolved: Path, api: _ScriptedAPI) -> None:
    api.answers[("POST", "/v1/images")] = (400, TOO_LONG)
    to_api = ["--no-wait", "--base-url", api.base_url, "--api-key", KEY]
    runs = _cli(evolved, ["generate", "a fox", *to_api], ["generate", "a fox", "--json", *to_api])
    assert [run["code"] for run in runs] == [9, 9]  # ExitCode.VALIDATION: a 400's class
    [line] = [line for line in runs[0]["err"].splitlines() if line.startswith("imagegen: error")]
    assert line.startswith("imagegen: error: PROMPT_TOO_LONG: The prompt is too long (HTTP 400")
    error = json.loads(runs[1]["out"])["error"]
    assert (error["code"], error["status_code"], error["type"]) == (
        "PROMPT_TOO_LONG",
        400,
        "ValidationError",
    )


# -- a new operation: the spec, one entry in the one table, and its sandbox handler ------------

DELETE_ENTRY = '    "deleteImage": Entry(Kind.IDEMPOTENT_WRITE, "images.delete"),\n'
DELETE_HANDLER = """

async def delete_image(request: Request) -> Response:
    caller = _authenticate(request)
    generation_id = request.path_params["generationId"]
    if not _UUID.match(generation_id):
        raise ErrorAnswer.of("INVALID_GENERATION_ID")
    generation = _control(request).generation_for(caller, generation_id)
    return _json(200, {"success": True, "data": {"generationId": generation.id, "deleted": True}})
"""


def _add_delete_operation(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["DeletedGeneration"] = {
        "type": "object",
        "required": ["generationId", "deleted"],
        "properties": {
            "generationId": {"type": "string", "format": "uuid"},
            "deleted": {"type": "boolean"},
        },
    }
    get_image = spec["paths"]["/images/{generationId}"]["get"]
    spec["paths"]["/images/{generationId}"]["delete"] = {
        "operationId": "deleteImage",
        "tags": ["images"],
        "summary": "Delete a generation",
        "description": "Deletes a generation and its outputs. Deleting it again changes nothing.",
        "parameters": get_image["parameters"],
        "responses": {
            "200": {
                "description": "Deleted.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["success", "data"],
                            "properties": {
                                "success": {"const": True},
                                "data": {"$ref": "#/components/schemas/DeletedGeneration"},
                            },
                        }
                    }
                },
            },
            **{code: answer for code, answer in get_image["responses"].items() if code != "200"},
        },
    }


@pytest.fixture(scope="module")
def with_delete(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose spec gains `DELETE /images/{generationId}`, with exactly the hand edits the
    README's worked example names: one entry in `_operations.py`, one sandbox handler."""
    repo = tmp_path_factory.mktemp("with_delete")
    _copy_repo(repo)
    spec_path = repo / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    _add_delete_operation(spec)
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    table = repo / "wrapper" / "imagegen" / "_operations.py"
    text = table.read_text()
    anchor = '    "createImage": Entry(Kind.CREATE, "images.create"),\n'
    assert anchor in text
    table.write_text(text.replace(anchor, anchor + DELETE_ENTRY))
    app = repo / "wrapper" / "imagegen" / "sandbox" / "_app.py"
    text = app.read_text()
    anchor = '    "getImage": get_image,\n'
    assert anchor in text
    text = text.replace(anchor, anchor + '    "deleteImage": delete_image,\n')
    marker = "\n\n# The one table of the sandbox's API"
    assert marker in text
    app.write_text(text.replace(marker, DELETE_HANDLER + marker))
    _regenerate(repo)
    return repo


def test_a_new_operation_is_a_method_of_both_clients_served_by_the_sandbox(
    with_delete: Path,
) -> None:
    seen = _run(
        with_delete,
        """
    import asyncio, json, imagegen
    from imagegen.testing import Sandbox
    out = []
    with Sandbox() as sandbox:
        client = sandbox.client(pacing=None)
        made = client.images.create("a fox")
        # An idempotent write is retried as a read: a 503 once, then the answer.
        sandbox.control.add_fault("deleteImage", "status", code="INTERNAL_SERVER_ERROR", status=503)
        deleted = client.images.delete(made.id)
        out.append([type(deleted).__name__, deleted.id == made.id, deleted.deleted])
        out.append(sandbox.control.request_counts()["deleteImage"])
        # The new result class holds its answer's request id, outside its value.
        info = deleted.response
        out.append([type(info).__name__, info.request_id.startswith("req_")])
        out.append([deleted == client.images.delete(made.id), "response" in repr(deleted)])
        async def run():
            async with sandbox.async_client(pacing=None) as aclient:
                return await aclient.images.delete(made)
        out.append(asyncio.run(run()).deleted)
        try:
            client.images.delete("../account")
        except imagegen.InvalidRequestError as exc:
            out.append(exc.field)
        try:
            client.images.delete("7c9e6679-7425-40de-944b-e07fc1f90ae7")
        except imagegen.NotFoundError as exc:
            out.append(str(exc.code))
    print(json.dumps(out))
    """,
    )
    assert seen == [
        ["DeletedGeneration", True, True],
        {"503": 1, "200": 1},
        ["ResponseInfo", True],
        [True, False],
        True,
        "generation_id",
        "GENERATION_NOT_FOUND",
    ]


DELETE_USER_CODE = """
import imagegen

async def main(client: imagegen.Client, aclient: imagegen.AsyncClient) -> None:
    deleted: bool = client.images.delete("7c9e6679-7425-40de-944b-e07fc1f90ae7").deleted
    adeleted: bool = (await aclient.images.delete("7c9e6679")).deleted
    client.images.delete(3)  # line 7: not an id
    client.images.remove("7c9e6679")  # line 8: no such method
    info: imagegen.ResponseInfo | None = client.images.delete("7c9e6679").response
    print(deleted, adeleted, info)
"""


def test_a_new_operation_is_typed_for_pyright_strict(with_delete: Path) -> None:
    assert _pyright(with_delete, DELETE_USER_CODE) == [6, 7]  # 0-based


def test_a_new_operation_is_typed_for_the_users_type_checker(with_delete: Path) -> None:
    done = _mypy(
        with_delete,
        """
    import imagegen

    async def main(client: imagegen.Client, aclient: imagegen.AsyncClient) -> None:
        deleted: bool = client.images.delete("7c9e6679-7425-40de-944b-e07fc1f90ae7").deleted
        adeleted: bool = (await aclient.images.delete("7c9e6679")).deleted
        client.images.delete(3)  # line 7: not an id
        client.images.remove("7c9e6679")  # line 8: no such method
        info: imagegen.ResponseInfo | None = client.images.delete("7c9e6679").response
        reveal_type(info)
    """,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["7", "8"], done.stdout
    assert 'Revealed type is "imagegen._response.ResponseInfo | None"' in done.stdout, done.stdout


def test_the_sandbox_injects_a_new_error_code_with_its_status(evolved: Path) -> None:
    # The sandbox's codes are the spec's (_spec/errors.py): PROMPT_TOO_LONG, a 400 of
    # createImage in the evolved spec, is injected by fault rule and by prompt trigger.
    seen = _run(
        evolved,
        """
    import json, imagegen
    from imagegen.testing import Sandbox
    out = []
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0, pacing=None)
        sandbox.control.add_fault("createImage", "status", code="PROMPT_TOO_LONG")
        for prompt in ("a fox", "a fox sandbox:error=PROMPT_TOO_LONG"):
            try:
                client.images.create(prompt)
            except imagegen.APIError as exc:
                out.append([str(exc.code), exc.status_code, type(exc).__name__])
        out.append(len(sandbox.control.generations()))
    print(json.dumps(out))
    """,
    )
    assert seen == [["PROMPT_TOO_LONG", 400, "ValidationError"]] * 2 + [0]


# The tests of every operation, run on a copy whose spec gains deleteImage the README's way (its
# 200 also with the X-Request-ID header and an example, as every answer of the spec has): none
# holds a fixed list of operations that a new one breaks.
OPERATION_SUITES = (
    "tests/spec/test_docs_coverage.py",
    "tests/spec/test_examples.py",
    "tests/spec/test_operation_tables.py",
    "tests/wrapper/test_errors.py",
)


def test_the_tests_of_every_operation_pass_with_a_new_operation(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    repo = tmp_path_factory.mktemp("suites_with_delete")
    _copy_repo(repo)
    shutil.copytree(
        ROOT / "tests", repo / "tests", ignore=shutil.ignore_patterns("__pycache__", "cassettes")
    )
    spec_path = repo / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    _add_delete_operation(spec)
    deleted = spec["paths"]["/images/{generationId}"]["delete"]["responses"]["200"]
    deleted["headers"] = {"X-Request-ID": {"$ref": "#/components/headers/XRequestId"}}
    deleted["content"]["application/json"]["example"] = {
        "success": True,
        "data": {"generationId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "deleted": True},
    }
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    table = repo / "wrapper" / "imagegen" / "_operations.py"
    anchor = '    "createImage": Entry(Kind.CREATE, "images.create"),\n'
    table.write_text(table.read_text().replace(anchor, anchor + DELETE_ENTRY))
    app = repo / "wrapper" / "imagegen" / "sandbox" / "_app.py"
    text = app.read_text().replace(
        '    "getImage": get_image,\n',
        '    "getImage": get_image,\n    "deleteImage": delete_image,\n',
    )
    marker = "\n\n# The one table of the sandbox's API"
    app.write_text(text.replace(marker, DELETE_HANDLER + marker))
    _regenerate(repo)
    env = {
        "PYTHONPATH": f"{repo / 'wrapper'}:{repo / 'generated'}:{repo}",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *OPERATION_SUITES],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "deleteImage" in (repo / "wrapper" / "imagegen" / "_spec" / "operations.py").read_text()
