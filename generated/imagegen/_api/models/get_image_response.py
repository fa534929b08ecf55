from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.generation import Generation


T = TypeVar("T", bound="GetImageResponse")


@_attrs_define
class GetImageResponse:
    success: bool
    """ Always true in a 2xx body (an error body says false, or has no `success`). """
    data: Generation
    """ A generation as getImage reports it.
    What the docs show for every generation is required. Not required, as the docs leave
    them open: `name` (a label the request may leave out; what a generation without one
    reports is not documented), `predictTime` and `totalTime` (durations of the run: the
    docs give one answer for every status and do not say what a generation still
    `starting` or `processing` reports).
    `failureReason` is always sent, and null unless the generation failed.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.generation import Generation

        d = dict(src_dict)
        success = d.pop("success")

        data = Generation.from_dict(d.pop("data"))

        get_image_response = cls(
            success=success,
            data=data,
        )

        get_image_response.additional_properties = d
        return get_image_response

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
