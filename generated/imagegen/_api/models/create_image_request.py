from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.aspect_ratio import AspectRatio
from ..models.resolution import Resolution
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateImageRequest")


@_attrs_define
class CreateImageRequest:
    """One of three forms: text only; with `images_url` (HTTPS URLs); or with `images_base64`.
    Never both image fields (400, "Cannot mix ..."); at most 10 images (400); JPEG, PNG or
    WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all
    (IMAGE_SIZE_LIMIT_EXCEEDED).

    """

    prompt: str
    """ What to generate; required and not blank (at least one non-space character). """
    images_url: list[str] | Unset = UNSET
    """ Reference images by HTTPS URL. """
    images_base64: list[str] | Unset = UNSET
    """ Reference images as base64: each item the standard base64 (RFC 4648, padded) of a
    JPEG, PNG or WEBP file. The docs name only base64; a data URL is not base64 and is
    not described here. A schema cannot say that the bytes are an image: a request
    whose bytes are not one is answered 400 INVALID_IMAGE.
     """
    resolution: Resolution | Unset = UNSET
    """ 1k, 2k or 4k, the long side of the output being 1024, 2048 or 4096 pixels. """
    aspect_ratio: AspectRatio | Unset = UNSET
    """ Width to height. The docs show `aspectRatio` as a string but do not list the values;
    this spec allows these ten common ones, in a create and so in the generations it makes.
    A client reads any other value a generation reports as it is (one made some other way
    may carry one), rather than fail the answer.
     """
    num_outputs: int | Unset = 1
    """ How many images to make; each costs the resolution's credits. """
    model: str | Unset = UNSET
    """ A model name; the service's default when absent. """
    webhook_url: str | Unset = UNSET
    """ Where to POST the WebhookEvent when the generation finishes. """
    name: str | Unset = UNSET
    """ A label for the generation. """
    is_public: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        images_url: list[str] | Unset = UNSET
        if not isinstance(self.images_url, Unset):
            images_url = self.images_url

        images_base64: list[str] | Unset = UNSET
        if not isinstance(self.images_base64, Unset):
            images_base64 = self.images_base64

        resolution: str | Unset = UNSET
        if not isinstance(self.resolution, Unset):
            resolution = self.resolution.value

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio.value

        num_outputs = self.num_outputs

        model = self.model

        webhook_url = self.webhook_url

        name = self.name

        is_public = self.is_public

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if images_url is not UNSET:
            field_dict["images_url"] = images_url
        if images_base64 is not UNSET:
            field_dict["images_base64"] = images_base64
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if num_outputs is not UNSET:
            field_dict["num_outputs"] = num_outputs
        if model is not UNSET:
            field_dict["model"] = model
        if webhook_url is not UNSET:
            field_dict["webhook_url"] = webhook_url
        if name is not UNSET:
            field_dict["name"] = name
        if is_public is not UNSET:
            field_dict["is_public"] = is_public

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        images_url = cast(list[str], d.pop("images_url", UNSET))

        images_base64 = cast(list[str], d.pop("images_base64", UNSET))

        _resolution = d.pop("resolution", UNSET)
        resolution: Resolution | Unset
        if isinstance(_resolution, Unset):
            resolution = UNSET
        else:
            resolution = Resolution(_resolution)

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = AspectRatio(_aspect_ratio)

        num_outputs = d.pop("num_outputs", UNSET)

        model = d.pop("model", UNSET)

        webhook_url = d.pop("webhook_url", UNSET)

        name = d.pop("name", UNSET)

        is_public = d.pop("is_public", UNSET)

        create_image_request = cls(
            prompt=prompt,
            images_url=images_url,
            images_base64=images_base64,
            resolution=resolution,
            aspect_ratio=aspect_ratio,
            num_outputs=num_outputs,
            model=model,
            webhook_url=webhook_url,
            name=name,
            is_public=is_public,
        )

        create_image_request.additional_properties = d
        return create_image_request

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
