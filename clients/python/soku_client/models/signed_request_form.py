from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SignedRequestForm")


@_attrs_define
class SignedRequestForm:
    """What Meta posts (`application/x-www-form-urlencoded`).

    Attributes:
        signed_request (str): `<signature>.<payload>`, base64url: HMAC-SHA256 of the payload with the app secret; the
            payload's `user_id` is the app-scoped user
    """

    signed_request: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signed_request = self.signed_request

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signed_request": signed_request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        signed_request = d.pop("signed_request")

        signed_request_form = cls(
            signed_request=signed_request,
        )

        signed_request_form.additional_properties = d
        return signed_request_form

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
