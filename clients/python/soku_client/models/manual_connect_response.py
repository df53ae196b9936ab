from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.manual_connect_response_platform import ManualConnectResponsePlatform

if TYPE_CHECKING:
    from ..models.manual_connected_account import ManualConnectedAccount


T = TypeVar("T", bound="ManualConnectResponse")


@_attrs_define
class ManualConnectResponse:
    """
    Attributes:
        platform (ManualConnectResponsePlatform):
        accounts (list[ManualConnectedAccount]):
    """

    platform: ManualConnectResponsePlatform
    accounts: list[ManualConnectedAccount]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        platform = self.platform.value

        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "platform": platform,
                "accounts": accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.manual_connected_account import ManualConnectedAccount

        d = dict(src_dict)
        platform = ManualConnectResponsePlatform(d.pop("platform"))

        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in _accounts:
            accounts_item = ManualConnectedAccount.from_dict(accounts_item_data)

            accounts.append(accounts_item)

        manual_connect_response = cls(
            platform=platform,
            accounts=accounts,
        )

        manual_connect_response.additional_properties = d
        return manual_connect_response

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
