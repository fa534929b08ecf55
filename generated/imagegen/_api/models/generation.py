from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.generation_status import GenerationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Generation")


@_attrs_define
class Generation:
    """A generation as getImage reports it."""

    generation_id: UUID
    status: GenerationStatus
    """ `starting` -> `processing` -> `succeeded` | `failed`. A client must treat any other
    value (the docs also speak of cancelled generations) as an answer it cannot interpret,
    never wait on it forever.
     """
    name: str | Unset = UNSET
    prompt: str | Unset = UNSET
    aspect_ratio: str | Unset = UNSET
    model_provider: str | Unset = UNSET
    output_number: int | Unset = UNSET
    output_success: int | Unset = UNSET
    output_failed: int | Unset = UNSET
    current_image: int | Unset = UNSET
    deleted_image: int | Unset = UNSET
    output_images: list[str] | Unset = UNSET
    credit_cost: int | Unset = UNSET
    failure_reason: None | str | Unset = UNSET
    """ Why a failed generation failed; an error code such as INVALID_IMAGE where one applies. """
    predict_time: float | Unset = UNSET
    total_time: float | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    is_public: bool | Unset = UNSET
    image_input: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generation_id = str(self.generation_id)

        status = self.status.value

        name = self.name

        prompt = self.prompt

        aspect_ratio = self.aspect_ratio

        model_provider = self.model_provider

        output_number = self.output_number

        output_success = self.output_success

        output_failed = self.output_failed

        current_image = self.current_image

        deleted_image = self.deleted_image

        output_images: list[str] | Unset = UNSET
        if not isinstance(self.output_images, Unset):
            output_images = self.output_images

        credit_cost = self.credit_cost

        failure_reason: None | str | Unset
        if isinstance(self.failure_reason, Unset):
            failure_reason = UNSET
        else:
            failure_reason = self.failure_reason

        predict_time = self.predict_time

        total_time = self.total_time

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        is_public = self.is_public

        image_input: list[str] | Unset = UNSET
        if not isinstance(self.image_input, Unset):
            image_input = self.image_input

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generationId": generation_id,
                "status": status,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if aspect_ratio is not UNSET:
            field_dict["aspectRatio"] = aspect_ratio
        if model_provider is not UNSET:
            field_dict["modelProvider"] = model_provider
        if output_number is not UNSET:
            field_dict["outputNumber"] = output_number
        if output_success is not UNSET:
            field_dict["outputSuccess"] = output_success
        if output_failed is not UNSET:
            field_dict["outputFailed"] = output_failed
        if current_image is not UNSET:
            field_dict["currentImage"] = current_image
        if deleted_image is not UNSET:
            field_dict["deletedImage"] = deleted_image
        if output_images is not UNSET:
            field_dict["outputImages"] = output_images
        if credit_cost is not UNSET:
            field_dict["creditCost"] = credit_cost
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason
        if predict_time is not UNSET:
            field_dict["predictTime"] = predict_time
        if total_time is not UNSET:
            field_dict["totalTime"] = total_time
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if is_public is not UNSET:
            field_dict["isPublic"] = is_public
        if image_input is not UNSET:
            field_dict["imageInput"] = image_input

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generation_id = UUID(d.pop("generationId"))

        status = GenerationStatus(d.pop("status"))

        name = d.pop("name", UNSET)

        prompt = d.pop("prompt", UNSET)

        aspect_ratio = d.pop("aspectRatio", UNSET)

        model_provider = d.pop("modelProvider", UNSET)

        output_number = d.pop("outputNumber", UNSET)

        output_success = d.pop("outputSuccess", UNSET)

        output_failed = d.pop("outputFailed", UNSET)

        current_image = d.pop("currentImage", UNSET)

        deleted_image = d.pop("deletedImage", UNSET)

        output_images = cast(list[str], d.pop("outputImages", UNSET))

        credit_cost = d.pop("creditCost", UNSET)

        def _parse_failure_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_reason = _parse_failure_reason(d.pop("failureReason", UNSET))

        predict_time = d.pop("predictTime", UNSET)

        total_time = d.pop("totalTime", UNSET)

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        is_public = d.pop("isPublic", UNSET)

        image_input = cast(list[str], d.pop("imageInput", UNSET))

        generation = cls(
            generation_id=generation_id,
            status=status,
            name=name,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            model_provider=model_provider,
            output_number=output_number,
            output_success=output_success,
            output_failed=output_failed,
            current_image=current_image,
            deleted_image=deleted_image,
            output_images=output_images,
            credit_cost=credit_cost,
            failure_reason=failure_reason,
            predict_time=predict_time,
            total_time=total_time,
            created_at=created_at,
            is_public=is_public,
            image_input=image_input,
        )

        generation.additional_properties = d
        return generation

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
