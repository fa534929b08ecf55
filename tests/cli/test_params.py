"""The create's fields on the command line come from the spec (`CREATE_OPTIONS`): the generic
`--param NAME=VALUE` and each field's own option, converted by the field's JSON type and checked
while parsing, so a wrong one is a usage error with nothing sent. `--json` shows every attribute
of the results."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pytest
from imagegen import _client
from imagegen._errors import InvalidRequestError
from imagegen._spec import create as spec_create
from imagegen._types import CreatedGeneration, Generation, GenerationPage
from imagegen.cli import _create_options
from imagegen.cli._exit_codes import ExitCode
from imagegen.cli._fields import cli_message
from imagegen.cli._json_output import to_jsonable
from imagegen.cli._parser import build_parser


def _nothing_sent(sandbox: Any) -> bool:
    return sandbox.control.generations() == [] and "createImage" not in (
        sandbox.control.request_counts()
    )


# -- --param against the sandbox -------------------------------------------------------------------


def test_param_num_outputs_reaches_the_sandbox(cli, sandbox):
    run = cli("generate", "--sandbox", "A fox", "--param", "num_outputs=2", "--no-wait", "--json")
    assert run.code == ExitCode.OK, run.err
    [made] = sandbox.control.generations()
    assert made["generationId"] == run.document["id"]
    assert made["outputNumber"] == 2
    assert run.document["credit_cost"] == 2  # two 1k outputs


def test_params_of_every_type_reach_the_sandbox(cli, sandbox):
    run = cli(
        "generate",
        "--sandbox",
        "A fox",
        "--param",
        "resolution=2K",  # an enum value, in the spec's spelling once matched
        "--param",
        "is_public=yes",
        "--param",
        "name=my fox",
        "--no-wait",
    )
    assert run.code == ExitCode.OK, run.err
    [made] = sandbox.control.generations()
    assert made["sandbox"]["resolution"] == "2k"
    assert made["isPublic"] is True
    assert made["name"] == "my fox"


@pytest.mark.parametrize(
    ("param", "words"),
    [
        ("nope=1", ["--param", "unknown field 'nope'", "num_outputs", "is_public"]),
        ("num_outputs=x", ["--param", "num_outputs=x", "whole number"]),
        ("num_outputs=5", ["--param", "num_outputs=5", "from 1 to 4"]),
        ("resolution=8k", ["--param", "resolution=8k", "one of 1k, 2k, 4k"]),
        ("is_public=maybe", ["--param", "is_public=maybe", "true or false"]),
        ("num_outputs", ["--param", "NAME=VALUE"]),
    ],
)
def test_a_bad_param_is_a_usage_error_with_nothing_sent(cli, sandbox, param, words):
    run = cli("generate", "--sandbox", "A fox", "--param", param, "--no-wait")
    assert run.code == ExitCode.USAGE
    [line] = [line for line in run.err.splitlines() if "error:" in line]
    for word in words:
        assert word in line
    assert _nothing_sent(sandbox)


@pytest.mark.parametrize(
    "argv",
    [
        ["--resolution", "2k", "--param", "resolution=4k"],
        ["--param", "num_outputs=2", "--num-outputs", "2"],
        ["--public", "--param", "is_public=false"],
    ],
)
def test_one_field_given_two_ways_is_a_usage_error(cli, sandbox, argv):
    run = cli("generate", "--sandbox", "A fox", *argv, "--no-wait")
    assert run.code == ExitCode.USAGE
    assert "give it once" in run.err
    assert _nothing_sent(sandbox)


def test_no_public_sends_is_public_false(cli, sandbox):
    assert cli("generate", "--sandbox", "A fox", "--no-public", "--no-wait").code == 0
    [made] = sandbox.control.generations()
    assert made["isPublic"] is False


# -- a field the spec adds ------------------------------------------------------------------------


@pytest.fixture
def captured_create(monkeypatch) -> list[dict[str, Any]]:
    """`images.create`'s keyword arguments, call by call; it answers without a request."""
    calls: list[dict[str, Any]] = []

    def create(self: Any, prompt: str, **kwargs: Any) -> CreatedGeneration:
        calls.append(kwargs)
        return CreatedGeneration(
            id="3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21", status="starting", credit_cost=1
        )

    monkeypatch.setattr(_client.Images, "create", create)
    return calls


@pytest.fixture
def spec_with(monkeypatch):
    """Give the spec's create more fields (as `make generate` would in CREATE_OPTIONS)."""

    def add(**fields: dict[str, Any]) -> None:
        monkeypatch.setattr(spec_create, "CREATE_OPTIONS", {**spec_create.CREATE_OPTIONS, **fields})

    return add


def test_a_new_spec_field_works_as_param_and_as_its_own_option(
    cli, sandbox, captured_create, spec_with
):
    spec_with(seed={"type": "integer", "minimum": 0})
    assert cli("generate", "--sandbox", "A fox", "--param", "seed=3", "--no-wait").code == 0
    assert cli("generate", "--sandbox", "A fox", "--seed", "4", "--no-wait").code == 0
    assert [call.get("seed") for call in captured_create] == [3, 4]
    bad = cli("generate", "--sandbox", "A fox", "--param", "seed=-1", "--no-wait")
    assert bad.code == ExitCode.USAGE
    assert "seed=-1" in bad.err
    assert len(captured_create) == 2
    assert "--seed SEED" in cli("generate", "--help").out


