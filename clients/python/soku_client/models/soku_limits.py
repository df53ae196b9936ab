from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.soku_limits_dailyceilings import SokuLimitsDailyceilings
    from ..models.soku_limits_endpointlimits import SokuLimitsEndpointlimits
    from ..models.soku_limits_ratelimits import SokuLimitsRatelimits


T = TypeVar("T", bound="SokuLimits")


@_attrs_define
class SokuLimits:
    """
    Attributes:
        rate_limits (SokuLimitsRatelimits): Requests per minute by tier, every route
        endpoint_limits (SokuLimitsEndpointlimits): Per-endpoint requests per minute, on top, every tier
        daily_ceilings (SokuLimitsDailyceilings): Per-account daily ceilings by tier
    """

    rate_limits: SokuLimitsRatelimits
    endpoint_limits: SokuLimitsEndpointlimits
    daily_ceilings: SokuLimitsDailyceilings
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rate_limits = self.rate_limits.to_dict()

        endpoint_limits = self.endpoint_limits.to_dict()

        daily_ceilings = self.daily_ceilings.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rateLimits": rate_limits,
                "endpointLimits": endpoint_limits,
                "dailyCeilings": daily_ceilings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.soku_limits_dailyceilings import SokuLimitsDailyceilings
        from ..models.soku_limits_endpointlimits import SokuLimitsEndpointlimits
        from ..models.soku_limits_ratelimits import SokuLimitsRatelimits

        d = dict(src_dict)
        rate_limits = SokuLimitsRatelimits.from_dict(d.pop("rateLimits"))

        endpoint_limits = SokuLimitsEndpointlimits.from_dict(d.pop("endpointLimits"))

        daily_ceilings = SokuLimitsDailyceilings.from_dict(d.pop("dailyCeilings"))

        soku_limits = cls(
            rate_limits=rate_limits,
            endpoint_limits=endpoint_limits,
            daily_ceilings=daily_ceilings,
        )

        soku_limits.additional_properties = d
        return soku_limits

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
