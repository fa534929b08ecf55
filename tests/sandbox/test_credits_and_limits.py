"""Credits (the documented rule, the ledger, INSUFFICIENT_CREDITS) and the documented limits
(10 creates per 60 s, 1 in progress), with their headers."""

from __future__ import annotations

import pytest

from ._support import Api


@pytest.mark.parametrize(
    ("resolution", "num_outputs", "cost"),
    [("1k", 1, 1), ("1k", 4, 4), ("2k", 1, 2), ("2k", 3, 6), ("4k", 1, 4), ("4k", 4, 16)],
)
async def test_credit_cost_is_outputs_times_resolution(
    api: Api, resolution: str, num_outputs: int, cost: int
) -> None:
    response = await api.create(resolution=resolution, num_outputs=num_outputs)
    assert response.status_code == 201
    assert response.json()["data"] == {
        "generationId": response.json()["data"]["generationId"],
        "status": "starting",
        "creditCost": cost,
    }
    credits = await api.credits()
    assert credits["total"] == 1000 - cost
    assert credits["free"] == 1000 - cost


async def test_insufficient_credits_charges_nothing(api: Api) -> None:
    poor = api.control.add_account(credits=3)
    response = await api.create(key=poor.api_key, resolution="4k")
    assert response.status_code == 402
    assert response.json() == {
        "success": False,
        "error": "INSUFFICIENT_CREDITS",
        "message": "Not enough credits to complete this request. Required: 4 credits. Please "
        "add more credits to your account.",
    }
    assert (await api.credits(poor.api_key))["total"] == 3
    assert api.control.generations(poor.account_id) == []
    # Exactly enough is enough.
    assert (await api.create(key=poor.api_key, num_outputs=3)).status_code == 201
    assert (await api.credits(poor.api_key))["total"] == 0


async def test_ledger_buckets_spend_order_and_refunds(api: Api) -> None:
    new = api.control.add_account(credits=2, purchased=10, bonus=1)
    api.control.add_credits(new.account_id, 1, "affiliate")
    credits = await api.credits(new.api_key)
    assert credits == {
        "total": 14,
        "free": 2,
        "purchased": 10,
        "refunded": 0,
        "redeemed": 0,
        "bonus": 1,
        "affiliate": 1,
    }
    await api.created_id(
        key=new.api_key, prompt="x sandbox:fail=INVALID_IMAGE", resolution="2k", num_outputs=2
    )
    # 4 credits: bonus, affiliate, then free, then purchased.
    assert await api.credits(new.api_key) == {
        "total": 10,
        "free": 0,
        "purchased": 10,
        "refunded": 0,
        "redeemed": 0,
        "bonus": 0,
        "affiliate": 0,
    }
    api.clock.advance(5)
    assert (await api.credits(new.api_key))["refunded"] == 4
    # Refunded credits are spent first.
    await api.created_id(key=new.api_key)
    after = await api.credits(new.api_key)
    assert (after["refunded"], after["purchased"], after["total"]) == (3, 10, 13)
    kinds = [entry["kind"] for entry in api.control.ledger(new.account_id)["entries"]]
    assert kinds == [
        "grant",
        "grant",
        "grant",
        "grant",
        "charge",
        "charge",
        "charge",
        "refund",
        "charge",
    ]


async def test_one_generation_in_progress(api: Api) -> None:
    first = await api.created_id()
    ends_in = api.control.generation(first)["sandbox"]["endsIn"]
    api.clock.advance(10)
    response = await api.create()
    assert response.status_code == 429
    assert response.json() == {
        "success": False,
        "error": "CONCURRENT_GENERATION_ERROR",
        "message": "You already have a generation in progress. Please wait for it to complete.",
    }
    import math

    assert response.headers["x-ratelimit-reset"] == str(math.ceil(ends_in - 10))
    assert response.headers["retry-after"] == response.headers["x-ratelimit-reset"]
    assert (await api.credits())["total"] == 999
    api.clock.advance(ends_in - 10)
    assert (await api.create()).status_code == 201


async def test_other_accounts_are_not_blocked_by_my_generation(api: Api) -> None:
    other = api.control.add_account()
    await api.created_id()
    assert (await api.create(key=other.api_key)).status_code == 201


async def test_ten_creates_per_60_seconds(api: Api) -> None:
    api.control.set_limits(api.control.default_account_id, max_concurrent=None)
    for index in range(10):
        api.clock.advance(1)
        assert (await api.create(prompt=f"p{index}")).status_code == 201
    api.clock.advance(5)  # first create at t=1, now t=15: a slot frees at t=61
    response = await api.create()
    assert response.status_code == 429
    assert response.json() == {
        "success": False,
        "error": "RATE_LIMIT_ERROR",
        "message": "You can create up to 10 generations per minute. Please wait and try again.",
    }
    assert response.headers["x-ratelimit-reset"] == "46"
    assert response.headers["retry-after"] == "46"
    api.clock.advance(45.5)
    assert (await api.create()).status_code == 429
    api.clock.advance(0.5)
    assert (await api.create()).status_code == 201


async def test_every_authenticated_create_counts_against_the_window(api: Api) -> None:
    await api.created_id()
    for _ in range(9):  # refused by the concurrency limit, but counted
        assert (await api.create()).status_code == 429
    response = await api.create()
    assert response.json()["error"] == "RATE_LIMIT_ERROR"
    # ... even a validation failure counts; a RATE_LIMIT_ERROR itself does not.
    api.clock.advance(60)
    for _ in range(10):
        assert (await api.create(prompt="")).status_code == 422
    assert (await api.create()).json()["error"] == "RATE_LIMIT_ERROR"


async def test_reads_are_not_rate_limited(api: Api) -> None:
    generation_id = await api.created_id()
    for _ in range(60):
        assert (await api.call("GET", f"/v1/images/{generation_id}")).status_code == 200
        assert (await api.call("GET", "/v1/images")).status_code == 200
    assert (await api.call("GET", "/v1/status")).status_code == 200


async def test_limits_can_be_switched_off(api: Api) -> None:
    api.unlimited()
    for index in range(15):
        assert (await api.create(prompt=f"p{index}")).status_code == 201
