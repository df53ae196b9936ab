from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.create_api_key_request_kind import CreateApiKeyRequestKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateApiKeyRequest")


@_attrs_define
class CreateApiKeyRequest:
    """
    Attributes:
        name (str | Unset):  Default: 'Default key'.
        scopes (list[str] | None | Unset): What the key may do (the scopes: docs/authentication.md, and the ApiKey
            security scheme). Left out: every scope; created with an API key, that key's scopes (a key never grants what it
            does not hold). An unknown scope is a 400 naming it
        kind (CreateApiKeyRequestKind | Unset): What the key is for: `personal` (your scripts and integrations) or
            `agent` (an AI agent acting for you); it grants nothing by itself Default: CreateApiKeyRequestKind.PERSONAL.
    """

    name: str | Unset = "Default key"
    scopes: list[str] | None | Unset = UNSET
    kind: CreateApiKeyRequestKind | Unset = CreateApiKeyRequestKind.PERSONAL

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scopes: list[str] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, list):
            scopes = self.scopes

        else:
            scopes = self.scopes

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        def _parse_scopes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                scopes_type_0 = cast(list[str], data)

                return scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        scopes = _parse_scopes(d.pop("scopes", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: CreateApiKeyRequestKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = CreateApiKeyRequestKind(_kind)

        create_api_key_request = cls(
            name=name,
            scopes=scopes,
            kind=kind,
        )

        return create_api_key_request
