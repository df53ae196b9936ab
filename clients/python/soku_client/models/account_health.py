from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.last_publish import LastPublish


T = TypeVar("T", bound="AccountHealth")


@_attrs_define
class AccountHealth:
    """
    Attributes:
        tokens_readable (bool): False when the stored tokens cannot be decrypted: reconnect
        token_expires_at (None | str): When the access token expires (null: it does not)
        token_expired (bool):
        refreshable (bool): Whether Soku can renew the access token without the user
        last_publish (LastPublish | None):
        tokens_refreshed_at (None | str | Unset):
    """

    tokens_readable: bool
    token_expires_at: None | str
    token_expired: bool
    refreshable: bool
    last_publish: LastPublish | None
    tokens_refreshed_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_publish import LastPublish

        tokens_readable = self.tokens_readable

        token_expires_at: None | str
        token_expires_at = self.token_expires_at

        token_expired = self.token_expired

        refreshable = self.refreshable

        last_publish: dict[str, Any] | None
        if isinstance(self.last_publish, LastPublish):
            last_publish = self.last_publish.to_dict()
        else:
            last_publish = self.last_publish

        tokens_refreshed_at: None | str | Unset
        if isinstance(self.tokens_refreshed_at, Unset):
            tokens_refreshed_at = UNSET
        else:
            tokens_refreshed_at = self.tokens_refreshed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tokensReadable": tokens_readable,
                "tokenExpiresAt": token_expires_at,
                "tokenExpired": token_expired,
                "refreshable": refreshable,
                "lastPublish": last_publish,
            }
        )
        if tokens_refreshed_at is not UNSET:
            field_dict["tokensRefreshedAt"] = tokens_refreshed_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.last_publish import LastPublish

        d = dict(src_dict)
        tokens_readable = d.pop("tokensReadable")

        def _parse_token_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token_expires_at = _parse_token_expires_at(d.pop("tokenExpiresAt"))

        token_expired = d.pop("tokenExpired")

        refreshable = d.pop("refreshable")

        def _parse_last_publish(data: object) -> LastPublish | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_publish_type_0 = LastPublish.from_dict(data)

                return last_publish_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastPublish | None, data)

        last_publish = _parse_last_publish(d.pop("lastPublish"))

        def _parse_tokens_refreshed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tokens_refreshed_at = _parse_tokens_refreshed_at(
            d.pop("tokensRefreshedAt", UNSET)
        )

        account_health = cls(
            tokens_readable=tokens_readable,
            token_expires_at=token_expires_at,
            token_expired=token_expired,
            refreshable=refreshable,
            last_publish=last_publish,
            tokens_refreshed_at=tokens_refreshed_at,
        )

        account_health.additional_properties = d
        return account_health

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
