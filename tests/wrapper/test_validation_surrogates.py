"""A string that cannot be encoded as UTF-8 (a lone surrogate, as Python decodes undecodable
bytes of `sys.argv` or of file names) is refused before sending, as `InvalidRequestError`
naming the field and the position, never a `UnicodeEncodeError` while the request is built.

Every str parameter of a create is covered: the list of them is read from the signature, so a
parameter added later is tested (and checked) without being listed here."""

from __future__ import annotations

import inspect
import typing
from typing import Any

import httpx
import imagegen
import imagegen._api.models
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imagegen import InvalidRequestError, _validation

GENERATION_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
SURROGATE = (
    "\udce9"  # what b"\xe9" (latin-1 'é') becomes when decoded as UTF-8 with surrogateescape
)

# A good value for each str parameter, to put the bad character into.
GOOD_TEXT: dict[str, str] = {
    "prompt": "A lighthouse at dusk",
    "resolution": "2k",
    "aspect_ratio": "16:9",
    "model": "some-model",
    "webhook_url": "https://example.com/hooks/imagegen",
    "name": "Lighthouse",
    "images": "https://cdn.example.com/ref.png",
}


def _str_parameters() -> list[str]:
    """The create's arguments that take a str (alone or in a list): the prompt, the images and
    every string field of the spec's create request (`CREATE_OPTIONS`)."""
    from imagegen._spec.create import CREATE_OPTIONS

    strings = [name for name, facts in CREATE_OPTIONS.items() if facts["type"] == "string"]
    return ["prompt", "images", *strings]


STR_FIELDS = _str_parameters()


def _arguments(field: str, text: str) -> tuple[str, dict[str, Any]]:
    """(prompt, keyword arguments) of a create whose `field` holds `text` (for images, as the
    second of two URLs)."""
    kwargs: dict[str, Any] = {}
    if field == "images":
        kwargs["images"] = [GOOD_TEXT["images"], text]
    elif field != "prompt":
        kwargs[field] = text
    return (text if field == "prompt" else GOOD_TEXT["prompt"]), kwargs


def _bad(field: str) -> tuple[str, int]:
    """A value for `field` with a lone surrogate at a known position, and that position."""
    good = GOOD_TEXT[field]
    position = len(good) // 2
    return good[:position] + SURROGATE + good[position:], position


def _assert_refusal(error: InvalidRequestError, field: str, position: int) -> None:
    assert error.field == field
    where = "images[1]" if field == "images" else field
    assert error.message.startswith(f"{where} contains an undecodable character at position")
    assert f"at position {position} " in error.message
    assert "lone surrogate" in error.message
    assert "decode the text with the right encoding" in error.message
    error.message.encode("utf-8")  # the message itself can be printed anywhere


def test_every_str_field_of_a_create_is_known_here() -> None:
    assert set(STR_FIELDS) == set(GOOD_TEXT)
    # The clients' create and generate take every one of them, under the same names: the
    # prompt and images as parameters, the rest as the typed `**options` (CreateOptions).
    from imagegen._client import AsyncImages, Images
    from imagegen._spec.create import CreateOptions

    options = set(typing.get_type_hints(CreateOptions, localns=vars(imagegen._api.models)))
    for method in (Images.create, AsyncImages.create, imagegen.Client.generate):
        parameters = inspect.signature(method).parameters
        assert parameters["options"].kind is inspect.Parameter.VAR_KEYWORD
        assert set(STR_FIELDS) <= {*parameters, *options}


class Refuse:
    """A transport that fails the test if a request reaches it."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise AssertionError(f"a request was sent: {request.method} {request.url}")


def _client(refuse: Refuse) -> imagegen.Client:
    http = httpx.Client(transport=httpx.MockTransport(refuse))
    return imagegen.Client(
        api_key="ig_test_key", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
    )


def _async_client(refuse: Refuse) -> imagegen.AsyncClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    return imagegen.AsyncClient(
        api_key="ig_test_key", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
    )


@pytest.mark.parametrize("field", STR_FIELDS)
def test_a_lone_surrogate_in_any_str_field_is_refused_before_sending(field: str) -> None:
    refuse = Refuse()
    value, position = _bad(field)
    prompt, kwargs = _arguments(field, value)
    with _client(refuse) as client:
        with pytest.raises(InvalidRequestError) as created:
            client.images.create(prompt, **kwargs)
        _assert_refusal(created.value, field, position)
        with pytest.raises(InvalidRequestError) as generated:
            client.generate(prompt, **kwargs)
        _assert_refusal(generated.value, field, position)
        [batched] = client.generate_many([{"prompt": prompt, **kwargs}])
        assert isinstance(batched, InvalidRequestError)
        _assert_refusal(batched, field, position)
    assert refuse.requests == []


@pytest.mark.parametrize("field", STR_FIELDS)
async def test_the_async_client_refuses_it_too(field: str) -> None:
    refuse = Refuse()
    value, position = _bad(field)
    prompt, kwargs = _arguments(field, value)
    async with _async_client(refuse) as client:
        with pytest.raises(InvalidRequestError) as created:
            await client.images.create(prompt, **kwargs)
        _assert_refusal(created.value, field, position)
        with pytest.raises(InvalidRequestError) as generated:
            await client.generate(prompt, **kwargs)
        _assert_refusal(generated.value, field, position)
    assert refuse.requests == []


# Any text around the bad character, any lone surrogate, anywhere in the value.
_TEXT = st.text(max_size=20)  # hypothesis draws no surrogates here unless asked
_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(
    field=st.sampled_from(STR_FIELDS),
    before=_TEXT,
    bad=_SURROGATES,
    after=st.text(max_size=20) | st.just(SURROGATE),
    good_prefix=st.booleans(),
)
def test_any_lone_surrogate_anywhere_is_refused_with_its_position(
    field: str, before: str, bad: str, after: str, good_prefix: bool
) -> None:
    head = (GOOD_TEXT[field] if good_prefix else "") + before
    prompt, kwargs = _arguments(field, head + bad + after)
    with pytest.raises(InvalidRequestError) as caught:
        _validation.build_create_request(prompt, **kwargs)
    _assert_refusal(caught.value, field, len(head))


def test_a_value_that_encodes_is_not_refused_for_its_characters() -> None:
    # The control: characters beyond ASCII that are real text pass this check.
    request = _validation.build_create_request(
        "Un phare au crépuscule, 灯台, 🌅", name="café", images=["https://cdn.example.com/é.png"]
    )
    assert request.prompt == "Un phare au crépuscule, 灯台, 🌅"
    assert request.name == "café"


# -- generation ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("caf" + SURROGATE, 3),
        (GENERATION_ID[:-1] + SURROGATE, 35),
        (SURROGATE + GENERATION_ID, 0),
    ],
)
async def test_a_generation_id_with_a_lone_surrogate_is_refused(value: str, position: int) -> None:
    refuse = Refuse()
    with _client(refuse) as client:
        for call in (client.images.get, client.images.wait):
            with pytest.raises(InvalidRequestError) as caught:
                call(value)
            assert caught.value.field == "generation_id"
            assert f"undecodable character at position {position} " in caught.value.message
    async with _async_client(refuse) as aclient:
        with pytest.raises(InvalidRequestError) as caught:
            await aclient.images.get(value)
        assert f"undecodable character at position {position} " in caught.value.message
        with pytest.raises(InvalidRequestError):
            await aclient.images.wait(value)
    assert refuse.requests == []
    with pytest.raises(InvalidRequestError) as direct:
        _validation.check_generation_id(value)
    assert direct.value.field == "generation_id"
