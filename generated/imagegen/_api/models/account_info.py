from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.account_details import AccountDetails
    from ..models.api_key_info import ApiKeyInfo
    from ..models.credits_ import Credits


T = TypeVar("T", bound="AccountInfo")


@_attrs_define
class AccountInfo:
    account: AccountDetails
    """ Every field is required, as the docs' one answer of getAccount shows them. """
    credits_: Credits
    """ The balance (`total`) and where it came from; the docs show all seven. """
    api_key: ApiKeyInfo
    """ Every field is required, as the docs' one answer of getAccount shows them. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account.to_dict()

        credits_ = self.credits_.to_dict()

        api_key = self.api_key.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "credits": credits_,
                "apiKey": api_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_details import AccountDetails
        from ..models.api_key_info import ApiKeyInfo
        from ..models.credits_ import Credits

        d = dict(src_dict)
        account = AccountDetails.from_dict(d.pop("account"))

        credits_ = Credits.from_dict(d.pop("credits"))

        api_key = ApiKeyInfo.from_dict(d.pop("apiKey"))

        account_info = cls(
            account=account,
            credits_=credits_,
            api_key=api_key,
        )

        account_info.additional_properties = d
        return account_info

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
