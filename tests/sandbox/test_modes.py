"""The same scenarios, through the public client, against the sandbox in both of its modes:
in-process (`imagegen_sandbox`) and served by uvicorn on 127.0.0.1 (`imagegen_sandbox_server`).

Both share one virtual clock with the client, so waits are instant in both; only the transport
differs (an in-process ASGI call, or loopback TCP).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import imagegen
import pytest
from imagegen.testing import Sandbox, ServedSandbox

MODES = ["imagegen_sandbox", "imagegen_sandbox_server"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(params=MODES)
def sandbox(request: pytest.FixtureRequest) -> Sandbox | ServedSandbox:
    view: Sandbox | ServedSandbox = request.getfixturevalue(request.param)
    return view


def test_the_mode_is_what_it_says(sandbox: Sandbox | ServedSandbox) -> None:
    if isinstance(sandbox, ServedSandbox):
        assert httpx.URL(sandbox.base_url).port not in (None, 80)
    else:
        assert sandbox.base_url == "http://127.0.0.1/v1"
    assert sandbox.base_url.startswith("http://127.0.0.1")


def test_create_wait_download_list(sandbox: Sandbox | ServedSandbox, tmp_path: Path) -> None:
    client = sandbox.client(max_retries=0)
    start = sandbox.clock.monotonic()

    created = client.images.create(
        "A lighthouse on a cliff at dusk", resolution="1k", aspect_ratio="16:9", num_outputs=2
    )
    assert created.status == imagegen.GenerationStatus("starting")
    assert created.credit_cost == 2  # 2 outputs x 1 credit at 1k

    generation = client.images.wait(created.id)
    assert generation.id == created.id
    assert generation.succeeded
    assert len(generation.output_images) == 2
    assert sandbox.clock.monotonic() > start  # the client's waits moved the sandbox's clock

    paths = client.images.download(generation, tmp_path)
    assert len(paths) == 2
    for path in paths:
        assert path.parent == tmp_path
        assert path.read_bytes().startswith(PNG_SIGNATURE)

    page = client.images.list(limit=10)
    assert page.total == 1
    assert [listed.id for listed in page.generations] == [created.id]
    assert page.generations[0].succeeded

    account = client.account()
    assert account.credits.total >= 0


def test_an_unknown_generation_is_not_found(sandbox: Sandbox | ServedSandbox) -> None:
    client = sandbox.client(max_retries=0)
    with pytest.raises(imagegen.NotFoundError) as caught:
        client.images.get(str(uuid.uuid4()))
    assert caught.value.status_code == 404
    assert caught.value.request_id


def test_a_wrong_key_is_refused(sandbox: Sandbox | ServedSandbox) -> None:
    client = sandbox.client(api_key="ig_sandbox_not_a_key", max_retries=0)
    with pytest.raises(imagegen.AuthenticationError) as caught:
        client.status()
    assert caught.value.status_code == 401
    assert "ig_sandbox_not_a_key" not in str(caught.value)


def test_a_second_create_while_one_runs_is_rate_limited(
    sandbox: Sandbox | ServedSandbox,
) -> None:
    # No client-side pacing: it would wait for the first generation instead of sending.
    client = sandbox.client(max_retries=0, pacing=None)
    first = client.images.create("A first lighthouse", resolution="1k")

    with pytest.raises(imagegen.ConcurrentGenerationError) as caught:
        client.images.create("A second lighthouse", resolution="1k")
    assert caught.value.status_code == 429
    assert caught.value.code == imagegen.ErrorCode.CONCURRENT_GENERATION_ERROR

    # Once the first is done, the next create goes through: nothing was created by the refusal.
    assert client.images.wait(first.id).succeeded
    client.images.create("A second lighthouse", resolution="1k")
    assert client.images.list().total == 2


async def test_the_async_client_works_in_both_modes(sandbox: Sandbox | ServedSandbox) -> None:
    async with sandbox.async_http_client() as http:
        client = sandbox.async_client(http_client=http, max_retries=0)
        created = await client.images.create("An async lighthouse", resolution="1k")
        generation = await client.images.wait(created.id)
        assert generation.succeeded
        page = await client.images.list()
        assert [listed.id for listed in page.generations] == [created.id]


def test_the_eleventh_create_in_a_minute_is_rate_limited(
    sandbox: Sandbox | ServedSandbox,
) -> None:
    control = sandbox.control
    control.set_limits(control.default_account_id, creates_per_minute=10, max_concurrent=None)
    client = sandbox.client(max_retries=0, pacing=None)
    for index in range(10):
        client.images.create(f"Lighthouse number {index}", resolution="1k")

    with pytest.raises(imagegen.RateLimitError) as caught:
        client.images.create("One lighthouse too many", resolution="1k")
    assert caught.value.code == imagegen.ErrorCode.RATE_LIMIT_ERROR
    assert not isinstance(caught.value, imagegen.ConcurrentGenerationError)
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 60

    sandbox.advance(caught.value.retry_after)
    client.images.create("One lighthouse too many", resolution="1k")
    assert client.images.list(limit=100).total == 11


def test_a_dropped_connection_reaches_the_client_as_a_connection_error(
    sandbox: Sandbox | ServedSandbox,
) -> None:
    sandbox.control.add_fault("getAccount", "drop_before", times=1)
    client = sandbox.client(max_retries=0)
    with pytest.raises(imagegen.APIConnectionError):
        client.account()
    # The rule was used up: the next call is answered.
    assert client.account().credits.total > 0


def test_a_read_is_retried_through_a_dropped_connection(sandbox: Sandbox | ServedSandbox) -> None:
    sandbox.control.add_fault("getStatus", "drop_before", times=1)
    client = sandbox.client(max_retries=2)
    assert client.status().account_id
