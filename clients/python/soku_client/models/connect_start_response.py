from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connect_start_response_platform import ConnectStartResponsePlatform
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConnectStartResponse")


@_attrs_define
class ConnectStartResponse:
    """
    Attributes:
        platform (ConnectStartResponsePlatform):
        authorize_url (str): Open this in the browser of the person who connects the account (the web app navigates to
            it). Soku's one-time page at `/oauth/{platform}/begin` shows which Soku account the platform account will join;
            *Continue* binds the flow to that browser (an HttpOnly cookie) and sends it to the platform's consent page,
            which sends it back to `redirectUri`. The callback links accounts only in the browser that continued. Works
            once, until `expiresAt`
        redirect_uri (str): The callback registered with the platform
        expires_at (datetime.datetime): The flow must finish before this time
        account_type (None | str | Unset): The kind of account this flow connects, where the platform has several logins
            (Instagram)
    """

    platform: ConnectStartResponsePlatform
    authorize_url: str
    redirect_uri: str
    expires_at: datetime.datetime
    account_type: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        platform = self.platform.value

        authorize_url = self.authorize_url

        redirect_uri = self.redirect_uri

        expires_at = self.expires_at.isoformat()

        account_type: None | str | Unset
        if isinstance(self.account_type, Unset):
            account_type = UNSET
        else:
            account_type = self.account_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "platform": platform,
                "authorizeUrl": authorize_url,
                "redirectUri": redirect_uri,
                "expiresAt": expires_at,
            }
        )
        if account_type is not UNSET:
            field_dict["accountType"] = account_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        platform = ConnectStartResponsePlatform(d.pop("platform"))

        authorize_url = d.pop("authorizeUrl")

        redirect_uri = d.pop("redirectUri")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        def _parse_account_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_type = _parse_account_type(d.pop("accountType", UNSET))

        connect_start_response = cls(
            platform=platform,
            authorize_url=authorize_url,
            redirect_uri=redirect_uri,
            expires_at=expires_at,
            account_type=account_type,
        )

        connect_start_response.additional_properties = d
        return connect_start_response

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
