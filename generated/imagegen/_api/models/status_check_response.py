from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.connection_status import ConnectionStatus


T = TypeVar("T", bound="StatusCheckResponse")


@_attrs_define
class StatusCheckResponse:
    success: bool
    """ Always true in a 2xx body (an error body says false, or has no `success`). """
    message: str
    data: ConnectionStatus
    """ Every field is required: the docs' one answer of the status endpoint shows all four.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        message = self.message

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "message": message,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.connection_status import ConnectionStatus

        d = dict(src_dict)
        success = d.pop("success")

        message = d.pop("message")

        data = ConnectionStatus.from_dict(d.pop("data"))

        status_check_response = cls(
            success=success,
            message=message,
            data=data,
        )

        status_check_response.additional_properties = d
        return status_check_response

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
