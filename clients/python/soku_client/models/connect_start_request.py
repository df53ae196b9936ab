from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConnectStartRequest")


@_attrs_define
class ConnectStartRequest:
    """The start's optional body: Mastodon reads `instanceUrl` (each user's server is another host),
    Instagram `accountType` (which login); the other platforms' starts take none and ignore one.

        Attributes:
            account_type (None | str | Unset): Instagram only: which kind of account to connect, one of the platform's
                `accountTypes` (`GET /v1/platforms/instagram`). `facebook_login` (the default; also what
                `/v1/connections/instagram_business/start` means): an Instagram professional account linked to a Facebook Page,
                through Facebook Login. `instagram_login`: an Instagram professional account without a Facebook Page, through
                Instagram Login. Another value is refused (400 naming `body.accountType`)
            instance_url (None | str | Unset): Mastodon only, and required there: the address of the user's server
                (`mastodon.social` alone means `https://mastodon.social`; https only, no query or fragment; a path prefix is
                kept). Soku registers its app on that server the first time (`POST /api/v1/apps`) and sends the browser to the
                server's own consent page
    """

    account_type: None | str | Unset = UNSET
    instance_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_type: None | str | Unset
        if isinstance(self.account_type, Unset):
            account_type = UNSET
        else:
            account_type = self.account_type

        instance_url: None | str | Unset
        if isinstance(self.instance_url, Unset):
            instance_url = UNSET
        else:
            instance_url = self.instance_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if account_type is not UNSET:
            field_dict["accountType"] = account_type
        if instance_url is not UNSET:
            field_dict["instanceUrl"] = instance_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_account_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_type = _parse_account_type(d.pop("accountType", UNSET))

        def _parse_instance_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        instance_url = _parse_instance_url(d.pop("instanceUrl", UNSET))

        connect_start_request = cls(
            account_type=account_type,
            instance_url=instance_url,
        )

        connect_start_request.additional_properties = d
        return connect_start_request

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
