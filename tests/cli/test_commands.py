"""Every command, in process, against the sandbox: output, files, --json documents, exit codes."""

from __future__ import annotations

import re
import shlex
import uuid
from pathlib import Path

import pytest
from imagegen.cli._exit_codes import ExitCode
from PIL import Image

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_generate_saves_the_image_at_the_size_asked_for(cli, sandbox, tmp_path):
    run = cli(
        "generate",
        "--sandbox",
        "A lighthouse on a cliff at dusk",
        "--resolution",
        "1k",
        "--aspect-ratio",
        "16:9",
        "--out",
        str(tmp_path),
    )
    assert run.code == 0, run.err
    assert run.err == ""
    lines = run.out.splitlines()
    created = re.fullmatch(rf"generation ({UUID}) created \(1 credit\)", lines[0])
    assert created, lines
    statuses = [line.split()[1] for line in lines if line.startswith("status:")]
    assert statuses[-1] == "succeeded"
    assert set(statuses) <= {"starting", "processing", "succeeded"}
    saved = re.fullmatch(r"saved (\S+) \(1024x576\)", lines[-1])
    assert saved, lines
    path = tmp_path / saved.group(1).rsplit("/", 1)[-1]
    assert str(path) == saved.group(1)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1024, 576)
    assert created.group(1) in path.name
    assert sandbox.control.generation(created.group(1))["status"] == "succeeded"


def test_plain_progress_says_elapsed_and_expected_time(cli, sandbox, tmp_path):
    run = cli("generate", "--sandbox", "A fox", "--out", str(tmp_path))
    assert run.code == 0, run.err
    first_status = next(line for line in run.out.splitlines() if line.startswith("status:"))
    assert re.fullmatch(r"status: \w+ \(elapsed \d+s, expected about 1m00s\)", first_status)
    last_status = [line for line in run.out.splitlines() if line.startswith("status:")][-1]
    assert re.fullmatch(r"status: succeeded after (\d+m\d\ds|\d+s)", last_status)


