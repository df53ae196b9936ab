from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_summary_kind import ApiKeySummaryKind

T = TypeVar("T", bound="ApiKeySummary")


@_attrs_define
class ApiKeySummary:
    """
    Attributes:
        id (str):
        name (None | str):
        kind (ApiKeySummaryKind):
        scopes (list[str]): What the key may do (a key created before scopes holds all)
        created_at (None | str):
        revoked_at (None | str):
        expires_at (None | str): A rotated key: when it stops working (null: never)
        rotated_to (None | str): A rotated key: the id of the key that replaced it
        last_used_at (None | str):
        token_preview (None | str):
    """

    id: str
    name: None | str
    kind: ApiKeySummaryKind
    scopes: list[str]
    created_at: None | str
    revoked_at: None | str
    expires_at: None | str
    rotated_to: None | str
    last_used_at: None | str
    token_preview: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name: None | str
        name = self.name

        kind = self.kind.value

        scopes = self.scopes

        created_at: None | str
        created_at = self.created_at

        revoked_at: None | str
        revoked_at = self.revoked_at

        expires_at: None | str
        expires_at = self.expires_at

        rotated_to: None | str
        rotated_to = self.rotated_to

        last_used_at: None | str
        last_used_at = self.last_used_at

        token_preview: None | str
        token_preview = self.token_preview

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "kind": kind,
                "scopes": scopes,
                "createdAt": created_at,
                "revokedAt": revoked_at,
                "expiresAt": expires_at,
                "rotatedTo": rotated_to,
                "lastUsedAt": last_used_at,
                "tokenPreview": token_preview,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        kind = ApiKeySummaryKind(d.pop("kind"))

        scopes = cast(list[str], d.pop("scopes"))

        def _parse_created_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_at = _parse_created_at(d.pop("createdAt"))

        def _parse_revoked_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt"))

        def _parse_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))

        def _parse_rotated_to(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rotated_to = _parse_rotated_to(d.pop("rotatedTo"))

        def _parse_last_used_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_used_at = _parse_last_used_at(d.pop("lastUsedAt"))

        def _parse_token_preview(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token_preview = _parse_token_preview(d.pop("tokenPreview"))

        api_key_summary = cls(
            id=id,
            name=name,
            kind=kind,
            scopes=scopes,
            created_at=created_at,
            revoked_at=revoked_at,
            expires_at=expires_at,
            rotated_to=rotated_to,
            last_used_at=last_used_at,
            token_preview=token_preview,
        )

        api_key_summary.additional_properties = d
        return api_key_summary

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
