from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_type_view_capabilityscopes import (
        AccountTypeViewCapabilityscopes,
    )


T = TypeVar("T", bound="AccountTypeView")


@_attrs_define
class AccountTypeView:
    """
    Attributes:
        id (str): `accountType` of the start request and of the accounts of this type
        display_name (str):
        description (str):
        login (str): The login that connects it (`facebook_login`, `instagram_login`; `oauth` where every type of the
            platform shares the platform's one login)
        aliases (list[str]): Other names of it, also accepted as a post target's platform
        differences (list[str]): What works differently for accounts of this type
        default (bool): The type a start request without `accountType` connects
        selectable_at_start (bool): Whether `POST /v1/connections/{platform}/start` takes it as `accountType` (a
            LinkedIn Page comes with its member's login)
        capability_scopes (AccountTypeViewCapabilityscopes): Scopes a capability needs for this type
        scopes (list[str] | Unset): What Soku asks for when connecting this type
    """

    id: str
    display_name: str
    description: str
    login: str
    aliases: list[str]
    differences: list[str]
    default: bool
    selectable_at_start: bool
    capability_scopes: AccountTypeViewCapabilityscopes
    scopes: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        description = self.description

        login = self.login

        aliases = self.aliases

        differences = self.differences

        default = self.default

        selectable_at_start = self.selectable_at_start

        capability_scopes = self.capability_scopes.to_dict()

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "displayName": display_name,
                "description": description,
                "login": login,
                "aliases": aliases,
                "differences": differences,
                "default": default,
                "selectableAtStart": selectable_at_start,
                "capabilityScopes": capability_scopes,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_type_view_capabilityscopes import (
            AccountTypeViewCapabilityscopes,
        )

        d = dict(src_dict)
        id = d.pop("id")

        display_name = d.pop("displayName")

        description = d.pop("description")

        login = d.pop("login")

        aliases = cast(list[str], d.pop("aliases"))

        differences = cast(list[str], d.pop("differences"))

        default = d.pop("default")

        selectable_at_start = d.pop("selectableAtStart")

        capability_scopes = AccountTypeViewCapabilityscopes.from_dict(
            d.pop("capabilityScopes")
        )

        scopes = cast(list[str], d.pop("scopes", UNSET))

        account_type_view = cls(
            id=id,
            display_name=display_name,
            description=description,
            login=login,
            aliases=aliases,
            differences=differences,
            default=default,
            selectable_at_start=selectable_at_start,
            capability_scopes=capability_scopes,
            scopes=scopes,
        )

        account_type_view.additional_properties = d
        return account_type_view

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
