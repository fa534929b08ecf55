from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.insufficient_credits_code import InsufficientCreditsCode

T = TypeVar("T", bound="InsufficientCreditsErrorResponse")


@_attrs_define
class InsufficientCreditsErrorResponse:
    """Body shape 1 of a 402."""

    success: bool
    """ Always false in an error body. """
    error: InsufficientCreditsCode
    """ The code the docs give a 402. """
    message: str
    """ For people; handle the error by `error`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        error = self.error.value

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "error": error,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        success = d.pop("success")

        error = InsufficientCreditsCode(d.pop("error"))

        message = d.pop("message")

        insufficient_credits_error_response = cls(
            success=success,
            error=error,
            message=message,
        )

        insufficient_credits_error_response.additional_properties = d
        return insufficient_credits_error_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
