"""The lifecycle on the clock: starting -> processing -> succeeded | failed, the documented
durations, the 50 s cancel, refunds, and changes that happen as the clock moves (no request
needed)."""

from __future__ import annotations

import pytest

from ._support import ARBITRARY_CLOCK_STARTS, Api, b64, image_bytes

# The documented limits (10 creates a minute, 1 at a time) would get in the way here.
UNLIMITED = True
# Every test at 0 and at origins far from it (floating-point rounding shows only there).
CLOCK_STARTS = (0.0, *ARBITRARY_CLOCK_STARTS)


def plan(api: Api, generation_id: str) -> dict[str, float]:
    info = api.control.generation(generation_id)["sandbox"]
    return {"starting": info["startingSeconds"], "processing": info["processingSeconds"]}


async def test_statuses_follow_the_plan(api: Api) -> None:
    generation_id = await api.created_id()
    timeline = plan(api, generation_id)
    assert (await api.get(generation_id))["status"] == "starting"
    api.clock.advance(timeline["starting"] - 0.01)
    assert (await api.get(generation_id))["status"] == "starting"
    api.clock.advance(0.02)
    processing = await api.get(generation_id)
    assert processing["status"] == "processing"
    assert processing["outputImages"] == []
    assert processing["outputSuccess"] == 0
    api.clock.advance(timeline["processing"])
    done = await api.get(generation_id)
    assert done["status"] == "succeeded"
    assert done["outputSuccess"] == done["currentImage"] == 1
    assert done["outputFailed"] == 0
    assert len(done["outputImages"]) == 1
    assert done["predictTime"] == pytest.approx(timeline["processing"], abs=0.01)
    assert done["totalTime"] == pytest.approx(sum(timeline.values()), abs=0.01)
    assert done["failureReason"] is None
    # Time keeps going; a finished generation does not change.
    api.clock.advance(1000)
    assert await api.get(generation_id) == done


async def test_a_generation_has_ended_at_the_moment_it_is_said_to_end(api: Api) -> None:
    # One end for everything: the clock moved by the `endsIn` the sandbox reports lands on the
    # end, and there the generation is over (status, outputs, times, refund, limits), at any
    # clock origin; a hair before it, it is not.
    ids = [await api.created_id(prompt=f"prompt {index}") for index in range(20)]
    ends_in = {gid: api.control.generation(gid)["sandbox"]["endsIn"] for gid in ids}
    for generation_id in sorted(ids, key=ends_in.__getitem__):
        left = api.control.generation(generation_id)["sandbox"]["endsIn"]
        assert left > 0
        before = await api.get(generation_id)
        assert before["status"] in ("starting", "processing")
        assert before["outputImages"] == []
        api.clock.advance(left)
        timeline = plan(api, generation_id)
        done = await api.get(generation_id)
        assert done["status"] == "succeeded", done
        assert done["outputSuccess"] == len(done["outputImages"]) == 1
        assert done["predictTime"] == round(timeline["processing"], 3)
        assert done["totalTime"] == round(timeline["starting"] + timeline["processing"], 3)
        assert api.control.generation(generation_id)["sandbox"]["endsIn"] == 0


@pytest.mark.parametrize(
    ("body", "low", "high"),
    [
        ({}, 60, 120),
        ({"resolution": "2k"}, 60, 120),
        ({"resolution": "4k"}, 90, 150),
        ({"images_base64": [b64(image_bytes())]}, 120, 180),
        ({"images_base64": [b64(image_bytes())], "resolution": "4k"}, 150, 210),
    ],
)
async def test_durations_follow_the_docs(
    api: Api, body: dict[str, object], low: float, high: float
) -> None:
    for index in range(8):
        generation_id = await api.created_id(prompt=f"prompt {index}", **body)
        timeline = plan(api, generation_id)
        assert low <= sum(timeline.values()) <= high
        # Processing always stays under the documented 50 s cancel.
        assert 30 <= timeline["processing"] <= 40


async def test_stuck_in_processing_is_cancelled_at_50_s_and_refunded(api: Api) -> None:
    generation_id = await api.created_id(prompt="a fox sandbox:stuck", resolution="2k")
    assert (await api.credits())["total"] == 998
    api.clock.advance(10.5)
    assert (await api.get(generation_id))["status"] == "processing"
    api.clock.advance(49)
    assert (await api.get(generation_id))["status"] == "processing"
    api.clock.advance(1)
    data = await api.get(generation_id)
    assert data["status"] == "failed"
    assert "cancelled" in data["failureReason"]
    assert data["predictTime"] == 50
    credits = await api.credits()
    assert credits["total"] == 1000
    assert credits["refunded"] == 2


@pytest.mark.parametrize("code", ["INVALID_IMAGE", "IMAGE_INACCESSIBLE", "NSFW_CONTENT_DETECTED"])
async def test_a_failing_generation_fails_fast_with_its_code_and_is_refunded(
    api: Api, code: str
) -> None:
    generation_id = await api.created_id(prompt=f"x sandbox:fail={code}", num_outputs=2)
    assert (await api.credits())["total"] == 998
    api.clock.advance(4)
    data = await api.get(generation_id)
    assert data["status"] == "failed"
    assert data["failureReason"] == code
    assert data["outputImages"] == []
    assert data["outputFailed"] == 2
    assert data["outputSuccess"] == 0
    assert (data["predictTime"], data["totalTime"]) == (3.2, 4.0)
    ledger = api.control.ledger()
    assert ledger["total"] == 1000
    assert ledger["refunded"] == 2
    refund = ledger["entries"][-1]
    assert (refund["kind"], refund["amount"], refund["generationId"]) == (
        "refund",
        2,
        generation_id,
    )


