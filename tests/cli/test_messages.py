"""What a CLI user reads names the CLI's options and arguments, never the library's Python
arguments; what the library accepts, the CLI accepts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from imagegen._errors import InvalidRequestError
from imagegen.cli._exit_codes import ExitCode
from PIL import Image


def test_an_empty_prompt_names_the_prompt_argument(cli, sandbox):
    run = cli("generate", "--sandbox", "", "--json")
    assert run.code == ExitCode.USAGE
    message = run.document["error"]["message"]
    assert message.startswith("PROMPT is empty")
    assert "prompt=" not in message
    assert run.document["error"]["option"] == "PROMPT"


def test_a_bad_second_image_is_named_as_the_second_image_option(cli, sandbox, tmp_path):
    good = tmp_path / "ref.png"
    Image.new("RGB", (8, 8)).save(good)
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    run = cli("generate", "--sandbox", "A fox", "--image", str(good), "--image", str(bad))
    assert run.code == ExitCode.USAGE
    [line] = run.error_lines
    assert "--image #2" in line
    assert "images[" not in line
    assert sandbox.control.generations() == []


@pytest.mark.parametrize(
    ("message", "field", "expected"),
    [
        (
            "num_outputs=5 is out of range: ask for 1 to 4 images per request",
            "num_outputs",
            "--num-outputs 5 is out of range: ask for 1 to 4 images per request",
        ),
        ("images[1] is empty", "images[1]", "--image #2 is empty"),
        ("images[0] (3 bytes) is empty", "images", "--image #1 (3 bytes) is empty"),
        (
            "download_to '/tmp/x' is a file: pass a directory",
            "download_to",
            "--out '/tmp/x' is a file: pass a directory",
        ),
        (
            "directory '/tmp/x' is a file: pass a directory to save into",
            "directory",
            "--out '/tmp/x' is a file: pass a directory to save into",
        ),
        (
            "prompt is blank: describe the image to generate, e.g. prompt='A lighthouse'",
            "prompt",
            "PROMPT is blank: describe the image to generate, e.g. 'A lighthouse'",
        ),
        (
            "aspect_ratio '7:3' is not supported: use one of 1:1, 16:9",
            "aspect_ratio",
            "--aspect-ratio '7:3' is not supported: use one of 1:1, 16:9",
        ),
        ("is_public must be True or False", "is_public", "--public must be True or False"),
        ("must be a URL", "webhook_url", "--webhook-url: must be a URL"),
        ("something went wrong", None, "something went wrong"),
    ],
)
def test_library_messages_are_rewritten_with_option_names(message, field, expected):
    from imagegen.cli._fields import cli_message

    assert cli_message(InvalidRequestError(message, field=field)) == expected


@pytest.mark.parametrize("resolution", ["4K", "4k", " 4k"])
def test_resolution_in_any_case(cli, sandbox, resolution):
    run = cli("generate", "--sandbox", "A fox", "--resolution", resolution, "--no-wait", "--json")
    assert run.code == 0, run.err
    assert run.document["credit_cost"] == 4


def _without(tmp_path, *modules: str) -> dict[str, str]:
    """An environment whose Python cannot import `modules`, as if they were not installed."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in modules)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return env


@pytest.mark.parametrize("argv", [["account", "--sandbox"], ["sandbox", "--port", "0"]])
def test_a_missing_sandbox_extra_names_the_extra_and_its_install_command(tmp_path, argv):
    run = subprocess.run(
        [sys.executable, "-m", "imagegen.cli", *argv],
        capture_output=True,
        text=True,
        env=_without(tmp_path, "starlette"),
        timeout=60,
        check=False,
    )
    assert run.returncode == ExitCode.USAGE, run.stderr
    assert "Traceback" not in run.stderr
    assert "None" not in run.stderr
    assert "'sandbox' extra" in run.stderr
    assert "pip install 'imagegen-sdk[sandbox]'" in run.stderr
