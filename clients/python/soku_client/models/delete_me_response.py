from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeleteMeResponse")


@_attrs_define
class DeleteMeResponse:
    """
    Attributes:
        deleted (bool):
        user_id (str):
        accounts_disconnected (int): Connected accounts disconnected (revoked at the platform where it offers that)
        documents_deleted (int):
        objects_deleted (int): Stored media files deleted
        auth_user_deleted (bool): Whether the Firebase Auth user was deleted too
    """

    deleted: bool
    user_id: str
    accounts_disconnected: int
    documents_deleted: int
    objects_deleted: int
    auth_user_deleted: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted = self.deleted

        user_id = self.user_id

        accounts_disconnected = self.accounts_disconnected

        documents_deleted = self.documents_deleted

        objects_deleted = self.objects_deleted

        auth_user_deleted = self.auth_user_deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deleted": deleted,
                "userId": user_id,
                "accountsDisconnected": accounts_disconnected,
                "documentsDeleted": documents_deleted,
                "objectsDeleted": objects_deleted,
                "authUserDeleted": auth_user_deleted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        deleted = d.pop("deleted")

        user_id = d.pop("userId")

        accounts_disconnected = d.pop("accountsDisconnected")

        documents_deleted = d.pop("documentsDeleted")

        objects_deleted = d.pop("objectsDeleted")

        auth_user_deleted = d.pop("authUserDeleted")

        delete_me_response = cls(
            deleted=deleted,
            user_id=user_id,
            accounts_disconnected=accounts_disconnected,
            documents_deleted=documents_deleted,
            objects_deleted=objects_deleted,
            auth_user_deleted=auth_user_deleted,
        )

        delete_me_response.additional_properties = d
        return delete_me_response

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
