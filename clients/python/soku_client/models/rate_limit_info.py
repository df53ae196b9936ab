from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rate_limit_info_tier import RateLimitInfoTier

T = TypeVar("T", bound="RateLimitInfo")


@_attrs_define
class RateLimitInfo:
    """
    Attributes:
        tier (RateLimitInfoTier):
        limit (int): Requests per minute
        burst (int): Extra requests allowed beyond the limit, per 10 minutes
    """

    tier: RateLimitInfoTier
    limit: int
    burst: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tier = self.tier.value

        limit = self.limit

        burst = self.burst

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tier": tier,
                "limit": limit,
                "burst": burst,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        tier = RateLimitInfoTier(d.pop("tier"))

        limit = d.pop("limit")

        burst = d.pop("burst")

        rate_limit_info = cls(
            tier=tier,
            limit=limit,
            burst=burst,
        )

        rate_limit_info.additional_properties = d
        return rate_limit_info

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
