"""Property tests of build_create_request: whatever is passed, the answer is a request the
spec's schema accepts or an InvalidRequestError naming a field, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from imagegen._api.models import CreateImageRequest
from imagegen._errors import InvalidRequestError
from imagegen._validation import build_create_request, check_generation_id

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
_SPEC = yaml.safe_load(SPEC.read_text())
# The request schema, with its $refs resolvable against the whole spec.
REQUEST_SCHEMA = {
    "$ref": "#/components/schemas/CreateImageRequest",
    "components": _SPEC["components"],
}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
ANYTHING = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-10, max_value=10)
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.binary(max_size=30)
    | st.lists(st.text(max_size=10), max_size=3)
)
URLS = st.sampled_from(
    ["https://cdn.example.com/a.png", " https://cdn.example.com/a.png\n", "https://", "ftp://x/y",
     "http://cdn.example.com/a.png",
     "https://u:p@h/a.png", "https://h:99999/a.png", "https://[::1/a.png", "data:image/png;base64,"]
) | st.text(max_size=30)  # fmt: skip
IMAGES = st.none() | st.lists(
    URLS | st.binary(max_size=40) | st.just(PNG) | st.just(PNG + b"x"), max_size=12
)


def _kwargs() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "images": IMAGES | ANYTHING,
            "resolution": st.sampled_from(["1k", "2K", "4k", "8k"]) | ANYTHING,
            "aspect_ratio": st.sampled_from(["1:1", "16:9", "16x9"]) | ANYTHING,
            "num_outputs": st.integers(min_value=-2, max_value=6) | ANYTHING,
            "model": ANYTHING,
            "webhook_url": URLS | ANYTHING,
            "name": ANYTHING,
            "is_public": ANYTHING,
        },
    )


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=20) | ANYTHING, _kwargs())
def test_any_input_is_a_valid_request_or_an_invalid_request_error(
    prompt: Any, kwargs: dict[str, Any]
) -> None:
    try:
        request = build_create_request(prompt, **kwargs)
    except InvalidRequestError as exc:
        refused: InvalidRequestError | None = exc
    else:
        refused = None
    if refused is not None:
        assert refused.field in {"prompt", *kwargs}
        assert refused.message
        return
    assert isinstance(request, CreateImageRequest)
    # What the client would send is a body the spec's schema accepts.
    jsonschema.validate(request.to_dict(), REQUEST_SCHEMA)


@settings(max_examples=200, deadline=None)
@given(ANYTHING | st.uuids())
def test_generation_id_check_never_raises_anything_else(value: Any) -> None:
    try:
        checked = check_generation_id(value)
    except InvalidRequestError as exc:
        field = exc.field
    else:
        field = None
    if field is not None:
        assert field == "generation_id"
        return
    assert len(checked) == 36
    assert checked == checked.lower()
