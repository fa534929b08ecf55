from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.image_input_code import ImageInputCode
from ..models.image_input_status_failed_status import ImageInputStatusFailedStatus

T = TypeVar("T", bound="ImageInputStatusFailed")


@_attrs_define
class ImageInputStatusFailed:
    """Body shape 4 of a 400, `{"status": "failed", "message": CODE}` (image input failures)."""

    status: ImageInputStatusFailedStatus
    message: ImageInputCode
    """ The codes of a 400 in body shape 4 (reference images that are not usable). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        message = self.message.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = ImageInputStatusFailedStatus(d.pop("status"))

        message = ImageInputCode(d.pop("message"))

        image_input_status_failed = cls(
            status=status,
            message=message,
        )

        image_input_status_failed.additional_properties = d
        return image_input_status_failed

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
