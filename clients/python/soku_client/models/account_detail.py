from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_detail_platform import AccountDetailPlatform
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_health import AccountHealth


T = TypeVar("T", bound="AccountDetail")


@_attrs_define
class AccountDetail:
    """
    Attributes:
        account_id (str):
        platform (AccountDetailPlatform):
        display_name (None | str):
        status (str): `connected`, or `needs_reconnect`: posts to it are refused until the user connects it again
        repost_enabled (bool):
        repurpose_enabled (bool):
        health (AccountHealth):
        status_reason (None | str | Unset):
        status_changed_at (None | str | Unset):
        connected_at (None | str | Unset):
        platform_user_id (None | str | Unset):
        username (None | str | Unset):
        author_type (None | str | Unset): LinkedIn: `person` or `organization`
        account_type (None | str | Unset): Where the platform has several kinds of account (`accountTypes` of `GET
            /v1/platforms/{platform}`): Instagram `facebook_login` or `instagram_login`, LinkedIn `member` or
            `organization`; null elsewhere
    """

    account_id: str
    platform: AccountDetailPlatform
    display_name: None | str
    status: str
    repost_enabled: bool
    repurpose_enabled: bool
    health: AccountHealth
    status_reason: None | str | Unset = UNSET
    status_changed_at: None | str | Unset = UNSET
    connected_at: None | str | Unset = UNSET
    platform_user_id: None | str | Unset = UNSET
    username: None | str | Unset = UNSET
    author_type: None | str | Unset = UNSET
    account_type: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        platform = self.platform.value

        display_name: None | str
        display_name = self.display_name

        status = self.status

        repost_enabled = self.repost_enabled

        repurpose_enabled = self.repurpose_enabled

        health = self.health.to_dict()

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        status_changed_at: None | str | Unset
        if isinstance(self.status_changed_at, Unset):
            status_changed_at = UNSET
        else:
            status_changed_at = self.status_changed_at

        connected_at: None | str | Unset
        if isinstance(self.connected_at, Unset):
            connected_at = UNSET
        else:
            connected_at = self.connected_at

        platform_user_id: None | str | Unset
        if isinstance(self.platform_user_id, Unset):
            platform_user_id = UNSET
        else:
            platform_user_id = self.platform_user_id

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        author_type: None | str | Unset
        if isinstance(self.author_type, Unset):
            author_type = UNSET
        else:
            author_type = self.author_type

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
                "displayName": display_name,
                "status": status,
                "repostEnabled": repost_enabled,
                "repurposeEnabled": repurpose_enabled,
                "health": health,
            }
        )
        if status_reason is not UNSET:
            field_dict["statusReason"] = status_reason
        if status_changed_at is not UNSET:
            field_dict["statusChangedAt"] = status_changed_at
        if connected_at is not UNSET:
            field_dict["connectedAt"] = connected_at
        if platform_user_id is not UNSET:
            field_dict["platformUserId"] = platform_user_id
        if username is not UNSET:
            field_dict["username"] = username
        if author_type is not UNSET:
            field_dict["authorType"] = author_type
        if account_type is not UNSET:
            field_dict["accountType"] = account_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_health import AccountHealth

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = AccountDetailPlatform(d.pop("platform"))

        def _parse_display_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        display_name = _parse_display_name(d.pop("displayName"))

        status = d.pop("status")

        repost_enabled = d.pop("repostEnabled")

        repurpose_enabled = d.pop("repurposeEnabled")

        health = AccountHealth.from_dict(d.pop("health"))

        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("statusReason", UNSET))

        def _parse_status_changed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_changed_at = _parse_status_changed_at(d.pop("statusChangedAt", UNSET))

        def _parse_connected_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        connected_at = _parse_connected_at(d.pop("connectedAt", UNSET))

        def _parse_platform_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        platform_user_id = _parse_platform_user_id(d.pop("platformUserId", UNSET))

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        def _parse_author_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        author_type = _parse_author_type(d.pop("authorType", UNSET))

        def _parse_account_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_type = _parse_account_type(d.pop("accountType", UNSET))

        account_detail = cls(
            account_id=account_id,
            platform=platform,
            display_name=display_name,
            status=status,
            repost_enabled=repost_enabled,
            repurpose_enabled=repurpose_enabled,
            health=health,
            status_reason=status_reason,
            status_changed_at=status_changed_at,
            connected_at=connected_at,
            platform_user_id=platform_user_id,
            username=username,
            author_type=author_type,
            account_type=account_type,
        )

        account_detail.additional_properties = d
        return account_detail

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
