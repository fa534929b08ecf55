from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.aspect_ratio import AspectRatio
from ..models.generation_status import GenerationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerationSummary")


@_attrs_define
class GenerationSummary:
    """A generation as listImages reports it.
    What the docs show for every generation is required. Not required, as the docs leave
    them open: `name` (a label the request may leave out; what a generation without one
    reports is not documented), `predictTime` and `totalTime` (durations of the run: the
    docs give one answer for every status and do not say what a generation still
    `starting` or `processing` reports).

    """

    generation_id: UUID
    status: GenerationStatus
    """ `starting` -> `processing` -> `succeeded` | `failed`. A client must treat any other
    value (the docs also speak of cancelled generations) as an answer it cannot interpret,
    never wait on it forever.
     """
    prompt: str
    aspect_ratio: AspectRatio
    """ Width to height. The docs show `aspectRatio` as a string but do not list the values;
    this spec allows these ten common ones, in a create and so in the generations it makes.
    A client reads any other value a generation reports as it is (one made some other way
    may carry one), rather than fail the answer.
     """
    model_provider: str
    output_number: int
    """ How many outputs were asked for. """
    output_success: int
    output_failed: int
    output_images: list[str]
    credit_cost: int
    created_at: datetime.datetime
    is_public: bool
    image_input: list[str]
    """ Where the reference images were stored (paths). """
    name: str | Unset = UNSET
    predict_time: float | Unset = UNSET
    """ Seconds the model ran. """
    total_time: float | Unset = UNSET
    """ Seconds from creation to the end. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generation_id = str(self.generation_id)

        status = self.status.value

        prompt = self.prompt

        aspect_ratio = self.aspect_ratio.value

        model_provider = self.model_provider

        output_number = self.output_number

        output_success = self.output_success

        output_failed = self.output_failed

        output_images = self.output_images

        credit_cost = self.credit_cost

        created_at = self.created_at.isoformat()

        is_public = self.is_public

        image_input = self.image_input

        name = self.name

        predict_time = self.predict_time

        total_time = self.total_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generationId": generation_id,
                "status": status,
                "prompt": prompt,
                "aspectRatio": aspect_ratio,
                "modelProvider": model_provider,
                "outputNumber": output_number,
                "outputSuccess": output_success,
                "outputFailed": output_failed,
                "outputImages": output_images,
                "creditCost": credit_cost,
                "createdAt": created_at,
                "isPublic": is_public,
                "imageInput": image_input,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if predict_time is not UNSET:
            field_dict["predictTime"] = predict_time
        if total_time is not UNSET:
            field_dict["totalTime"] = total_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generation_id = UUID(d.pop("generationId"))

        status = GenerationStatus(d.pop("status"))

        prompt = d.pop("prompt")

        aspect_ratio = AspectRatio(d.pop("aspectRatio"))

        model_provider = d.pop("modelProvider")

        output_number = d.pop("outputNumber")

        output_success = d.pop("outputSuccess")

        output_failed = d.pop("outputFailed")

        output_images = cast(list[str], d.pop("outputImages"))

        credit_cost = d.pop("creditCost")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        is_public = d.pop("isPublic")

        image_input = cast(list[str], d.pop("imageInput"))

        name = d.pop("name", UNSET)

        predict_time = d.pop("predictTime", UNSET)

        total_time = d.pop("totalTime", UNSET)

        generation_summary = cls(
            generation_id=generation_id,
            status=status,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            model_provider=model_provider,
            output_number=output_number,
            output_success=output_success,
            output_failed=output_failed,
            output_images=output_images,
            credit_cost=credit_cost,
            created_at=created_at,
            is_public=is_public,
            image_input=image_input,
            name=name,
            predict_time=predict_time,
            total_time=total_time,
        )

        generation_summary.additional_properties = d
        return generation_summary

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
