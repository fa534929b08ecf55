"""The control surface over HTTP (/_sandbox/...), mapping onto `app.state.sandbox`."""

from __future__ import annotations

import pytest

from ._support import Api


async def control(api: Api, method: str, path: str, **kwargs: object) -> object:
    response = await api.call(method, f"/_sandbox{path}", key=None, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()


async def test_accounts_credits_limits_keys(api: Api) -> None:
    new = await control(api, "POST", "/accounts", json={"name": "Bo", "credits": 5})
    assert isinstance(new, dict)
    key, account_id = new["apiKey"], new["accountId"]
    assert (await api.credits(key))["total"] == 5
    total = await control(
        api, "POST", f"/accounts/{account_id}/credits", json={"amount": 10, "kind": "bonus"}
    )
    assert total == {"total": 15}
    assert (await api.credits(key))["bonus"] == 10
    await control(api, "POST", f"/accounts/{account_id}/limits", json={"max_concurrent": None})
    assert (await api.create(key=key)).status_code == 201
    assert (await api.create(key=key)).status_code == 201
    second = await control(api, "POST", f"/accounts/{account_id}/keys", json={"name": "ci"})
    assert isinstance(second, dict)
    assert (await api.call("GET", "/v1/status", key=second["apiKey"])).json()["data"][
        "apiKeyName"
    ] == "ci"
    await control(api, "POST", "/keys/revoke", json={"apiKey": key})
    assert (await api.call("GET", "/v1/status", key=key)).status_code == 401
    ledger = await control(api, "GET", f"/accounts/{account_id}/ledger")
    assert isinstance(ledger, dict)
    assert ledger["total"] == 15 - 2
    await control(api, "DELETE", f"/accounts/{account_id}")
    gone = await api.call("GET", "/v1/account", key=second["apiKey"])
    assert gone.json()["error"] == "ACCOUNT_NOT_FOUND"
    accounts = await control(api, "GET", "/accounts")
    assert isinstance(accounts, list)
    assert [a["deleted"] for a in accounts] == [False, True]


async def test_clock_generations_and_reset(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:duration=30")
    clock = await control(api, "POST", "/clock/advance", json={"seconds": 30})
    assert isinstance(clock, dict)
    assert clock["monotonic"] == 30
    assert clock["iso"] == "2027-01-15T08:00:30Z"
    listed = await control(api, "GET", "/generations")
    assert isinstance(listed, list)
    assert [g["status"] for g in listed] == ["succeeded"]
    one = await control(api, "GET", f"/generations/{generation_id}")
    assert isinstance(one, dict)
    assert one["sandbox"]["pixelSize"] == [1024, 1024]
    counts = await control(api, "GET", "/requests")
    assert counts == {"createImage": {"201": 1}}
    await control(api, "POST", "/reset", json={"seed": 7})
    assert await control(api, "GET", "/seed") == {"seed": 7}
    assert await control(api, "GET", "/generations") == []
    assert (await api.credits())["total"] == 1000  # the default account, with its key, again


async def test_faults_over_http(api: Api) -> None:
    rule = await control(
        api, "POST", "/faults", json={"operation": "getStatus", "code": "FETCH_FAILED", "times": 2}
    )
    assert isinstance(rule, dict)
    assert (rule["remaining"], rule["status"]) == (2, 500)
    assert (await api.call("GET", "/v1/status")).json()["error"] == "FETCH_FAILED"
    listed = await control(api, "GET", "/faults")
    assert isinstance(listed, list)
    assert [(r["hits"], r["remaining"]) for r in listed] == [(1, 1)]
    await control(api, "DELETE", "/faults")
    assert await control(api, "GET", "/faults") == []
    assert (await api.call("GET", "/v1/status")).status_code == 200


async def test_state_and_webhooks(api: Api) -> None:
    await api.created_id(prompt="x sandbox:duration=1", webhook_url="https://example.com/hook")
    await control(api, "POST", "/clock/advance", json={"seconds": 5})
    assert await control(api, "POST", "/webhooks/wait", json={"timeout": 1}) == {"idle": True}
    deliveries = await control(api, "GET", "/webhooks")
    assert isinstance(deliveries, list)
    assert deliveries[0]["delivered"] is False
    state = await control(api, "GET", "/state")
    assert isinstance(state, dict)
    assert set(state) == {
        "seed",
        "clock",
        "accounts",
        "generations",
        "faults",
        "webhooks",
        "requests",
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/faults", {"kind": "explode"}, 400),
        ("POST", "/faults", {"colour": "red"}, 400),
        ("POST", "/clock/advance", {"seconds": "soon"}, 400),
        ("POST", "/clock/advance", {"seconds": -1}, 400),
        ("POST", "/accounts", {"credits": -5}, 400),
        ("POST", "/accounts/nobody/credits", {"amount": 5}, 404),
        ("GET", "/generations/nothing", None, 404),
        ("POST", "/reset", {"seed": "x"}, 400),
        ("POST", "/keys/revoke", {"apiKey": "ig_test_" + "1" * 32}, 404),
    ],
)
async def test_bad_control_calls(
    api: Api, method: str, path: str, body: object, status: int
) -> None:
    response = await api.call(method, f"/_sandbox{path}", key=None, json=body)
    assert response.status_code == status
    assert "error" in response.json()


async def test_a_body_that_is_not_json(api: Api) -> None:
    response = await api.call("POST", "/_sandbox/faults", key=None, content=b"{")
    assert response.status_code == 400
