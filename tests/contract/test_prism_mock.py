"""Stoplight Prism's dynamic mock of spec/openapi.yaml produces no answer the client refuses.

`prism mock -d` makes every body up from the response schemas (random values, extra fields),
so this checks the spec from the other side: whatever the spec allows, the client reads. Every
2xx body must parse into its typed result (through `imagegen.Client` and through the parser on
raw answers), and every documented error (asked for with `Prefer: code=STATUS`) into the
APIError subclass its code or, lacking one, its status stands for (a table of this test's own,
below). Before the spec said `success: const true`, about half of Prism's 2xx bodies carried
`success: false` and were refused.

Prism (npm @stoplight/prism-cli, pinned in package.json) listens on 127.0.0.1 only; it is
started once per module and killed at the end, whatever happens. No request carries a
`webhook_url`: Prism would call it back.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import imagegen
import pytest
from imagegen import _parsing

from tests.spec import spec_model

REPO = Path(__file__).resolve().parents[2]
PRISM = REPO / "node_modules" / ".bin" / "prism"
STARTUP_SECONDS = 60.0
ANSWERS_PER_OPERATION = 25
ANSWERS_PER_ERROR = 6
KEY = "ig_test_" + "0" * 32
GENERATION_ID = str(uuid.UUID(int=7))

RESULT_TYPES: dict[str, type] = {
    "getStatus": imagegen.ConnectionStatus,
    "getAccount": imagegen.Account,
    "listImages": imagegen.GenerationPage,
    "getImage": imagegen.Generation,
    "createImage": imagegen.CreatedGeneration,
}

# The exception each documented code stands for, and each status when the body names no code
# (shape 3, `{"detail": ...}`). Written here, not read from the wrapper, so a wrong mapping
# there fails this test.
CLASS_BY_CODE: dict[str, type[imagegen.APIError]] = {
    **dict.fromkeys(
        ("AUTHENTICATION_FAILED", "MISSING_API_TOKEN", "INVALID_API_TOKEN"),
        imagegen.AuthenticationError,
    ),
    **dict.fromkeys(("INVALID_JSON", "VALIDATION_ERROR"), imagegen.ValidationError),
    "NSFW_CONTENT_DETECTED": imagegen.ContentPolicyError,
    **dict.fromkeys(
        (
            "IMAGE_SIZE_LIMIT_EXCEEDED",
            "IMAGE_DOWNLOAD_FAILED",
            "INVALID_IMAGE",
            "IMAGE_INACCESSIBLE",
        ),
        imagegen.ImageInputError,
    ),
    "INSUFFICIENT_CREDITS": imagegen.InsufficientCreditsError,
    **dict.fromkeys(
        ("ACCOUNT_NOT_FOUND", "GENERATION_NOT_FOUND", "INVALID_GENERATION_ID"),
        imagegen.NotFoundError,
    ),
    "RATE_LIMIT_ERROR": imagegen.RateLimitError,
    "CONCURRENT_GENERATION_ERROR": imagegen.ConcurrentGenerationError,
    **dict.fromkeys(
        (
            "FAILED_TO_VALIDATE_TOKEN",
            "FETCH_FAILED",
            "IMAGE_UPLOAD_FAILED",
            "GENERATION_UPDATE_FAILED",
            "GENERATION_INIT_FAILED",
            "CREDIT_PROCESSING_FAILED",
            "GENERATION_START_FAILED",
            "INTERNAL_SERVER_ERROR",
        ),
        imagegen.ServerError,
    ),
}
CLASS_BY_STATUS: dict[int, type[imagegen.APIError]] = {
    400: imagegen.ValidationError,
    404: imagegen.NotFoundError,
    422: imagegen.ValidationError,
    503: imagegen.ServiceUnavailableError,
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(process: subprocess.Popen[bytes]) -> None:
    """Read Prism's output until it says it listens; fail on exit or after STARTUP_SECONDS."""
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=left):
                break
            line = process.stdout.readline().decode(errors="replace")
            if not line:
                break  # Prism exited
            seen.append(line)
            if "Prism is listening" in line:
                return
    pytest.fail("Prism did not start:\n" + "".join(seen[-20:]))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # npx's node and its children: our own group
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    missing = "Prism is not installed: run `make node_modules/.installed` (npm ci)"
    assert PRISM.exists(), missing
    assert shutil.which("npx"), missing
    port = _free_port()
    spec = str(REPO / "spec" / "openapi.yaml")
    process = subprocess.Popen(
        ["npx", "--no-install", "prism", "mock", "-d", "-h", "127.0.0.1", "-p", str(port), spec],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        # Unbuffered: `readline` then reads no further than the line, so a "listening" line
        # never waits in a Python buffer the selector cannot see.
        bufsize=0,
        start_new_session=True,
    )
    try:
        _wait_until_listening(process)
        # Prism logs every request: read nothing more, so discard it rather than fill the pipe.
        assert process.stdout is not None
        drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(process)
            drain.wait(timeout=10)
    finally:
        _stop(process)


