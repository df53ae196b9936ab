from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_capabilities_platform import AccountCapabilitiesPlatform
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_capabilities_missingscopes import (
        AccountCapabilitiesMissingscopes,
    )
    from ..models.capabilities import Capabilities


T = TypeVar("T", bound="AccountCapabilities")


@_attrs_define
class AccountCapabilities:
    """
    Attributes:
        account_id (str):
        platform (AccountCapabilitiesPlatform):
        granted_scopes (list[str] | None): What the account granted when it connected (null: not recorded; capabilities
            then assume Soku's scopes)
        capabilities (Capabilities):
        missing_scopes (AccountCapabilitiesMissingscopes): For each capability the account lacks for want of scopes, the
            scopes to grant (reconnect to grant them)
        max_text (int): The most text a post to this account may carry, in the platform's unit (`text.unit` of `GET
            /v1/platforms/{platform}`): the platform's limit, or the account's own where that varies by account (a Mastodon
            server's `max_characters`, read when the account was connected)
        post_kinds (list[str]):
        account_type (None | str | Unset): The account's type (`accountTypes` of `GET /v1/platforms/{platform}`); null
            where the platform has one kind
    """

    account_id: str
    platform: AccountCapabilitiesPlatform
    granted_scopes: list[str] | None
    capabilities: Capabilities
    missing_scopes: AccountCapabilitiesMissingscopes
    max_text: int
    post_kinds: list[str]
    account_type: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform.value

        granted_scopes: list[str] | None
        if isinstance(self.granted_scopes, list):
            granted_scopes = self.granted_scopes

        else:
            granted_scopes = self.granted_scopes

        capabilities = self.capabilities.to_dict()

        missing_scopes = self.missing_scopes.to_dict()

        max_text = self.max_text

        post_kinds = self.post_kinds

        account_type: None | str | Unset
        if isinstance(self.account_type, Unset):
            account_type = UNSET
        else:
            account_type = self.account_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "grantedScopes": granted_scopes,
                "capabilities": capabilities,
                "missingScopes": missing_scopes,
                "maxText": max_text,
                "postKinds": post_kinds,
            }
        )
        if account_type is not UNSET:
            field_dict["accountType"] = account_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_capabilities_missingscopes import (
            AccountCapabilitiesMissingscopes,
        )
        from ..models.capabilities import Capabilities

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = AccountCapabilitiesPlatform(d.pop("platform"))

        def _parse_granted_scopes(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                granted_scopes_type_0 = cast(list[str], data)

                return granted_scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        granted_scopes = _parse_granted_scopes(d.pop("grantedScopes"))

        capabilities = Capabilities.from_dict(d.pop("capabilities"))

        missing_scopes = AccountCapabilitiesMissingscopes.from_dict(
            d.pop("missingScopes")
        )

        max_text = d.pop("maxText")

        post_kinds = cast(list[str], d.pop("postKinds"))

        def _parse_account_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_type = _parse_account_type(d.pop("accountType", UNSET))

        account_capabilities = cls(
            account_id=account_id,
            platform=platform,
            granted_scopes=granted_scopes,
            capabilities=capabilities,
            missing_scopes=missing_scopes,
            max_text=max_text,
            post_kinds=post_kinds,
            account_type=account_type,
        )

        account_capabilities.additional_properties = d
        return account_capabilities

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
