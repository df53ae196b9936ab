from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connected_account_platform import ConnectedAccountPlatform
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connected_account_health_type_0 import ConnectedAccountHealthType0


T = TypeVar("T", bound="ConnectedAccount")


@_attrs_define
class ConnectedAccount:
    """
    Attributes:
        account_id (str): Use as `accountId` in `post.content.platform`
        platform (ConnectedAccountPlatform):
        display_name (None | str):
        status (str): `connected`, or `needs_reconnect` when the platform token must be renewed
        connected_at (None | str | Unset):
        account_type (None | str | Unset): Instagram: `facebook_login` (linked to a Facebook Page) or `instagram_login`
            (without one); LinkedIn: `member` or `organization`. Absent where the platform has one kind of account
        status_reason (None | str | Unset): With `include=health`: why it needs reconnecting
        health (ConnectedAccountHealthType0 | None | Unset): With `include=health`: token expiry and last publish, the
            `health` of GET /v1/accounts/{id}
    """

    account_id: str
    platform: ConnectedAccountPlatform
    display_name: None | str
    status: str
    connected_at: None | str | Unset = UNSET
    account_type: None | str | Unset = UNSET
    status_reason: None | str | Unset = UNSET
    health: ConnectedAccountHealthType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.connected_account_health_type_0 import ConnectedAccountHealthType0

        account_id = self.account_id

        platform = self.platform.value

        display_name: None | str
        display_name = self.display_name

        status = self.status

        connected_at: None | str | Unset
        if isinstance(self.connected_at, Unset):
            connected_at = UNSET
        else:
            connected_at = self.connected_at

        account_type: None | str | Unset
        if isinstance(self.account_type, Unset):
            account_type = UNSET
        else:
            account_type = self.account_type

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        health: dict[str, Any] | None | Unset
        if isinstance(self.health, Unset):
            health = UNSET
        elif isinstance(self.health, ConnectedAccountHealthType0):
            health = self.health.to_dict()
        else:
            health = self.health

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "displayName": display_name,
                "status": status,
            }
        )
        if connected_at is not UNSET:
            field_dict["connectedAt"] = connected_at
        if account_type is not UNSET:
            field_dict["accountType"] = account_type
        if status_reason is not UNSET:
            field_dict["statusReason"] = status_reason
        if health is not UNSET:
            field_dict["health"] = health

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.connected_account_health_type_0 import ConnectedAccountHealthType0

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = ConnectedAccountPlatform(d.pop("platform"))

        def _parse_display_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        display_name = _parse_display_name(d.pop("displayName"))

        status = d.pop("status")

        def _parse_connected_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connected_at = _parse_connected_at(d.pop("connectedAt", UNSET))

        def _parse_account_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_type = _parse_account_type(d.pop("accountType", UNSET))

        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("statusReason", UNSET))

        def _parse_health(data: object) -> ConnectedAccountHealthType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                health_type_0 = ConnectedAccountHealthType0.from_dict(data)

                return health_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectedAccountHealthType0 | None | Unset, data)

        health = _parse_health(d.pop("health", UNSET))

        connected_account = cls(
            account_id=account_id,
            platform=platform,
            display_name=display_name,
            status=status,
            connected_at=connected_at,
            account_type=account_type,
            status_reason=status_reason,
            health=health,
        )

        connected_account.additional_properties = d
        return connected_account

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
