"""imagegen.testing itself: the harness and the fixtures users get from the plugin."""

from __future__ import annotations

import subprocess
import sys

import httpx
import imagegen
import pytest
from imagegen.testing import Sandbox, ServedSandbox


def test_imagegen_client_is_wired_to_the_sandbox(
    imagegen_client: imagegen.Client, imagegen_sandbox: Sandbox
) -> None:
    status = imagegen_client.status()
    assert status.account_id == imagegen_sandbox.control.default_account_id
    created = imagegen_client.images.create("A lighthouse", resolution="2k")
    assert [g["generationId"] for g in imagegen_sandbox.control.generations()] == [created.id]


async def test_imagegen_async_client_is_wired_to_the_same_sandbox(
    imagegen_async_client: imagegen.AsyncClient, imagegen_sandbox: Sandbox
) -> None:
    created = await imagegen_async_client.images.create("An async lighthouse")
    before = imagegen_sandbox.clock.monotonic()
    generation = await imagegen_async_client.images.wait(created.id)
    assert generation.succeeded
    assert imagegen_sandbox.clock.monotonic() > before


def test_advance_moves_the_sandbox_and_finishes_generations(imagegen_sandbox: Sandbox) -> None:
    client = imagegen_sandbox.client()
    created = client.images.create("A lighthouse")
    assert not client.images.get(created.id).is_terminal
    imagegen_sandbox.advance(600)
    assert client.images.get(created.id).succeeded


def test_client_keyword_arguments_override_the_defaults(imagegen_sandbox: Sandbox) -> None:
    other = imagegen_sandbox.control.add_account(credits=3)
    client = imagegen_sandbox.client(api_key=other.api_key)
    assert client.account().credits.total == 3
    assert imagegen_sandbox.client().account().credits.total > 3


def test_http_client_reaches_the_app_under_the_base_url(imagegen_sandbox: Sandbox) -> None:
    http = imagegen_sandbox.http_client()
    response = http.get("/status", headers={"X-API-Key": imagegen_sandbox.api_key})
    assert response.status_code == 200
    assert response.headers["x-request-id"]


def test_closing_the_sandbox_closes_its_http_clients() -> None:
    sandbox = Sandbox()
    http = sandbox.http_client()
    sandbox.close()
    assert http.is_closed


def test_sandboxes_do_not_share_state() -> None:
    with Sandbox() as first, Sandbox() as second:
        first.client().images.create("Only in the first")
        assert first.client().images.list().total == 1
        assert second.client().images.list().total == 0


def test_seed_makes_ids_deterministic() -> None:
    def first_id(seed: int) -> str:
        with Sandbox(seed=seed) as sandbox:
            return sandbox.client().images.create("A lighthouse").id

    assert first_id(7) == first_id(7)
    assert first_id(7) != first_id(8)


def test_served_sandbox_shares_state_and_clock_with_its_sandbox(
    imagegen_sandbox: Sandbox, imagegen_sandbox_server: ServedSandbox
) -> None:
    assert imagegen_sandbox_server.clock is imagegen_sandbox.clock
    assert imagegen_sandbox_server.control is imagegen_sandbox.control
    created = imagegen_sandbox_server.client().images.create("Served")
    assert imagegen_sandbox.client().images.get(created.id).id == created.id


def test_served_sandbox_answers_plain_http(imagegen_sandbox_server: ServedSandbox) -> None:
    # What another process or library would do: nothing but the URL and the key.
    with httpx.Client(trust_env=False) as http:
        response = http.get(
            f"{imagegen_sandbox_server.base_url}/account",
            headers={"Authorization": f"Bearer {imagegen_sandbox_server.api_key}"},
        )
    assert response.status_code == 200
    assert response.json()["data"]["credits"]["total"] > 0


def test_import_imagegen_testing_does_not_import_the_sandbox() -> None:
    code = "import sys, imagegen.testing; print(sorted(m for m in sys.modules if m.startswith(("
    code += "'imagegen.sandbox', 'starlette', 'uvicorn', 'PIL'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_plugin_works_in_a_users_own_suite(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["imagegen.testing"]')
    pytester.makepyfile(
        test_user="""
        def test_with_the_fixtures(imagegen_client, imagegen_sandbox):
            created = imagegen_client.images.create("From a user's suite")
            assert imagegen_client.images.wait(created.id).succeeded
            assert imagegen_sandbox.control.generations()[0]["generationId"] == created.id

        def test_with_the_server(imagegen_sandbox_server):
            assert imagegen_sandbox_server.client().status().account_id
        """
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("fixture", ["imagegen_sandbox", "imagegen_sandbox_server"])
def test_repr_shows_where_not_the_key(request: pytest.FixtureRequest, fixture: str) -> None:
    view = request.getfixturevalue(fixture)
    assert view.base_url in repr(view)
    assert view.api_key not in repr(view)
