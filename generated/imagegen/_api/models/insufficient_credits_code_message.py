from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.insufficient_credits_code import InsufficientCreditsCode

T = TypeVar("T", bound="InsufficientCreditsCodeMessage")


@_attrs_define
class InsufficientCreditsCodeMessage:
    """Body shape 2 of a 402, `{"success": false, "message": CODE}`: the code is the message."""

    success: bool
    """ Always false in an error body. """
    message: InsufficientCreditsCode
    """ The code the docs give a 402. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        message = self.message.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        success = d.pop("success")

        message = InsufficientCreditsCode(d.pop("message"))

        insufficient_credits_code_message = cls(
            success=success,
            message=message,
        )

        insufficient_credits_code_message.additional_properties = d
        return insufficient_credits_code_message

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
