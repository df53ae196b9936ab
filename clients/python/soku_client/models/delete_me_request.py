from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeleteMeRequest")


@_attrs_define
class DeleteMeRequest:
    """
    Attributes:
        confirm (str): Your user id (`userId` of `GET /v1/me`): confirms which account is deleted
    """

    confirm: str

    def to_dict(self) -> dict[str, Any]:
        confirm = self.confirm

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "confirm": confirm,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        confirm = d.pop("confirm")

        delete_me_request = cls(
            confirm=confirm,
        )

        return delete_me_request
