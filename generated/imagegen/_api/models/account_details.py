from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccountDetails")


@_attrs_define
class AccountDetails:
    """Every field is required, as the docs' one answer of getAccount shows them."""

    id: UUID
    name: str
    email: str
    is_personal_account: bool
    picture_url: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        email = self.email

        is_personal_account = self.is_personal_account

        picture_url = self.picture_url

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "email": email,
                "isPersonalAccount": is_personal_account,
                "pictureUrl": picture_url,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        email = d.pop("email")

        is_personal_account = d.pop("isPersonalAccount")

        picture_url = d.pop("pictureUrl")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        account_details = cls(
            id=id,
            name=name,
            email=email,
            is_personal_account=is_personal_account,
            picture_url=picture_url,
            created_at=created_at,
        )

        account_details.additional_properties = d
        return account_details

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
