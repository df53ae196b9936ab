from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeauthorizeResponse")


@_attrs_define
class DeauthorizeResponse:
    """
    Attributes:
        accounts_deauthorized (int): Accounts of this Facebook login now without tokens, `needs_reconnect`
    """

    accounts_deauthorized: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accounts_deauthorized = self.accounts_deauthorized

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountsDeauthorized": accounts_deauthorized,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        accounts_deauthorized = d.pop("accountsDeauthorized")

        deauthorize_response = cls(
            accounts_deauthorized=accounts_deauthorized,
        )

        deauthorize_response.additional_properties = d
        return deauthorize_response

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
