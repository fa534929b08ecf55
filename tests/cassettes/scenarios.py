"""The cassette scenarios: what each one does through `imagegen.Client`, what it must end in,
and how it is provoked.

One scenario, one cassette (`cassettes/<name>.json`). The same `run` is used to record (against
the sandbox or a real service) and to replay (from the cassette, network blocked); `check`
holds the typed result or error it must end in, and decides at recording time whether the
scenario was provoked at all.

Provoking: against the sandbox, `sandbox_setup` may steer it through its control surface
(faults, accounts, limits) before the cassette opens, and prompts may carry sandbox triggers
(`sandbox:duration=60`, `sandbox:nsfw`: plain text to a real service). A real service cannot be
steered: `on_service` says how the scenario arises there, or is None when it cannot be provoked
on purpose; the recorder then reports it and keeps the sandbox recording.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import imagegen
from imagegen import ErrorCode, GenerationStatus

UNKNOWN_GENERATION_ID = "00000000-0000-4000-8000-000000000000"
# Well-formed, but no account has it: the documented AUTHENTICATION_FAILED (a real service may
# say INVALID_API_TOKEN). Scrubbed from the cassette like any key.
UNKNOWN_API_KEY = "ig_test_0000000000000000000000000000nobody"
UNREACHABLE_IMAGE = "https://images.imagegen.invalid/refs/missing.png"
# Loopback, where the sandbox does fetch references, on a port nothing listens on (discard).
UNDOWNLOADABLE_IMAGE = "https://127.0.0.1:9/refs/lighthouse.png"


class Stage(Protocol):
    """Where a scenario runs: `advance` moves the sandbox's clock when recording against the
    sandbox, really waits against a service, and does nothing in replay."""

    def advance(self, seconds: float) -> None: ...


class SandboxStage(Protocol):
    """What `sandbox_setup` gets: the sandbox's control object, and clients for setting things
    up outside the cassette."""

    @property
    def control(self) -> Any: ...

    def client(self, **options: Any) -> imagegen.Client: ...


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    run: Callable[[imagegen.Client, Stage], Any]
    check: Callable[[Any], None]
    on_service: str | None
    not_on_service: str = ""  # why, when on_service is None
    sandbox_setup: Callable[[SandboxStage], dict[str, Any]] | None = None
    client_options: dict[str, Any] = field(default_factory=dict)


def tiny_png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1x1 PNG, made by hand: reference images a few dozen bytes long."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# A PNG signature and nothing decodable behind it: passes the client's sniffing, not the server.
CORRUPT_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


# --- checks --------------------------------------------------------------------------------


def _created(cost: int) -> Callable[[Any], None]:
    def check(outcome: Any) -> None:
        assert isinstance(outcome, imagegen.CreatedGeneration), outcome
        assert outcome.status == GenerationStatus.STARTING
        assert outcome.credit_cost == cost

    return check


def _generation_in(status: GenerationStatus) -> Callable[[Any], None]:
    def check(outcome: Any) -> None:
        assert isinstance(outcome, imagegen.Generation), outcome
        assert outcome.status == status
        if status == GenerationStatus.SUCCEEDED:
            assert outcome.output_images
            assert outcome.is_terminal

    return check


def _api_error(
    kind: type[imagegen.APIError], status: int, *codes: str, retry_after: bool = False
) -> Callable[[Any], None]:
    def check(outcome: Any) -> None:
        assert isinstance(outcome, kind), outcome
        assert outcome.status_code == status
        assert outcome.code in codes, outcome.code
        assert outcome.request_id
        if retry_after:
            assert isinstance(outcome, imagegen.RateLimitError)
            assert outcome.retry_after is not None
            assert outcome.retry_after > 0

    return check


def _check_status(outcome: Any) -> None:
    assert isinstance(outcome, imagegen.ConnectionStatus), outcome
    assert outcome.account_id
    assert outcome.api_key_id


def _check_account(outcome: Any) -> None:
    assert isinstance(outcome, imagegen.Account), outcome
    assert outcome.id
    assert outcome.credits.total >= 0
    assert isinstance(outcome.api_key, imagegen.ApiKeyInfo)


def _check_two_pages(outcome: Any) -> None:
    first, second = outcome
    assert isinstance(first, imagegen.GenerationPage)
    assert isinstance(second, imagegen.GenerationPage)
    assert (first.limit, first.offset, len(first.generations)) == (2, 0, 2)
    assert first.has_more
    assert second.offset == 2
    assert second.generations
    assert not {g.id for g in first.generations} & {g.id for g in second.generations}
    assert all(isinstance(g, imagegen.Generation) for g in first.generations + second.generations)


def _check_failed(outcome: Any) -> None:
    assert isinstance(outcome, imagegen.GenerationFailedError), outcome
    assert outcome.code == ErrorCode.IMAGE_INACCESSIBLE
    assert outcome.generation.status == GenerationStatus.FAILED
    assert outcome.generation.failure_reason == ErrorCode.IMAGE_INACCESSIBLE


# --- runs ------------------------------------------------------------------------------------


def _create_then_get(prompt: str, wait_for: float = 0.0) -> Callable[[imagegen.Client, Stage], Any]:
    def run(client: imagegen.Client, stage: Stage) -> Any:
        created = client.images.create(prompt, resolution="1k")
        if wait_for:
            stage.advance(wait_for)
        return client.images.get(created.id)

    return run


def _create_then_wait(client: imagegen.Client, stage: Stage) -> Any:
    created = client.images.create("A lighthouse on a cliff at dusk, oil painting")
    return client.images.wait(created.id)


def _create_unreachable_then_wait(client: imagegen.Client, stage: Stage) -> Any:
    created = client.images.create("The same scene in winter", images=[UNREACHABLE_IMAGE])
    return client.images.wait(created.id)


def _as_reference(url: str) -> str:
    """An output URL as a reference URL. The sandbox serves its files over plain http on
    loopback, and clients send https only; the sandbox reads its own files by either scheme."""
    return "https://" + url.removeprefix("http://") if url.startswith("http://127.") else url


def _reference_earlier_outputs(
    count: int, prompt: str, **create: Any
) -> Callable[[imagegen.Client, Stage], Any]:
    """Make `count` images, then create with their URLs as references: real, reachable
    images on a service and on the sandbox alike."""

    def run(client: imagegen.Client, stage: Stage) -> Any:
        earlier = client.generate("A lighthouse on a cliff at dusk", num_outputs=count)
        urls = [_as_reference(url) for url in earlier.generation.output_images]
        return client.images.create(prompt, images=urls, **create)

    return run


def _two_creates(prompt: str) -> Callable[[imagegen.Client, Stage], Any]:
    def run(client: imagegen.Client, stage: Stage) -> Any:
        client.images.create(prompt)
        return client.images.create(prompt)

    return run


def _two_pages(client: imagegen.Client, stage: Stage) -> Any:
    return client.images.list(limit=2, offset=0), client.images.list(limit=2, offset=2)


# --- sandbox setups (control surface; before the cassette opens) ----------------------------


def _three_generations(stage: SandboxStage) -> dict[str, Any]:
    control = stage.control
    control.set_limits(control.default_account_id, creates_per_minute=None, max_concurrent=None)
    setup = stage.client(pacing=None)
    for index in range(3):
        setup.images.create(f"Lighthouse study {index + 1}")
    return {}


def _account_without_credits(stage: SandboxStage) -> dict[str, Any]:
    return {"api_key": stage.control.add_account(credits=0).api_key}


def _deleted_account(stage: SandboxStage) -> dict[str, Any]:
    account = stage.control.add_account()
    stage.control.delete_account(account.account_id)
    return {"api_key": account.api_key}


def _fault(operation: str, **rule: Any) -> Callable[[SandboxStage], dict[str, Any]]:
    def setup(stage: SandboxStage) -> dict[str, Any]:
        stage.control.add_fault(operation, "status", **rule)
        return {}

    return setup


def _one_create_per_minute(stage: SandboxStage) -> dict[str, Any]:
    control = stage.control
    control.set_limits(control.default_account_id, creates_per_minute=1, max_concurrent=None)
    return {}


_NO_RETRY = {"max_retries": 0}
_NO_RETRY_NO_PACING = {"max_retries": 0, "pacing": None}

SCENARIOS: tuple[Scenario, ...] = (
    # -- every operation, answered --------------------------------------------------------------
    Scenario(
        "status",
        "getStatus: the key works",
        lambda client, stage: client.status(),
        _check_status,
        on_service="as is",
    ),
    Scenario(
        "account",
        "getAccount: the account, its credits and the key",
        lambda client, stage: client.account(),
        _check_account,
        on_service="as is",
    ),
    Scenario(
        "list_two_pages",
        "listImages: two pages of two",
        _two_pages,
        _check_two_pages,
        on_service="as is, on an account that already has three generations or more",
        sandbox_setup=_three_generations,
    ),
    Scenario(
        "create_text_to_image",
        "createImage: text only (201, starting, 1 credit)",
        lambda client, stage: client.images.create(
            "A lighthouse on a cliff at dusk, oil painting", resolution="1k", aspect_ratio="16:9"
        ),
        _created(1),
        on_service="as is (costs 1 credit)",
    ),
    Scenario(
        "create_one_url_reference",
        "createImage: one reference image by URL (an earlier output)",
        _reference_earlier_outputs(1, "The same scene in winter, heavy snow", resolution="2k"),
        _created(2),
        on_service="as is (costs 1 + 2 credits: an image is made first to serve as the reference)",
    ),
    Scenario(
        "create_several_url_references",
        "createImage: three reference images by URL (earlier outputs), two outputs",
        _reference_earlier_outputs(
            3,
            "Combine the subject of the first image with the style of the others",
            aspect_ratio="1:1",
            num_outputs=2,
        ),
        _created(2),
        on_service="as is (costs 3 + 2 credits: three images are made first as references)",
    ),
    Scenario(
        "create_one_base64_reference",
        "createImage: one reference image as base64",
        lambda client, stage: client.images.create(
            "The same scene in spring", images=[tiny_png((40, 120, 200))]
        ),
        _created(1),
        on_service="as is (costs 1 credit)",
    ),
    Scenario(
        "create_several_base64_references",
        "createImage: three reference images as base64",
        lambda client, stage: client.images.create(
            "A palette study",
            images=[tiny_png((200, 40, 40)), tiny_png((40, 200, 40)), tiny_png((40, 40, 200))],
        ),
        _created(1),
        on_service="as is (costs 1 credit)",
    ),
    Scenario(
        "get_starting",
        "getImage: right after the create, starting",
        _create_then_get("A red fox in the snow sandbox:duration=60"),
        _generation_in(GenerationStatus.STARTING),
        on_service="as is: a get at once after the create",
    ),
    Scenario(
        "get_processing",
        "getImage: 45 s into a 60 s generation, processing",
        _create_then_get("A red fox in the snow sandbox:duration=60", wait_for=45.0),
        _generation_in(GenerationStatus.PROCESSING),
        on_service="as is, when the service is processing the generation 45 s after its create",
    ),
    Scenario(
        "get_succeeded",
        "getImage: polled by wait() until succeeded",
        _create_then_wait,
        _generation_in(GenerationStatus.SUCCEEDED),
        on_service="as is (waits for the generation, 1 to 2 minutes)",
    ),
    Scenario(
        "get_failed",
        "getImage: a reference URL the service cannot reach; wait() raises",
        _create_unreachable_then_wait,
        _check_failed,
        on_service="as is, if the service accepts the create and fails the generation later "
        "(it may instead answer the create with 400 IMAGE_INACCESSIBLE)",
    ),
    # -- every documented error status, in all four body shapes -----------------------------
    Scenario(
        "error_400_nsfw",
        "400 NSFW_CONTENT_DETECTED (shape 1)",
        lambda client, stage: client.images.create("sandbox:nsfw A figure study"),
        _api_error(imagegen.ContentPolicyError, 400, ErrorCode.NSFW_CONTENT_DETECTED),
        on_service=None,
        not_on_service="NSFW content is not sent to a real service on purpose",
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_400_invalid_image",
        '400 {"status": "failed", "message": "INVALID_IMAGE"} (shape 4)',
        lambda client, stage: client.images.create("A variation", images=[CORRUPT_PNG]),
        _api_error(imagegen.ImageInputError, 400, ErrorCode.INVALID_IMAGE),
        on_service="as is: a PNG signature followed by bytes no decoder accepts",
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_400_image_download_failed",
        "400 IMAGE_DOWNLOAD_FAILED: a reference URL that cannot be downloaded",
        lambda client, stage: client.images.create("A variation", images=[UNDOWNLOADABLE_IMAGE]),
        _api_error(imagegen.ImageInputError, 400, ErrorCode.IMAGE_DOWNLOAD_FAILED),
        on_service="as is, if the service tries the URL before answering (it may instead "
        "accept the create and fail the generation with IMAGE_INACCESSIBLE)",
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_400_detail",
        '400 {"detail": "Cannot mix images_url and images_base64 ..."} (shape 3)',
        lambda client, stage: client.images.create("A lighthouse"),
        _api_error(imagegen.ValidationError, 400, ErrorCode.VALIDATION_ERROR),
        on_service=None,
        not_on_service="the client refuses to mix URLs and local images before sending",
        sandbox_setup=_fault(
            "createImage",
            status=400,
            body={"detail": "Cannot mix images_url and images_base64 in one request"},
        ),
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_401_unknown_key",
        "401 with an unknown key",
        lambda client, stage: client.status(),
        _api_error(
            imagegen.AuthenticationError,
            401,
            ErrorCode.AUTHENTICATION_FAILED,
            ErrorCode.INVALID_API_TOKEN,
        ),
        on_service="as is",
        client_options={**_NO_RETRY, "api_key": UNKNOWN_API_KEY},
    ),
    Scenario(
        "error_402_insufficient_credits",
        "402 INSUFFICIENT_CREDITS (shape 1) from an account with no credits",
        lambda client, stage: client.images.create("A lighthouse", resolution="2k"),
        _api_error(imagegen.InsufficientCreditsError, 402, ErrorCode.INSUFFICIENT_CREDITS),
        on_service=None,
        not_on_service="needs the key of an account with no credits",
        sandbox_setup=_account_without_credits,
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_402_message_shape",
        '402 {"success": false, "message": "INSUFFICIENT_CREDITS"} (shape 2)',
        lambda client, stage: client.images.create("A lighthouse"),
        _api_error(imagegen.InsufficientCreditsError, 402, ErrorCode.INSUFFICIENT_CREDITS),
        on_service=None,
        not_on_service="a service answers in the shape it answers in; only the sandbox can be told",
        sandbox_setup=_fault("createImage", code="INSUFFICIENT_CREDITS", shape="message"),
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_404_generation_not_found",
        "404 GENERATION_NOT_FOUND for an id nobody created",
        lambda client, stage: client.images.get(UNKNOWN_GENERATION_ID),
        _api_error(
            imagegen.NotFoundError,
            404,
            ErrorCode.GENERATION_NOT_FOUND,
            ErrorCode.INVALID_GENERATION_ID,
        ),
        on_service="as is",
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_404_account_not_found",
        "404 ACCOUNT_NOT_FOUND: getAccount with the key of a deleted account",
        lambda client, stage: client.account(),
        _api_error(imagegen.NotFoundError, 404, ErrorCode.ACCOUNT_NOT_FOUND),
        on_service=None,
        not_on_service="needs the key of an account that no longer exists",
        sandbox_setup=_deleted_account,
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_404_detail_shape",
        '404 {"detail": "Generation not found"} (shape 3)',
        lambda client, stage: client.images.get(UNKNOWN_GENERATION_ID),
        _api_error(imagegen.NotFoundError, 404, ErrorCode.GENERATION_NOT_FOUND),
        on_service=None,
        not_on_service="a service answers in the shape it answers in; only the sandbox can be told",
        sandbox_setup=_fault("getImage", code="GENERATION_NOT_FOUND", shape="detail"),
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_422_prompt_required",
        '422 {"detail": "Validation error: prompt is required"}',
        lambda client, stage: client.images.create("A lighthouse"),
        _api_error(imagegen.ValidationError, 422, ErrorCode.VALIDATION_ERROR),
        on_service=None,
        not_on_service="the client refuses an empty prompt before sending",
        sandbox_setup=_fault(
            "createImage", status=422, body={"detail": "Validation error: prompt is required"}
        ),
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_429_concurrent",
        "429 CONCURRENT_GENERATION_ERROR: a second create while the first runs",
        _two_creates("A lighthouse"),
        _api_error(
            imagegen.ConcurrentGenerationError,
            429,
            ErrorCode.CONCURRENT_GENERATION_ERROR,
            retry_after=True,
        ),
        on_service="as is (the first create costs 1 credit)",
        client_options=_NO_RETRY_NO_PACING,
    ),
    Scenario(
        "error_429_rate_limit",
        "429 RATE_LIMIT_ERROR: over the creates allowed per minute",
        _two_creates("A lighthouse"),
        _api_error(imagegen.RateLimitError, 429, ErrorCode.RATE_LIMIT_ERROR, retry_after=True),
        on_service=None,
        not_on_service="11 creates in a minute: the concurrency limit (1) answers first",
        sandbox_setup=_one_create_per_minute,
        client_options=_NO_RETRY_NO_PACING,
    ),
    Scenario(
        "error_500_internal",
        "500 INTERNAL_SERVER_ERROR on listImages, no retry",
        lambda client, stage: client.images.list(),
        _api_error(imagegen.ServerError, 500, ErrorCode.INTERNAL_SERVER_ERROR),
        on_service=None,
        not_on_service="a server error cannot be caused on purpose",
        sandbox_setup=_fault("listImages", code="INTERNAL_SERVER_ERROR"),
        client_options=_NO_RETRY,
    ),
    Scenario(
        "error_503_unavailable",
        "503 on getAccount, no retry",
        lambda client, stage: client.account(),
        _api_error(imagegen.ServiceUnavailableError, 503, "SERVICE_UNAVAILABLE"),
        on_service=None,
        not_on_service="an outage cannot be caused on purpose",
        sandbox_setup=_fault("getAccount", status=503),
        client_options=_NO_RETRY,
    ),
    # -- the retries that must happen, and only those -----------------------------------------
    Scenario(
        "retry_503_then_status",
        "getStatus: 503, then retried to 200",
        lambda client, stage: client.status(),
        _check_status,
        on_service=None,
        not_on_service="an outage cannot be caused on purpose",
        sandbox_setup=_fault("getStatus", status=503),
    ),
    Scenario(
        "retry_create_after_start_failed",
        "createImage: 500 GENERATION_START_FAILED (nothing created), retried to 201",
        lambda client, stage: client.images.create("A lighthouse"),
        _created(1),
        on_service=None,
        not_on_service="a server error cannot be caused on purpose",
        sandbox_setup=_fault("createImage", code="GENERATION_START_FAILED"),
    ),
)

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def play(scenario: Scenario, client: imagegen.Client, stage: Stage) -> Any:
    """Run a scenario: its result, or the ImagegenError it ended in (anything else raises)."""
    try:
        return scenario.run(client, stage)
    except imagegen.ImagegenError as error:
        return error