def test_generate_json_is_one_document_with_generation_and_files(cli, sandbox, tmp_path):
    run = cli(
        "generate",
        "--sandbox",
        "Two foxes",
        "--resolution",
        "2k",
        "--aspect-ratio",
        "9:16",
        "--num-outputs",
        "2",
        "--name",
        "foxes",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert run.code == 0, run.err
    document = run.document
    generation = document["generation"]
    assert generation["status"] == "succeeded"
    assert generation["name"] == "foxes"
    assert generation["credit_cost"] == 4
    assert len(generation["output_images"]) == 2
    assert [(f["width"], f["height"]) for f in document["files"]] == [(1152, 2048)] * 2
    for file in document["files"]:
        with Image.open(file["path"]) as image:
            assert image.size == (file["width"], file["height"])
    # The human lines went to stderr, the id first.
    assert run.err.splitlines()[0] == f"generation {generation['id']} created (4 credits)"


def test_no_wait_prints_the_id_and_wait_picks_it_up(cli, sandbox, tmp_path):
    created = cli("generate", "--sandbox", "A red fox", "--no-wait", "--json")
    assert created.code == 0, created.err
    document = created.document
    assert set(document) == {"id", "status", "credit_cost", "resume_command"}
    assert document["status"] == "starting"
    assert document["credit_cost"] == 1
    assert document["resume_command"] is None  # the in-process sandbox ends with the command
    generation_id = document["id"]

    got = cli("get", generation_id, "--sandbox", "--json")
    assert got.code == 0
    assert got.document["id"] == generation_id
    assert got.document["status"] in ("starting", "processing")

    waited = cli("wait", generation_id, "--sandbox", "--out", str(tmp_path / "w"))
    assert waited.code == 0, waited.err
    assert waited.out.splitlines()[0] == f"waiting for generation {generation_id}"
    assert re.search(r"^saved \S+ \(1024x1024\)$", waited.out, re.M)
    assert list((tmp_path / "w").iterdir())

    shown = cli("get", generation_id, "--sandbox")
    assert shown.code == 0
    assert re.search(rf"^id: +{generation_id}$", shown.out, re.M)
    assert re.search(r"^status: +succeeded$", shown.out, re.M)
    assert re.search(r"^outputs: +http://\S+$", shown.out, re.M)


def test_wait_without_out_shows_the_urls(cli, sandbox):
    generation_id = cli("generate", "--sandbox", "A fox", "--no-wait", "--json").document["id"]
    run = cli("wait", generation_id, "--sandbox")
    assert run.code == 0, run.err
    assert re.search(r"^output http://\S+$", run.out, re.M)
    as_json = cli("wait", generation_id, "--sandbox", "--json")
    assert as_json.document["files"] == []
    assert as_json.document["generation"]["status"] == "succeeded"


def test_reference_images_from_files(cli, sandbox, tmp_path):
    reference = tmp_path / "ref.png"
    Image.new("RGB", (64, 48), "navy").save(reference)
    run = cli(
        "generate",
        "--sandbox",
        "The same, at night",
        "--image",
        str(reference),
        "--out",
        str(tmp_path / "out"),
        "--json",
    )
    assert run.code == 0, run.err
    assert len(run.document["generation"]["image_input"]) == 1
    assert "expected about 2m00s" in run.err  # reference images: the docs' 2-3 minutes


def test_list_account_and_ping(cli, sandbox):
    for prompt in ("one", "two", "three"):
        assert cli("generate", "--sandbox", prompt, "--no-wait").code == 0
        sandbox.advance(200)  # one at a time: the API allows one in progress

    page = cli("list", "--sandbox", "--limit", "2", "--json").document
    assert page["total"] == 3
    assert page["limit"] == 2
    assert [g["prompt"] for g in page["generations"]] == ["three", "two"]
    everything = cli("list", "--sandbox", "--all", "--json").document
    assert [g["prompt"] for g in everything["generations"]] == ["three", "two", "one"]
    assert everything["total"] == 3
    plain = cli("list", "--sandbox", "--offset", "1")
    assert plain.code == 0
    assert re.search(rf"^{UUID}  succeeded +\S+  two$", plain.out, re.M)
    assert plain.out.splitlines()[-1] == "2 of 3 generations, from offset 1"

    account = cli("account", "--sandbox", "--json").document
    assert account["credits"]["total"] == sandbox.control.accounts()[0]["creditsTotal"]
    assert set(account["api_key"]) == {"name", "prefix", "created_at"}
    assert re.search(r"^credits: \d+", cli("account", "--sandbox").out, re.M)

    ping = cli("ping", "--sandbox", "--json")
    assert ping.code == 0
    assert ping.document["account_id"] == account["id"]
    assert cli("ping", "--sandbox").out.startswith("ok: ")


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "exit_code", "code"),
    [
        ("sandbox:nsfw", ExitCode.CONTENT_POLICY, "NSFW_CONTENT_DETECTED"),
        (
            "sandbox:error=INSUFFICIENT_CREDITS",
            ExitCode.INSUFFICIENT_CREDITS,
            "INSUFFICIENT_CREDITS",
        ),
        ("sandbox:error=IMAGE_DOWNLOAD_FAILED", ExitCode.IMAGE_INPUT, "IMAGE_DOWNLOAD_FAILED"),
        ("sandbox:error=VALIDATION_ERROR", ExitCode.VALIDATION, "VALIDATION_ERROR"),
        ("sandbox:error=INVALID_API_TOKEN", ExitCode.AUTH, "INVALID_API_TOKEN"),
        ("sandbox:error=CREDIT_PROCESSING_FAILED", ExitCode.SERVER, "CREDIT_PROCESSING_FAILED"),
        (
            "sandbox:error=CONCURRENT_GENERATION_ERROR",
            ExitCode.RATE_LIMITED,
            "CONCURRENT_GENERATION_ERROR",
        ),
        ("sandbox:fail=INVALID_IMAGE", ExitCode.GENERATION_FAILED, "INVALID_IMAGE"),
        ("sandbox:fail=NSFW_CONTENT_DETECTED", ExitCode.GENERATION_FAILED, "NSFW_CONTENT_DETECTED"),
        ("sandbox:stuck", ExitCode.GENERATION_FAILED, None),
        ("sandbox:status=canceled", ExitCode.SERVER, "UNEXPECTED_RESPONSE"),
    ],
)
def test_errors_are_one_line_with_a_distinct_exit_code(
    cli, sandbox, tmp_path, trigger, exit_code, code
):
    run = cli("generate", "--sandbox", f"A fox {trigger}", "--out", str(tmp_path))
    assert run.code == exit_code, run.err
    [line] = run.error_lines
    assert run.err.count("imagegen: error:") == 1
    if code is not None:
        assert line.startswith(f"imagegen: error: {code}: ")
    assert "What to do: " in line
    assert not list(tmp_path.iterdir())

    as_json = cli("generate", "--sandbox", f"A fox {trigger}", "--json")
    assert as_json.code == exit_code
    error = as_json.document["error"]
    assert error["exit_code"] == exit_code
    assert error["code"] == code or code is None
    assert error["hint"]


