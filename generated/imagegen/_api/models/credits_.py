from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Credits")


@_attrs_define
class Credits:
    """The balance (`total`) and where it came from; the docs show all seven."""

    total: int
    free: int
    purchased: int
    refunded: int
    redeemed: int
    bonus: int
    affiliate: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        free = self.free

        purchased = self.purchased

        refunded = self.refunded

        redeemed = self.redeemed

        bonus = self.bonus

        affiliate = self.affiliate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "free": free,
                "purchased": purchased,
                "refunded": refunded,
                "redeemed": redeemed,
                "bonus": bonus,
                "affiliate": affiliate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        free = d.pop("free")

        purchased = d.pop("purchased")

        refunded = d.pop("refunded")

        redeemed = d.pop("redeemed")

        bonus = d.pop("bonus")

        affiliate = d.pop("affiliate")

        credits_ = cls(
            total=total,
            free=free,
            purchased=purchased,
            refunded=refunded,
            redeemed=redeemed,
            bonus=bonus,
            affiliate=affiliate,
        )

        credits_.additional_properties = d
        return credits_

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
