"""`_params.enum`: an enum parameter as the generated client takes it (its generated enum)."""

from __future__ import annotations

import pytest
from imagegen import GenerationStatus, InvalidRequestError, _params


@pytest.mark.parametrize("value", ["succeeded", GenerationStatus.SUCCEEDED])
def test_an_enum_parameter_is_the_generated_member(value: object) -> None:
    assert _params.enum(value, "status", GenerationStatus) is GenerationStatus.SUCCEEDED


@pytest.mark.parametrize("value", ["done", "SUCCEEDED", " succeeded", 3, None])
def test_anything_else_is_refused_naming_the_parameter_and_its_values(value: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        _params.enum(value, "status", GenerationStatus)
    assert caught.value.field == "status"
    assert "succeeded" in str(caught.value)
    assert repr(value) in str(caught.value)