def _request(operation_id: str) -> tuple[str, str, dict[str, object] | None]:
    """(method, path, JSON body) of a valid request for the operation."""
    op = spec_model.operation(operation_id)
    path = op.path.replace("{generationId}", GENERATION_ID)
    if operation_id == "listImages":
        path += "?limit=20&offset=0"
    body = {"prompt": "A lighthouse on a cliff at dusk"} if op.method == "post" else None
    return op.method.upper(), path, body


def _ask(http: httpx.Client, operation_id: str, status: str | None = None) -> httpx.Response:
    method, path, body = _request(operation_id)
    headers = {"Authorization": f"Bearer {KEY}"}
    if status is not None:
        headers["Prefer"] = f"code={status}"
    return http.request(method, path, json=body, headers=headers)


ERRORS = [
    pytest.param(op.operation_id, r.status, id=f"{op.operation_id}-{r.status}")
    for op in spec_model.operations()
    for r in op.responses()
    if not r.status.startswith("2")
]


@pytest.mark.parametrize("operation_id", sorted(RESULT_TYPES))
def test_every_mocked_success_parses_into_its_result(prism_url: str, operation_id: str) -> None:
    with httpx.Client(base_url=prism_url, timeout=10, trust_env=False) as http:
        for _ in range(ANSWERS_PER_OPERATION):
            response = _ask(http, operation_id)
            assert 200 <= response.status_code <= 299, response.text
            try:
                result = _parsing.parse_response(operation_id, response)
            except imagegen.ImagegenError as error:
                pytest.fail(f"{operation_id}: refused {response.text}: {error}")
            assert isinstance(result, RESULT_TYPES[operation_id])


def test_the_client_reads_every_mocked_success(prism_url: str) -> None:
    for _ in range(ANSWERS_PER_OPERATION):
        # A fresh client each time: one that created before would first wait for that
        # generation to finish (the API allows one at a time), and Prism's never does.
        with imagegen.Client(api_key=KEY, base_url=prism_url, max_retries=0) as client:
            assert isinstance(client.status(), imagegen.ConnectionStatus)
            assert isinstance(client.account(), imagegen.Account)
            assert isinstance(client.images.list(), imagegen.GenerationPage)
            assert isinstance(client.images.get(GENERATION_ID), imagegen.Generation)
            created = client.images.create(prompt="A lighthouse on a cliff at dusk")
            assert isinstance(created, imagegen.CreatedGeneration)


@pytest.mark.parametrize(("operation_id", "status"), ERRORS)
def test_every_mocked_error_is_the_right_api_error(
    prism_url: str, operation_id: str, status: str
) -> None:
    with httpx.Client(base_url=prism_url, timeout=10, trust_env=False) as http:
        for _ in range(ANSWERS_PER_ERROR):
            response = _ask(http, operation_id, status)
            assert response.status_code == int(status), response.text
            with pytest.raises(imagegen.APIError) as raised:
                _parsing.parse_response(operation_id, response)
            body = response.json()
            code = body.get("error", body.get("message") if "detail" not in body else None)
            expected = CLASS_BY_CODE[code] if code else CLASS_BY_STATUS[int(status)]
            assert type(raised.value) is expected, (response.text, raised.value)
            if code:
                assert raised.value.code == code
