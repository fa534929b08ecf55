from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Credits")


@_attrs_define
class Credits:
    """The balance (`total`) and where it came from."""

    total: int
    free: int | Unset = UNSET
    purchased: int | Unset = UNSET
    refunded: int | Unset = UNSET
    redeemed: int | Unset = UNSET
    bonus: int | Unset = UNSET
    affiliate: int | Unset = UNSET
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
            }
        )
        if free is not UNSET:
            field_dict["free"] = free
        if purchased is not UNSET:
            field_dict["purchased"] = purchased
        if refunded is not UNSET:
            field_dict["refunded"] = refunded
        if redeemed is not UNSET:
            field_dict["redeemed"] = redeemed
        if bonus is not UNSET:
            field_dict["bonus"] = bonus
        if affiliate is not UNSET:
            field_dict["affiliate"] = affiliate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        free = d.pop("free", UNSET)

        purchased = d.pop("purchased", UNSET)

        refunded = d.pop("refunded", UNSET)

        redeemed = d.pop("redeemed", UNSET)

        bonus = d.pop("bonus", UNSET)

        affiliate = d.pop("affiliate", UNSET)

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