def test_new_fields_of_every_json_type_convert(cli, sandbox, captured_create, spec_with):
    spec_with(
        strength={"type": "number", "maximum": 1},
        upscale={"type": "boolean"},
        tags={"type": "array", "items": "string"},
        steps={"type": "array", "items": "integer"},
        style={"type": "string", "enum": ["photo", "Painting"]},
        extra={"type": "object"},
    )
    run = cli(
        "generate",
        "--sandbox",
        "A fox",
        "--param",
        "strength=0.5",
        "--param",
        "upscale=0",
        "--param",
        "tags=a, b,c",
        "--steps",
        "1,2",
        "--style",
        "painting",
        "--param",
        'extra={"k": 1}',
        "--no-wait",
    )
    assert run.code == 0, run.err
    [call] = captured_create
    assert call["strength"] == 0.5
    assert call["upscale"] is False
    assert call["tags"] == ["a", "b", "c"]
    assert call["steps"] == [1, 2]
    assert call["style"] == "Painting"
    assert call["extra"] == {"k": 1}
    for param in ("strength=2", "strength=nan", "steps=1,x", "style=oil", "extra={"):
        bad = cli("generate", "--sandbox", "A fox", "--param", param, "--no-wait")
        assert bad.code == ExitCode.USAGE, param
        assert f"--param: {param}" in bad.err
    assert len(captured_create) == 1


def test_a_field_named_like_another_option_is_only_a_param(
    cli, sandbox, captured_create, spec_with
):
    spec_with(timeout={"type": "integer"}, json={"type": "boolean"})
    assert _create_options.own_option("timeout") is None
    assert _create_options.own_option("json") is None
    run = cli(
        "generate",
        "--sandbox",
        "A fox",
        "--param",
        "timeout=7",
        "--param",
        "json=true",
        "--timeout",
        "60",
        "--no-wait",
    )
    assert run.code == 0, run.err
    assert captured_create[0]["timeout"] == 7
    assert captured_create[0]["json"] is True
    assert not run.out.lstrip().startswith("{")  # --json stayed the CLI's own, and unset


def test_reserved_options_are_the_generate_commands_other_options():
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    generate = commands.choices["generate"]
    create_flags = {"--param"}
    for name in _create_options.create_fields():
        flag = _create_options.own_option(name)
        assert flag is not None
        create_flags |= {flag, "--no-" + flag.removeprefix("--")}
    every = {flag for action in generate._actions for flag in action.option_strings}
    assert every - create_flags == _create_options.RESERVED_OPTIONS - {"--param"}


def test_messages_name_the_option_a_user_typed_for_a_boolean():
    error = InvalidRequestError("is_public=False is refused here", field="is_public")
    assert cli_message(error).startswith("--no-public is refused")


# -- --json: every attribute ----------------------------------------------------------------------


def test_no_wait_json_shows_every_attribute_of_the_answer(cli, sandbox, monkeypatch):
    @attrs.frozen(kw_only=True)
    class Answer(CreatedGeneration):  # as if the spec's answer had gained a field
        seed: int = 42

    def create(self: Any, prompt: str, **kwargs: Any) -> CreatedGeneration:
        return Answer(id="3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21", status="starting", credit_cost=1)

    monkeypatch.setattr(_client.Images, "create", create)
    run = cli("generate", "--sandbox", "A fox", "--no-wait", "--json")
    assert run.code == 0, run.err
    assert run.document == {
        "id": "3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21",
        "status": "starting",
        "credit_cost": 1,
        "seed": 42,
        "resume_command": None,
    }


def test_get_list_wait_json_show_every_attribute_of_a_generation(cli, sandbox):
    made = cli("generate", "--sandbox", "A fox", "--no-wait", "--json").document["id"]
    # Every field of the answer; not `response`, what its headers said (no part of its value).
    names = {field.name for field in attrs.fields(Generation)} - {"response"}
    got = cli("get", made, "--sandbox", "--json").document
    assert set(got) == names
    assert isinstance(got["created_at"], str)
    assert isinstance(got["output_images"], list)
    listed = cli("list", "--sandbox", "--json").document
    assert set(listed) == {field.name for field in attrs.fields(GenerationPage)} - {"response"}
    assert set(listed["generations"][0]) == names
    waited = cli("wait", made, "--sandbox", "--json").document
    assert set(waited["generation"]) == names


def test_json_values_are_plain():
    class Colour(enum.Enum):
        RED = "red"

    Result = attrs.make_class(
        "Result", {"when": attrs.field(), "colour": attrs.field(), "items": attrs.field()}
    )
    when = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    document = to_jsonable(Result(when, Colour.RED, ("a", "b")))
    assert document == {"when": "2025-01-02T03:04:05+00:00", "colour": "red", "items": ["a", "b"]}