async def test_partial_failure_refunds_the_failed_output(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:partial", num_outputs=3, resolution="2k")
    api.clock.advance(200)
    data = await api.get(generation_id)
    assert data["status"] == "succeeded"
    assert (data["outputSuccess"], data["outputFailed"]) == (2, 1)
    assert len(data["outputImages"]) == 2
    assert (await api.credits())["total"] == 1000 - 6 + 2


async def test_partial_with_one_output_fails(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:partial")
    api.clock.advance(200)
    data = await api.get(generation_id)
    assert data["status"] == "failed"
    assert data["failureReason"] == "IMAGE_UPLOAD_FAILED"
    assert (await api.credits())["total"] == 1000


async def test_an_unknown_status_value_can_be_reported(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:status=canceled sandbox:duration=5")
    api.clock.advance(5)
    assert (await api.call("GET", f"/v1/images/{generation_id}", check=False)).json()["data"][
        "status"
    ] == "canceled"
    assert (await api.credits())["total"] == 1000


async def test_duration_trigger(api: Api) -> None:
    generation_id = await api.created_id(prompt="x sandbox:duration=8")
    api.clock.advance(3.9)
    assert (await api.get(generation_id))["status"] == "starting"
    api.clock.advance(0.2)
    assert (await api.get(generation_id))["status"] == "processing"
    api.clock.advance(4)
    assert (await api.get(generation_id))["status"] == "succeeded"


async def test_refunds_happen_as_the_clock_moves_without_any_request(api: Api) -> None:
    await api.created_id(prompt="x sandbox:fail=INVALID_IMAGE")
    assert api.control.ledger()["total"] == 999
    api.clock.advance(10)  # a listener on the clock, no request
    ledger = api.control.ledger()
    assert ledger["total"] == 1000
    refund = ledger["entries"][-1]
    # Recorded at the moment it failed, not when someone looked (epoch-like clock values
    # leave only microseconds of precision).
    assert refund["at"] == pytest.approx(api.clock.time() - 6, abs=1e-5)


async def test_unknown_trigger_is_a_validation_error(api: Api) -> None:
    response = await api.create(prompt="x sandbox:explode")
    assert response.status_code == 400
    assert response.json()["error"] == "VALIDATION_ERROR"
    assert "sandbox:explode" in response.json()["message"]


async def test_list_is_newest_first_with_limit_offset_and_total(api: Api) -> None:
    ids = [await api.created_id(prompt=f"p{index}") for index in range(5)]
    page = (await api.call("GET", "/v1/images", params={"limit": 2, "offset": 1})).json()["data"]
    assert [g["generationId"] for g in page["generations"]] == [ids[3], ids[2]]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    default = (await api.call("GET", "/v1/images")).json()["data"]
    assert [g["generationId"] for g in default["generations"]] == ids[::-1]
    assert (default["limit"], default["offset"]) == (20, 0)
    beyond = (await api.call("GET", "/v1/images", params={"offset": 10})).json()["data"]
    assert (beyond["generations"], beyond["total"]) == ([], 5)
    huge = (await api.call("GET", "/v1/images", params={"offset": 10**30})).json()["data"]
    assert (huge["generations"], huge["offset"]) == ([], 10**30)
    floats = (await api.call("GET", "/v1/images", params={"limit": "2.0"})).json()["data"]
    assert floats["limit"] == 2
    item = default["generations"][0]
    assert "failureReason" not in item
    assert "currentImage" not in item


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 0}, 400),
        ({"limit": 101}, 400),
        ({"offset": -1}, 400),
        ({"limit": "ten"}, 422),
        ({"limit": "2.5"}, 422),
        ({"offset": "nan"}, 422),
    ],
)
async def test_bad_page_parameters(api: Api, params: dict[str, object], status: int) -> None:
    response = await api.call("GET", "/v1/images", params=params)
    assert response.status_code == status
    assert response.json()["error"] == "VALIDATION_ERROR"


async def test_list_shows_only_the_callers_generations(api: Api) -> None:
    other = api.control.add_account()
    mine = await api.created_id()
    theirs = await api.created_id(key=other.api_key)
    page = (await api.call("GET", "/v1/images")).json()["data"]
    assert [g["generationId"] for g in page["generations"]] == [mine]
    assert theirs != mine


async def test_get_unknown_foreign_and_malformed_ids(api: Api) -> None:
    other = api.control.add_account()
    theirs = await api.created_id(key=other.api_key)
    unknown = await api.call("GET", "/v1/images/7c9e6679-7425-40de-944b-e07fc1f90ae7")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "success": False,
        "error": "GENERATION_NOT_FOUND",
        "message": "Generation not found or access denied.",
    }
    foreign = await api.call("GET", f"/v1/images/{theirs}")
    assert foreign.status_code == 404
    assert foreign.json() == {"detail": "Generation not found"}
    malformed = await api.call("GET", "/v1/images/not-a-uuid")
    assert malformed.status_code == 404
    assert malformed.json() == {
        "success": False,
        "error": "INVALID_GENERATION_ID",
        "message": "Invalid generation ID format. Must be a valid UUID.",
    }
    upper = await api.call("GET", f"/v1/images/{theirs.upper()}", key=other.api_key)
    assert upper.status_code == 200
