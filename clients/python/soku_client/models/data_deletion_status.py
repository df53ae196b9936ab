from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DataDeletionStatus")


@_attrs_define
class DataDeletionStatus:
    """
    Attributes:
        confirmation_code (str):
        platform (str):
        status (str): `processing`, `completed` or `failed`
        message (str): The status in a sentence, for the person who asked
        accounts_deleted (int):
        requested_at (None | str | Unset):
        completed_at (None | str | Unset):
    """

    confirmation_code: str
    platform: str
    status: str
    message: str
    accounts_deleted: int
    requested_at: None | str | Unset = UNSET
    completed_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confirmation_code = self.confirmation_code

        platform = self.platform

        status = self.status

        message = self.message

        accounts_deleted = self.accounts_deleted

        requested_at: None | str | Unset
        if isinstance(self.requested_at, Unset):
            requested_at = UNSET
        else:
            requested_at = self.requested_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = self.completed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confirmationCode": confirmation_code,
                "platform": platform,
                "status": status,
                "message": message,
                "accountsDeleted": accounts_deleted,
            }
        )
        if requested_at is not UNSET:
            field_dict["requestedAt"] = requested_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        confirmation_code = d.pop("confirmationCode")

        platform = d.pop("platform")

        status = d.pop("status")

        message = d.pop("message")

        accounts_deleted = d.pop("accountsDeleted")

        def _parse_requested_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        requested_at = _parse_requested_at(d.pop("requestedAt", UNSET))

        def _parse_completed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        completed_at = _parse_completed_at(d.pop("completedAt", UNSET))

        data_deletion_status = cls(
            confirmation_code=confirmation_code,
            platform=platform,
            status=status,
            message=message,
            accounts_deleted=accounts_deleted,
            requested_at=requested_at,
            completed_at=completed_at,
        )

        data_deletion_status.additional_properties = d
        return data_deletion_status

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
