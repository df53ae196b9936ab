from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RotateApiKeyResponse")


@_attrs_define
class RotateApiKeyResponse:
    """
    Attributes:
        api_key (str): The new key: shown this once, never stored
        id (str): The new key's id
        rotated_from (str): The old key's id
        old_key_expires_at (datetime.datetime): When the old key stops working
    """

    api_key: str
    id: str
    rotated_from: str
    old_key_expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        id = self.id

        rotated_from = self.rotated_from

        old_key_expires_at = self.old_key_expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "apiKey": api_key,
                "id": id,
                "rotatedFrom": rotated_from,
                "oldKeyExpiresAt": old_key_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_key = d.pop("apiKey")

        id = d.pop("id")

        rotated_from = d.pop("rotatedFrom")

        old_key_expires_at = datetime.datetime.fromisoformat(d.pop("oldKeyExpiresAt"))

        rotate_api_key_response = cls(
            api_key=api_key,
            id=id,
            rotated_from=rotated_from,
            old_key_expires_at=old_key_expires_at,
        )

        rotate_api_key_response.additional_properties = d
        return rotate_api_key_response

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
