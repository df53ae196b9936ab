from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ManualConnectedAccount")


@_attrs_define
class ManualConnectedAccount:
    """
    Attributes:
        account_id (str): Use as `accountId` in `post.content.platform` to post there
        display_name (None | str):
        reconnected (bool): True when the account was connected already and its credentials were replaced
    """

    account_id: str
    display_name: None | str
    reconnected: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        display_name: None | str
        display_name = self.display_name

        reconnected = self.reconnected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "displayName": display_name,
                "reconnected": reconnected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = d.pop("accountId")

        def _parse_display_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        display_name = _parse_display_name(d.pop("displayName"))

        reconnected = d.pop("reconnected")

        manual_connected_account = cls(
            account_id=account_id,
            display_name=display_name,
            reconnected=reconnected,
        )

        manual_connected_account.additional_properties = d
        return manual_connected_account

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