def test_an_api_error_line_names_the_status_and_request_id(cli, sandbox):
    run = cli("generate", "--sandbox", "A fox sandbox:error=INSUFFICIENT_CREDITS", "--json")
    error = run.document["error"]
    assert error["status_code"] == 402
    assert error["request_id"]
    assert error["type"] == "InsufficientCreditsError"
    [line] = run.error_lines
    assert f"(HTTP 402, request id {error['request_id']})" in line
    assert "lower --num-outputs or --resolution" in line


def test_a_failed_generation_names_its_id(cli, sandbox):
    run = cli("generate", "--sandbox", "A fox sandbox:fail=IMAGE_INACCESSIBLE", "--json")
    assert run.code == ExitCode.GENERATION_FAILED
    error = run.document["error"]
    assert error["generation_id"] in error["message"]
    assert "refunded" in error["hint"]
    statuses = [line for line in run.err.splitlines() if line.startswith("status:")]
    assert statuses[-1].startswith("status: failed after")


def test_wait_timeout_exits_13(cli, sandbox):
    run = cli("generate", "--sandbox", "A fox sandbox:duration=3600", "--timeout", "60")
    assert run.code == ExitCode.WAIT_TIMEOUT
    [line] = run.error_lines
    assert "still" in line


def test_not_found_and_bad_ids(cli, sandbox):
    missing = cli("get", str(uuid.uuid4()), "--sandbox")
    assert missing.code == ExitCode.NOT_FOUND
    assert "imagegen list" in missing.error_lines[0]
    assert cli("wait", str(uuid.uuid4()), "--sandbox").code == ExitCode.NOT_FOUND
    bad = cli("get", "not-a-uuid", "--sandbox", "--json")
    assert bad.code == ExitCode.USAGE
    assert bad.document["error"]["type"] == "InvalidRequestError"


def test_a_request_rejected_before_sending_costs_nothing(cli, sandbox, tmp_path):
    before = sandbox.control.accounts()[0]["creditsTotal"]
    run = cli("generate", "--sandbox", "A fox", "--image", "http://example.com/ref.png")
    assert run.code == ExitCode.USAGE
    assert "https" in run.error_lines[0]
    missing = cli("generate", "--sandbox", "A fox", "--image", str(tmp_path / "nope.png"))
    assert missing.code == ExitCode.USAGE
    assert "no such file" in missing.error_lines[0]
    assert sandbox.control.accounts()[0]["creditsTotal"] == before
    assert sandbox.control.generations() == []


def test_a_broken_connection_exits_11(cli, sandbox):
    sandbox.control.add_fault("getAccount", "drop_before", times=None)
    run = cli("account", "--sandbox", "--json")
    assert run.code == ExitCode.CONNECTION
    assert run.document["error"]["type"] == "APIConnectionError"


def test_an_unreadable_answer_exits_10(cli, sandbox):
    sandbox.control.add_fault("getStatus", "html", status=502, times=None)
    run = cli("ping", "--sandbox")
    assert run.code == ExitCode.SERVER
    assert "<html" not in run.err.lower() or len(run.err) < 400


# -- key and base URL -----------------------------------------------------------------------------


