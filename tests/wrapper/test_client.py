"""The client: every operation's request built from the spec and every 2xx example parsed into the
wrapper's types; paging; configuration; lifetimes; wait/generate/download end to end on the
sandbox, sync and async, with no real sleeps."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from imagegen import (
    Account,
    AsyncClient,
    Client,
    ConnectionStatus,
    CreatedGeneration,
    ErrorCode,
    Generation,
    GenerationFailedError,
    GenerationPage,
    GenerationResult,
    GenerationStatus,
    InvalidRequestError,
    UnexpectedResponseError,
    VirtualClock,
    WaitTimeoutError,
)
from imagegen.testing import Sandbox

from .test_client_scripted import (
    API_KEY,
    BASE_URL,
    GENERATION_ID,
    STATUS_OK,
    Script,
    generation,
    make_async_client,
    make_client,
    ok,
)

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml").read_text())


def _example(path: str, method: str, status: str, name: str | None = None) -> dict[str, Any]:
    media = SPEC["paths"][path][method]["responses"][status]["content"]["application/json"]
    value: dict[str, Any] = media["example"] if name is None else media["examples"][name]["value"]
    return value


def _serving(body: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Request-ID": "req_1"})


# -- 2xx examples of the spec, parsed --------------------------------------------------------


def test_status_example() -> None:
    client, script = make_client(_serving(_example("/status", "get", "200")))
    status = client.status()
    assert status == ConnectionStatus(
        account_id="5b0c6a3e-2f4d-4c1e-9a57-3d2b8f6e1a90",
        api_key_id="0e8f7a61-4b2c-4d3e-8f9a-1b2c3d4e5f60",
        api_key_name="production",
        timestamp=datetime.datetime(2026, 11, 22, 9, 30, tzinfo=datetime.UTC),
        message="API connection successful",
    )
    assert script.methods() == ["GET /v1/status"]


def test_account_example() -> None:
    client, script = make_client(_serving(_example("/account", "get", "200")))
    account = client.account()
    assert isinstance(account, Account)
    assert account.email == "ada@example.com"
    assert account.is_personal_account is True
    assert account.credits.total == 120
    assert account.credits.purchased == 100
    assert account.api_key.prefix == "ig_live_3f9a"
    assert account.created_at == datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC)
    assert script.methods() == ["GET /v1/account"]


def test_list_example_and_its_query() -> None:
    client, script = make_client(_serving(_example("/images", "get", "200")))
    page = client.images.list(limit=20, offset=0)
    assert isinstance(page, GenerationPage)
    assert (page.total, page.limit, page.offset, page.has_more) == (1, 20, 0, False)
    (item,) = page.generations
    assert item.id == GENERATION_ID
    assert item.status is GenerationStatus.SUCCEEDED
    assert item.output_images == ("https://cdn.example.com/outputs/7c9e6679/0.png",)
    assert item.predict_time == 61.4
    assert item.image_input == ()
    assert item.current_image is None  # not in list items
    assert dict(script.requests[0].url.params) == {"limit": "20", "offset": "0"}


@pytest.mark.parametrize("name", ["succeeded", "failed"])
def test_get_examples(name: str) -> None:
    body = _example("/images/{generationId}", "get", "200", name)
    client, script = make_client(_serving(body))
    found = client.images.get(body["data"]["generationId"])
    assert isinstance(found, Generation)
    assert found.id == body["data"]["generationId"]
    assert found.is_terminal
    assert found.succeeded is (name == "succeeded")
    assert found.failed is (name == "failed")
    assert found.failure_reason == body["data"]["failureReason"]
    assert found.deleted_image == 0
    assert script.methods() == [f"GET /v1/images/{body['data']['generationId']}"]


@pytest.mark.parametrize("name", ["textToImage", "imageToImageSingle", "imageToImageMulti"])
def test_create_examples_request_and_response(name: str) -> None:
    request = SPEC["paths"]["/images"]["post"]["requestBody"]["content"]["application/json"]
    sent = request["examples"][name]["value"]
    answer = _example("/images", "post", "201", name)
    client, script = make_client(_serving(answer, 201))
    result = client.images.create(
        sent["prompt"],
        images=sent.get("images_url"),
        resolution=sent.get("resolution"),
        aspect_ratio=sent.get("aspect_ratio"),
        num_outputs=sent.get("num_outputs"),
    )
    assert result == CreatedGeneration(
        id=answer["data"]["generationId"],
        status=GenerationStatus.STARTING,
        credit_cost=answer["data"]["creditCost"],
    )
    (request_sent,) = script.requests
    assert request_sent.method == "POST"
    assert request_sent.url.path == "/v1/images"
    assert request_sent.headers["content-type"] == "application/json"
    assert json.loads(request_sent.content) == sent


def test_unknown_fields_in_an_answer_are_tolerated() -> None:
    body = {"success": True, "data": generation(status="processing", gpu="h100"), "extra": 1}
    client, _ = make_client(_serving(body))
    assert client.images.get(GENERATION_ID).status is GenerationStatus.PROCESSING


# -- paging and arguments ------------------------------------------------------------------------


def test_iter_walks_every_page_once() -> None:
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(45)]

    def pages(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        items = [generation(i, "succeeded") for i in ids[offset : offset + limit]]
        body = {"generations": items, "total": len(ids), "limit": limit, "offset": offset}
        return ok(body)

    client, script = make_client(pages, pages, pages)
    walked = [g.id for g in client.images.iter(page_size=20)]
    assert walked == ids
    assert [r.url.params["offset"] for r in script.requests] == ["0", "20", "40"]


def test_iter_does_not_repeat_a_generation_that_shifted_pages() -> None:
    first = ok(
        {
            "generations": [generation(f"00000000-0000-4000-8000-00000000000{n}") for n in (1, 2)],
            "total": 3,
            "limit": 2,
            "offset": 0,
        }
    )
    # A new generation arrived meanwhile: the second page repeats the last of the first.
    second = ok(
        {
            "generations": [generation(f"00000000-0000-4000-8000-00000000000{n}") for n in (2, 3)],
            "total": 4,
            "limit": 2,
            "offset": 2,
        }
    )
    third = ok({"generations": [], "total": 4, "limit": 2, "offset": 4})
    client, _ = make_client(first, second, third)
    assert [g.id[-1] for g in client.images.iter(page_size=2)] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": True}, "limit"),
        ({"limit": "20"}, "limit"),
    ],
)
def test_list_arguments_are_checked_before_sending(kwargs: dict[str, Any], field: str) -> None:
    client, script = make_client()
    with pytest.raises(InvalidRequestError) as caught:
        client.images.list(**kwargs)
    assert caught.value.field == field
    assert script.requests == []


@pytest.mark.parametrize("bad", ["not-a-uuid", "../account", ""])
def test_a_generation_id_is_checked_before_it_goes_into_a_path(bad: str) -> None:
    client, script = make_client()
    with pytest.raises(InvalidRequestError):
        client.images.get(bad)
    assert script.requests == []


def test_an_invalid_create_sends_nothing() -> None:
    client, script = make_client()
    with pytest.raises(InvalidRequestError):
        client.images.create("a cat", resolution="8k")
    assert script.requests == []


# -- configuration ---------------------------------------------------------------------------


def test_key_and_base_url_default_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEGEN_API_KEY", API_KEY)
    monkeypatch.setenv("IMAGEGEN_BASE_URL", "https://env.test/api/v1/")
    script = Script(VirtualClock(), STATUS_OK)
    client = Client(http_client=httpx.Client(transport=httpx.MockTransport(script)))
    client.status()
    assert str(script.requests[0].url) == "https://env.test/api/v1/status"
    assert script.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


def test_no_base_url_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGEGEN_BASE_URL", raising=False)
    with pytest.raises(InvalidRequestError) as caught:
        Client(API_KEY)
    assert caught.value.field == "base_url"
    assert "IMAGEGEN_BASE_URL" in str(caught.value)
    assert "base_url=" in str(caught.value)


def test_no_key_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGEGEN_API_KEY", raising=False)
    with pytest.raises(InvalidRequestError) as caught:
        AsyncClient(base_url=BASE_URL)
    assert "IMAGEGEN_API_KEY" in str(caught.value)


def test_the_wrong_kind_of_http_client_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="AsyncClient"):
        Client(API_KEY, base_url=BASE_URL, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match=r"httpx\.AsyncClient"):
        AsyncClient(API_KEY, base_url=BASE_URL, http_client=httpx.Client())  # type: ignore[arg-type]


def test_timeouts_ours_by_default_the_callers_when_it_brings_a_client() -> None:
    own = Client(API_KEY, base_url=BASE_URL)
    assert own._core.timeout == httpx.Timeout(60.0)
    own.close()
    client, script = make_client(STATUS_OK, STATUS_OK)
    client._http.timeout = httpx.Timeout(7.0)
    client.status()
    assert script.requests[0].extensions["timeout"] == httpx.Timeout(7.0).as_dict()
    explicit, script = make_client(STATUS_OK, timeout=3.0)
    explicit.status()
    assert script.requests[0].extensions["timeout"] == httpx.Timeout(3.0).as_dict()
    with pytest.raises(InvalidRequestError, match="hang"):
        Client(API_KEY, base_url=BASE_URL, timeout=None)  # type: ignore[arg-type]


def test_a_client_closes_only_the_http_client_it_made() -> None:
    with Client(API_KEY, base_url=BASE_URL) as own:
        made = own._http
    assert made.is_closed
    theirs = httpx.Client()
    with Client(API_KEY, base_url=BASE_URL, http_client=theirs):
        pass
    assert not theirs.is_closed
    theirs.close()


async def test_an_async_client_closes_only_the_http_client_it_made() -> None:
    async with AsyncClient(API_KEY, base_url=BASE_URL) as own:
        made = own._http
    assert made.is_closed
    theirs = httpx.AsyncClient()
    async with AsyncClient(API_KEY, base_url=BASE_URL, http_client=theirs):
        pass
    assert not theirs.is_closed
    await theirs.aclose()


def test_too_many_redirects_end_in_an_unexpected_response() -> None:
    loop = httpx.Response(307, headers={"Location": "/v1/status"})
    client, script = make_client(*[loop] * 6, max_retries=0)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.status()
    assert caught.value.status_code == 307
    assert len(script.requests) == 6


# -- end to end on the sandbox ---------------------------------------------------------------


def test_generate_reports_the_id_before_waiting_and_downloads(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        updates: list[tuple[str, GenerationStatus, float]] = []
        result = client.generate(
            "A lighthouse at dusk",
            resolution="2k",
            aspect_ratio="16:9",
            download_to=tmp_path,
            on_update=lambda g: updates.append((g.id, g.status, sandbox.clock.monotonic())),
        )
        assert isinstance(result, GenerationResult)
        assert result.generation.succeeded
        first_id, first_status, first_at = updates[0]
        assert first_id == result.generation.id
        assert first_status is GenerationStatus.STARTING
        assert first_at == 0.0  # before any waiting
        statuses = [s for _, s, _ in updates]
        assert statuses == [
            GenerationStatus.STARTING,
            GenerationStatus.PROCESSING,
            GenerationStatus.SUCCEEDED,
        ]
        (path,) = result.paths
        assert path.parent == tmp_path
        assert path.read_bytes().startswith(b"\x89PNG")


def test_a_wait_that_times_out_can_be_resumed_by_id() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        with pytest.raises(WaitTimeoutError) as caught:
            client.generate("slow sandbox:duration=200", timeout=30)
        generation_id = caught.value.generation_id
        assert caught.value.last_status in (GenerationStatus.STARTING, GenerationStatus.PROCESSING)
        done = client.images.wait(generation_id)
        assert done.id == generation_id
        assert done.succeeded


def test_a_failed_generation_raises_with_its_code() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        with pytest.raises(GenerationFailedError) as caught:
            client.generate("sandbox:fail=IMAGE_INACCESSIBLE")
        assert caught.value.code == ErrorCode.IMAGE_INACCESSIBLE
        assert caught.value.generation.failed


def test_a_status_nobody_documented_ends_the_wait() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        created_ = client.images.create("sandbox:status=canceled sandbox:duration=5")
        with pytest.raises(UnexpectedResponseError) as caught:
            client.images.wait(created_.id)
        assert "canceled" in caught.value.message


def test_download_by_id_and_wait_on_a_created_generation(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        made = client.images.create("two of them", num_outputs=2)
        done = client.images.wait(made)
        files = client.images.download(done.id, tmp_path)
        assert len(files) == 2
        assert files.failed_outputs == 0
        assert all(p.is_file() for p in files)


async def test_async_generate_iter_and_download(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()
        status = await client.status()
        assert status.account_id
        account = await client.account()
        before = account.credits.total
        result = await client.generate("An async lighthouse", download_to=tmp_path)
        assert result.generation.succeeded
        assert len(result.paths) == 1
        listed = [g.id async for g in client.images.iter(page_size=1)]
        assert listed == [result.generation.id]
        files = await client.images.download(result.generation, tmp_path / "again")
        assert len(files) == 1
        assert (await client.account()).credits.total == before - 1


async def test_async_failed_generation_and_wait_timeout() -> None:
    with Sandbox() as sandbox:
        client = sandbox.async_client()
        with pytest.raises(GenerationFailedError):
            await client.generate("sandbox:fail=INVALID_IMAGE")
        with pytest.raises(WaitTimeoutError) as caught:
            await client.generate("sandbox:duration=200", timeout=20)
        resumed = await client.images.wait(caught.value.generation_id)
        assert resumed.succeeded


async def test_async_get_and_list_on_a_scripted_transport() -> None:
    client, script = make_async_client(
        ok(generation(status="processing")),
        ok({"generations": [], "total": 0, "limit": 5, "offset": 0}),
    )
    assert (await client.images.get(GENERATION_ID)).status is GenerationStatus.PROCESSING
    assert (await client.images.list(limit=5)).generations == ()
    assert script.methods() == [f"GET /v1/images/{GENERATION_ID}", "GET /v1/images"]
