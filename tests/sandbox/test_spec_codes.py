"""The sandbox's error codes are the spec's: a code added to the spec (the ErrorCode enum and
an error response's code list, generated into `imagegen._spec.errors.STATUSES_BY_CODE`) can be
injected by fault rule and prompt trigger and is answered with its status, with no hand edit of
the sandbox. The generated table is patched here as `make generate` would rewrite it;
tests/spec/test_evolution.py shows the same on a regenerated copy of the repository."""

from __future__ import annotations

import httpx
import pytest
from imagegen._spec import errors as spec_errors
from imagegen.sandbox import _bodies

from ._support import Api


async def create(api: Api, prompt: str) -> httpx.Response:
    # Not checked against the repository's spec: the patched table stands for a spec with the
    # new code (a 413 of createImage).
    return await api.call("POST", "/v1/images", json={"prompt": prompt}, check=False)


@pytest.fixture
def prompt_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    statuses = {**spec_errors.STATUSES_BY_CODE, "PROMPT_TOO_LONG": frozenset((413,))}
    monkeypatch.setattr(spec_errors, "STATUSES_BY_CODE", statuses)


def test_each_code_has_the_status_of_the_spec() -> None:
    assert set(_bodies.CODES) == set(spec_errors.STATUSES_BY_CODE)
    for code, statuses in spec_errors.STATUSES_BY_CODE.items():
        assert _bodies.CODES[code][0] in statuses, code
    # The spec gives VALIDATION_ERROR 400 and 422: an injected one is the lower, as documented.
    assert _bodies.CODES["VALIDATION_ERROR"][0] == 400


def test_every_hand_written_message_is_of_a_code_the_spec_has() -> None:
    stale = set(_bodies.MESSAGES) - set(spec_errors.STATUSES_BY_CODE)
    assert not stale, f"messages of codes the spec no longer has: remove {sorted(stale)}"


@pytest.mark.usefixtures("prompt_too_long")
async def test_a_code_new_to_the_spec_is_injected_by_fault_rule(api: Api) -> None:
    api.control.add_fault("createImage", "status", code="PROMPT_TOO_LONG")
    response = await create(api, "a fox")
    assert response.status_code == 413
    # No message was written for it: a generic one, made of the code.
    assert response.json() == {
        "success": False,
        "error": "PROMPT_TOO_LONG",
        "message": "Prompt too long.",
    }


@pytest.mark.usefixtures("prompt_too_long")
async def test_a_code_new_to_the_spec_is_injected_by_prompt_trigger(api: Api) -> None:
    response = await create(api, "a fox sandbox:error=PROMPT_TOO_LONG")
    assert response.status_code == 413
    assert response.json()["error"] == "PROMPT_TOO_LONG"
    assert api.control.generations() == []


async def test_a_code_the_spec_lacks_is_refused_naming_where_codes_come_from(api: Api) -> None:
    with pytest.raises(ValueError, match=r"one of the \d+ error codes of the spec") as refused:
        api.control.add_fault("createImage", "status", code="PROMPT_TOO_LONG")
    assert "'PROMPT_TOO_LONG'" in str(refused.value)
