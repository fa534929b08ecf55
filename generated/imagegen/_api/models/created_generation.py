from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.generation_status import GenerationStatus

T = TypeVar("T", bound="CreatedGeneration")


@_attrs_define
class CreatedGeneration:
    generation_id: UUID
    status: GenerationStatus
    """ `starting` -> `processing` -> `succeeded` | `failed`. A client must treat any other
    value (the docs also speak of cancelled generations) as an answer it cannot interpret,
    never wait on it forever.
     """
    credit_cost: int
    """ Credits charged; refunded automatically if the generation fails. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generation_id = str(self.generation_id)

        status = self.status.value

        credit_cost = self.credit_cost

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generationId": generation_id,
                "status": status,
                "creditCost": credit_cost,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generation_id = UUID(d.pop("generationId"))

        status = GenerationStatus(d.pop("status"))

        credit_cost = d.pop("creditCost")

        created_generation = cls(
            generation_id=generation_id,
            status=status,
            credit_cost=credit_cost,
        )

        created_generation.additional_properties = d
        return created_generation

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
