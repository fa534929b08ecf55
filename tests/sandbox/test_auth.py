"""Authentication: both headers, and each documented 401 (and ACCOUNT_NOT_FOUND)."""

from __future__ import annotations

import pytest
from imagegen._spec import operations as spec_operations
from imagegen.sandbox import DEFAULT_API_KEY

from ._support import Api

GENERATION_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

# Every operation of the spec, its path parameters filled in: each one asks for a key.
OPERATIONS = [
    (facts["method"], "/v1" + facts["path"].replace("{generationId}", GENERATION_ID))
    for facts in spec_operations.OPERATIONS.values()
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
async def test_no_key_is_missing_api_token(api: Api, method: str, path: str) -> None:
    response = await api.call(method, path, key=None, json={"prompt": "x"})
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": "MISSING_API_TOKEN",
        "message": 'Missing API token. Include it in Authorization header as "Bearer '
        'YOUR_API_TOKEN" or in X-API-Key header.',
    }


async def test_bearer_and_x_api_key_both_authenticate(api: Api) -> None:
    bearer = await api.call("GET", "/v1/status")
    header = await api.call("GET", "/v1/status", key=None, headers={"X-API-Key": DEFAULT_API_KEY})
    assert bearer.status_code == header.status_code == 200
    assert bearer.json()["data"]["accountId"] == header.json()["data"]["accountId"]
    assert bearer.json()["message"] == "API connection successful"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"X-API-Key": "ig_test_short"},
    ],
)
async def test_malformed_key_is_invalid_api_token(api: Api, headers: dict[str, str]) -> None:
    response = await api.call("GET", "/v1/account", key=None, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": "INVALID_API_TOKEN",
        "message": "Invalid or expired API token.",
    }


async def test_unknown_and_revoked_keys_fail_authentication(api: Api) -> None:
    unknown = await api.call("GET", "/v1/status", key="ig_test_" + "x" * 32)
    new = api.control.add_account()
    assert (await api.call("GET", "/v1/status", key=new.api_key)).status_code == 200
    api.control.revoke_key(new.api_key)
    revoked = await api.call("GET", "/v1/status", key=new.api_key)
    for response in (unknown, revoked):
        assert response.status_code == 401
        assert response.json() == {
            "success": False,
            "error": "AUTHENTICATION_FAILED",
            "message": "Authentication failed.",
        }


async def test_deleted_account_is_account_not_found(api: Api) -> None:
    new = api.control.add_account()
    api.control.delete_account(new.account_id)
    account = await api.call("GET", "/v1/account", key=new.api_key)
    assert account.status_code == 404
    assert account.json()["error"] == "ACCOUNT_NOT_FOUND"
    other = await api.call("GET", "/v1/images", key=new.api_key)
    assert other.status_code == 401
    assert other.json()["error"] == "AUTHENTICATION_FAILED"


async def test_keys_of_two_accounts_see_their_own_account(api: Api) -> None:
    new = api.control.add_account(name="Second", credits=7)
    first = (await api.call("GET", "/v1/account")).json()["data"]
    second = (await api.call("GET", "/v1/account", key=new.api_key)).json()["data"]
    assert first["account"]["id"] == api.control.default_account_id
    assert second["account"]["id"] == new.account_id != first["account"]["id"]
    assert second["credits"]["total"] == 7
    assert second["apiKey"]["prefix"] == new.api_key[:12]
    assert len(second["apiKey"]["prefix"]) < len(new.api_key)


async def test_keys_never_appear_in_state_reprs_or_answers(api: Api) -> None:
    new = api.control.add_account()
    assert new.api_key not in repr(new)
    await api.create(key=new.api_key)
    state = (await api.call("GET", "/_sandbox/state")).text
    assert new.api_key not in state
    assert DEFAULT_API_KEY not in state
    assert new.api_key not in repr(api.control.snapshot())
    account = (await api.call("GET", "/v1/account", key=new.api_key)).text
    assert new.api_key not in account


async def test_every_answer_has_a_request_id(api: Api) -> None:
    answers = [
        await api.call("GET", "/v1/status", key=None),
        await api.call("GET", "/v1/status"),
        await api.call("GET", "/nowhere", check=False),
        await api.call("GET", "/files/x/0.png", check=False),
        await api.call("GET", "/_sandbox/state", check=False),
    ]
    ids = [response.headers["x-request-id"] for response in answers]
    assert all(ids)
    assert len(set(ids)) == len(ids)


async def test_ids_are_deterministic_from_the_seed() -> None:
    async def ids(seed: int) -> tuple[str, str, str]:
        api = Api(seed=seed)
        try:
            generation_id = await api.created_id()
            request_id = (await api.call("GET", "/v1/status")).headers["x-request-id"]
            return api.control.default_account_id, generation_id, request_id
        finally:
            await api.aclose()

    assert await ids(1) == await ids(1)
    assert await ids(1) != await ids(2)
