from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConnectionStatus")


@_attrs_define
class ConnectionStatus:
    """Every field is required: the docs' one answer of the status endpoint shows all four."""

    account_id: UUID
    api_key_id: UUID
    api_key_name: str
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        api_key_id = str(self.api_key_id)

        api_key_name = self.api_key_name

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "apiKeyId": api_key_id,
                "apiKeyName": api_key_name,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = UUID(d.pop("accountId"))

        api_key_id = UUID(d.pop("apiKeyId"))

        api_key_name = d.pop("apiKeyName")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        connection_status = cls(
            account_id=account_id,
            api_key_id=api_key_id,
            api_key_name=api_key_name,
            timestamp=timestamp,
        )

        connection_status.additional_properties = d
        return connection_status

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
