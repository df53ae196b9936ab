from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_info_kind import KeyInfoKind

T = TypeVar("T", bound="KeyInfo")


@_attrs_define
class KeyInfo:
    """
    Attributes:
        id (str): The key's id (SHA-256 of the key; the key itself is never stored)
        name (str):
        scopes (list[str]): What this key may do (a key created without scopes holds all)
        kind (KeyInfoKind): What the key is for: your own use, or an AI agent's
    """

    id: str
    name: str
    scopes: list[str]
    kind: KeyInfoKind
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        scopes = self.scopes

        kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "scopes": scopes,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        scopes = cast(list[str], d.pop("scopes"))

        kind = KeyInfoKind(d.pop("kind"))

        key_info = cls(
            id=id,
            name=name,
            scopes=scopes,
            kind=kind,
        )

        key_info.additional_properties = d
        return key_info

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