def test_no_key_exits_3_and_no_url_exits_2(cli, monkeypatch):
    no_key = cli("ping", "--base-url", "http://127.0.0.1:9/v1")
    assert no_key.code == ExitCode.AUTH
    assert "IMAGEGEN_API_KEY" in no_key.error_lines[0]
    monkeypatch.setenv("IMAGEGEN_API_KEY", "sk-from-env")
    no_url = cli("ping", "--json")
    assert no_url.code == ExitCode.USAGE
    assert "IMAGEGEN_BASE_URL" in no_url.document["error"]["hint"]


def test_key_and_url_from_the_environment(cli, served, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    monkeypatch.setenv("IMAGEGEN_BASE_URL", served.base_url)
    assert cli("ping").code == 0


def test_a_wrong_key_is_never_printed(cli, served):
    secret = "sk-live-DO-NOT-PRINT-4c1a9e2f"
    for argv in (["ping"], ["account", "--json"], ["generate", "A fox", "--json"]):
        run = cli(*argv, "--base-url", served.base_url, "--api-key", secret)
        assert run.code == ExitCode.AUTH
        assert secret not in run.out + run.err
        assert "DO-NOT-PRINT" not in run.out + run.err


def test_nothing_listens_exits_11(cli, served, unused_port):
    run = cli("ping", "--base-url", f"http://127.0.0.1:{unused_port}/v1", "--api-key", "k")
    assert run.code == ExitCode.CONNECTION
    assert "--base-url" in run.error_lines[0]


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- Ctrl-C -------------------------------------------------------------------------------------


class _InterruptedClock:
    """The sandbox's clock, but the first sleep is a Ctrl-C: the wait has begun."""

    def __init__(self, clock):
        self._clock = clock

    def monotonic(self):
        return self._clock.monotonic()

    def time(self):
        return self._clock.time()

    def sleep(self, seconds):
        raise KeyboardInterrupt

    async def asleep(self, seconds):
        raise KeyboardInterrupt


def test_ctrl_c_while_waiting_prints_the_resume_command(cli, served, monkeypatch, tmp_path):
    from imagegen.cli import _connect

    monkeypatch.setattr(_connect, "_api_clock", lambda: _InterruptedClock(served.clock))
    monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
    out_dir = str(tmp_path / "my images")
    run = cli(
        "generate",
        "A fox",
        "--out",
        out_dir,
        "--timeout",
        "120",
        "--base-url",
        served.base_url,
        "--json",
    )
    assert run.code == ExitCode.INTERRUPTED
    error = run.document["error"]
    generation_id = error["generation_id"]
    assert re.fullmatch(UUID, generation_id)
    expected = shlex.join(
        [
            "imagegen",
            "wait",
            generation_id,
            "--out",
            out_dir,
            "--timeout",
            "120",
            "--base-url",
            served.base_url,
            "--json",
        ]
    )
    assert error["resume_command"] == expected
    assert error["note"] is None  # the key came from the environment: nothing to add
    assert f"resume with: {expected}" in run.err.splitlines()
    assert not (tmp_path / "my images").exists()

    monkeypatch.setattr(_connect, "_api_clock", lambda: served.clock)
    resumed = cli(*shlex.split(expected)[1:])
    assert resumed.code == 0, resumed.err
    [file] = resumed.document["files"]
    assert Path(file["path"]).parent == tmp_path / "my images"
    assert (file["width"], file["height"]) == (1024, 1024)


def test_ctrl_c_before_the_create_is_sent(cli, sandbox, monkeypatch):
    """The other moments of a create (no answer yet, a back-off, a lost answer) are in
    test_create_phase.py."""
    from imagegen import _client

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_client.Images, "create", interrupted)
    run = cli("generate", "--sandbox", "A fox")
    assert run.code == ExitCode.INTERRUPTED
    assert run.out == ""
    assert run.err.splitlines() == [
        "interrupted",
        "note: nothing was created: the create had not been sent yet",
    ]


