from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_code import ErrorCode
from ..models.generation_status import GenerationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEvent")


@_attrs_define
class WebhookEvent:
    """The body POSTed to `webhook_url` when a generation finishes. On failure `status` is
    `failed` and `message` carries the error code (body shape 4 plus the generation's id).

    """

    generation_id: UUID
    status: GenerationStatus
    """ `starting` -> `processing` -> `succeeded` | `failed`. A client must treat any other
    value (the docs also speak of cancelled generations) as an answer it cannot interpret,
    never wait on it forever.
     """
    message: ErrorCode | Unset = UNSET
    """ Every error code the docs name: the 22 of the troubleshooting list, plus INVALID_IMAGE
    and IMAGE_INACCESSIBLE of the error categories. Handle errors by these codes, not by
    their human-readable messages. Each error response lists only the codes the docs give
    its status (AuthenticationCode, BadRequestCode, ... below); together they are these.
     """
    output_images: list[str] | Unset = UNSET
    credit_cost: int | Unset = UNSET
    failure_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generation_id = str(self.generation_id)

        status = self.status.value

        message: str | Unset = UNSET
        if not isinstance(self.message, Unset):
            message = self.message.value

        output_images: list[str] | Unset = UNSET
        if not isinstance(self.output_images, Unset):
            output_images = self.output_images

        credit_cost = self.credit_cost

        failure_reason: None | str | Unset
        if isinstance(self.failure_reason, Unset):
            failure_reason = UNSET
        else:
            failure_reason = self.failure_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generationId": generation_id,
                "status": status,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message
        if output_images is not UNSET:
            field_dict["outputImages"] = output_images
        if credit_cost is not UNSET:
            field_dict["creditCost"] = credit_cost
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generation_id = UUID(d.pop("generationId"))

        status = GenerationStatus(d.pop("status"))

        _message = d.pop("message", UNSET)
        message: ErrorCode | Unset
        if isinstance(_message, Unset):
            message = UNSET
        else:
            message = ErrorCode(_message)

        output_images = cast(list[str], d.pop("outputImages", UNSET))

        credit_cost = d.pop("creditCost", UNSET)

        def _parse_failure_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_reason = _parse_failure_reason(d.pop("failureReason", UNSET))

        webhook_event = cls(
            generation_id=generation_id,
            status=status,
            message=message,
            output_images=output_images,
            credit_cost=credit_cost,
            failure_reason=failure_reason,
        )

        webhook_event.additional_properties = d
        return webhook_event

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
