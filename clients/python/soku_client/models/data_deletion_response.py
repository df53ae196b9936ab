from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DataDeletionResponse")


@_attrs_define
class DataDeletionResponse:
    """The answer Meta's Data Deletion Request Callback requires.

    Attributes:
        url (str): Where the person can follow their request (no authentication)
        confirmation_code (str):
    """

    url: str
    confirmation_code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        confirmation_code = self.confirmation_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "confirmation_code": confirmation_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        confirmation_code = d.pop("confirmation_code")

        data_deletion_response = cls(
            url=url,
            confirmation_code=confirmation_code,
        )

        data_deletion_response.additional_properties = d
        return data_deletion_response

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