def test_ctrl_c_on_the_in_process_sandbox_says_there_is_nothing_to_resume(
    cli, sandbox, monkeypatch
):
    from imagegen.cli import _connect

    monkeypatch.setattr(_connect, "_sandbox_clock", lambda speed: _InterruptedClock(sandbox.clock))
    run = cli("generate", "--sandbox", "A fox")
    assert run.code == ExitCode.INTERRUPTED
    assert "resume with" not in run.err
    assert "nothing to resume" in run.err
    assert re.search(rf"stopped watching generation {UUID}", run.err)


def test_the_terminal_rendering_in_process(cli, sandbox, monkeypatch, tmp_path):
    """The rich code paths (live wait, table), rendered to the captured stream as rich renders
    to a non-TTY; the real terminal is test_terminal.py's."""
    from imagegen.cli import _output

    monkeypatch.setattr(_output, "stream_is_terminal", lambda stream: True)
    run = cli("generate", "--sandbox", "A heron", "--aspect-ratio", "3:4", "--out", str(tmp_path))
    assert run.code == 0, run.err
    generation_id = re.search(rf"generation ({UUID}) created", run.out).group(1)
    assert re.search(r"^status: succeeded after \d+m\d\ds$", run.out, re.M)
    assert re.search(r"^saved \S+ \(768x1024\)$", run.out, re.M)

    listed = cli("list", "--sandbox")
    assert listed.code == 0
    header, row = listed.out.splitlines()[:2]
    assert header.split() == ["id", "status", "created", "prompt"]
    assert row.split()[:2] == [generation_id, "succeeded"]
    assert row.split()[-2:] == ["A", "heron"]
    assert listed.out.splitlines()[-1] == "1 of 1 generations"


def test_a_resumed_wait_expects_what_the_generation_needs(cli, sandbox):
    """`wait` knows only the id: the resolution comes from the credit rule (4k: 4 credits per
    image), so the expected time is 4k's, as the polling schedule has it."""
    created = cli("generate", "--sandbox", "A fox", "--resolution", "4k", "--no-wait", "--json")
    generation_id = created.document["id"]
    run = cli("wait", generation_id, "--sandbox")
    assert run.code == 0, run.err
    first_status = next(line for line in run.out.splitlines() if line.startswith("status:"))
    assert first_status.endswith("expected about 1m30s)")


def test_an_output_that_cannot_be_saved_exits_14_and_lists_what_was(
    cli, sandbox, monkeypatch, tmp_path
):
    from imagegen import _client, _download

    real_download = _client.Images.download

    def half_saved(self, generation, directory):
        saved = real_download(self, generation, directory)
        lost = generation.output_images[-1]
        files = _download.DownloadedFiles(
            saved[:-1], errors={lost: "the image host answered HTTP 404"}
        )
        raise _download.DownloadError(generation, files)

    monkeypatch.setattr(_client.Images, "download", half_saved)
    run = cli("generate", "--sandbox", "Two foxes", "--num-outputs", "2", "--out", str(tmp_path))
    assert run.code == ExitCode.DOWNLOAD_FAILED
    assert len(re.findall(r"^saved \S+ \(1024x1024\)$", run.out, re.M)) == 1
    [line] = run.error_lines
    assert "1 output(s) could not be saved" in line
    assert "HTTP 404" in line

    as_json = cli(
        "generate",
        "--sandbox",
        "Two foxes",
        "--num-outputs",
        "2",
        "--out",
        str(tmp_path / "j"),
        "--json",
    )
    assert as_json.code == ExitCode.DOWNLOAD_FAILED
    assert len(as_json.document["files"]) == 1
    assert as_json.document["error"]["exit_code"] == ExitCode.DOWNLOAD_FAILED
    assert as_json.document["generation"]["status"] == "succeeded"


def test_an_output_the_service_failed_to_make_is_noted(cli, sandbox, tmp_path):
    run = cli(
        "generate",
        "--sandbox",
        "Foxes sandbox:partial",
        "--num-outputs",
        "2",
        "--out",
        str(tmp_path),
    )
    assert run.code == 0, run.err
    assert len(re.findall(r"^saved ", run.out, re.M)) == 1
    assert "note: the service failed to make 1 of the outputs" in run.out
