from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.me_response_tier import MeResponseTier
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_info import CreditsInfo
    from ..models.daily_usage import DailyUsage
    from ..models.key_info import KeyInfo
    from ..models.rate_limit_info import RateLimitInfo
    from ..models.subscription_info import SubscriptionInfo


T = TypeVar("T", bound="MeResponse")


@_attrs_define
class MeResponse:
    """Who the API key belongs to: Zapier's connection test.

    Attributes:
        user_id (str):
        key_id (str): Same as `key.id`
        key (KeyInfo):
        tier (MeResponseTier):
        rate_limit (RateLimitInfo):
        subscription (SubscriptionInfo):
        credits_ (CreditsInfo):
        usage (DailyUsage): Today's use of each daily ceiling (docs/limits-and-errors.md, "Daily ceilings").
        email (None | str | Unset):
        display_name (None | str | Unset):
    """

    user_id: str
    key_id: str
    key: KeyInfo
    tier: MeResponseTier
    rate_limit: RateLimitInfo
    subscription: SubscriptionInfo
    credits_: CreditsInfo
    usage: DailyUsage
    email: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        key_id = self.key_id

        key = self.key.to_dict()

        tier = self.tier.value

        rate_limit = self.rate_limit.to_dict()

        subscription = self.subscription.to_dict()

        credits_ = self.credits_.to_dict()

        usage = self.usage.to_dict()

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "keyId": key_id,
                "key": key,
                "tier": tier,
                "rateLimit": rate_limit,
                "subscription": subscription,
                "credits": credits_,
                "usage": usage,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if display_name is not UNSET:
            field_dict["displayName"] = display_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.credits_info import CreditsInfo
        from ..models.daily_usage import DailyUsage
        from ..models.key_info import KeyInfo
        from ..models.rate_limit_info import RateLimitInfo
        from ..models.subscription_info import SubscriptionInfo

        d = dict(src_dict)
        user_id = d.pop("userId")

        key_id = d.pop("keyId")

        key = KeyInfo.from_dict(d.pop("key"))

        tier = MeResponseTier(d.pop("tier"))

        rate_limit = RateLimitInfo.from_dict(d.pop("rateLimit"))

        subscription = SubscriptionInfo.from_dict(d.pop("subscription"))

        credits_ = CreditsInfo.from_dict(d.pop("credits"))

        usage = DailyUsage.from_dict(d.pop("usage"))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("displayName", UNSET))

        me_response = cls(
            user_id=user_id,
            key_id=key_id,
            key=key,
            tier=tier,
            rate_limit=rate_limit,
            subscription=subscription,
            credits_=credits_,
            usage=usage,
            email=email,
            display_name=display_name,
        )

        me_response.additional_properties = d
        return me_response

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
