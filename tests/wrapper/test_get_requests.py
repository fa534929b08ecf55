"""images.get builds its request from a base URL kept as text and an id parsed once: every form
of id a caller may pass reaches the same canonical URL, anything else is refused before sending
with the words of `check_generation_id`, and a base URL that is a bare host gets no double
slash."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from imagegen import GenerationStatus, InvalidRequestError
from imagegen._validation import check_generation_id

from tests.factories import make_generation

from .test_client_scripted import GENERATION_ID, generation, make_client, ok

UPPER = GENERATION_ID.upper()


@pytest.mark.parametrize(
    "given",
    [
        GENERATION_ID,
        UPPER,
        GENERATION_ID.replace("-", ""),
        "{" + GENERATION_ID + "}",
        "urn:uuid:" + GENERATION_ID,
        "  " + UPPER + "\n",
        uuid.UUID(GENERATION_ID),
        make_generation(id=GENERATION_ID, status=GenerationStatus.STARTING),
    ],
)
def test_every_form_of_an_id_reaches_the_canonical_url(given: Any) -> None:
    client, script = make_client(ok(generation()))
    assert client.images.get(given).id == GENERATION_ID
    assert script.methods() == [f"GET /v1/images/{GENERATION_ID}"]


@pytest.mark.parametrize("given", ["", "abc", "../status", GENERATION_ID + "x", 12, None, b"x"])
def test_a_bad_id_is_refused_before_sending_with_the_checks_message(given: Any) -> None:
    client, script = make_client()
    with pytest.raises(InvalidRequestError) as raised:
        client.images.get(given)
    with pytest.raises(InvalidRequestError) as expected:
        check_generation_id(given)
    assert raised.value.message == expected.value.message
    assert raised.value.field == expected.value.field
    assert script.requests == []


@pytest.mark.parametrize(
    ("base_url", "url"),
    [
        ("https://api.example", f"https://api.example/images/{GENERATION_ID}"),
        ("https://api.example/", f"https://api.example/images/{GENERATION_ID}"),
        ("https://api.example/v1/", f"https://api.example/v1/images/{GENERATION_ID}"),
        ("http://127.0.0.1:8000/v1", f"http://127.0.0.1:8000/v1/images/{GENERATION_ID}"),
    ],
)
def test_the_url_is_the_base_url_and_the_operations_path(base_url: str, url: str) -> None:
    client, script = make_client(ok(generation()), base_url=base_url)
    client.images.get(GENERATION_ID)
    assert [str(request.url) for request in script.requests] == [url]
