from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.location_metrics_impressionsbysurface import (
        LocationMetricsImpressionsbysurface,
    )
    from ..models.metrics_period import MetricsPeriod


T = TypeVar("T", bound="LocationMetrics")


@_attrs_define
class LocationMetrics:
    """A Google Business Profile location's figures over `period`, summed from the Business Profile
    Performance API's daily series (fetchMultiDailyMetricsTimeSeries).

        Attributes:
            period (MetricsPeriod):
            impressions (int): Times the profile was shown on Google Search and Maps, desktop and mobile (the four
                BUSINESS_IMPRESSIONS_* summed; a user counts once a day per surface)
            impressions_by_surface (LocationMetricsImpressionsbysurface): The impressions per surface: `desktopMaps`,
                `desktopSearch`, `mobileMaps`, `mobileSearch` (BUSINESS_IMPRESSIONS_DESKTOP_MAPS, …)
            call_clicks (int): Clicks on the profile's call button (CALL_CLICKS)
            website_clicks (int): Clicks on the profile's website link (WEBSITE_CLICKS)
            direction_requests (int): Direction requests to the location (BUSINESS_DIRECTION_REQUESTS)
    """

    period: MetricsPeriod
    impressions: int
    impressions_by_surface: LocationMetricsImpressionsbysurface
    call_clicks: int
    website_clicks: int
    direction_requests: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period.to_dict()

        impressions = self.impressions

        impressions_by_surface = self.impressions_by_surface.to_dict()

        call_clicks = self.call_clicks

        website_clicks = self.website_clicks

        direction_requests = self.direction_requests

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "impressions": impressions,
                "impressionsBySurface": impressions_by_surface,
                "callClicks": call_clicks,
                "websiteClicks": website_clicks,
                "directionRequests": direction_requests,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.location_metrics_impressionsbysurface import (
            LocationMetricsImpressionsbysurface,
        )
        from ..models.metrics_period import MetricsPeriod

        d = dict(src_dict)
        period = MetricsPeriod.from_dict(d.pop("period"))

        impressions = d.pop("impressions")

        impressions_by_surface = LocationMetricsImpressionsbysurface.from_dict(
            d.pop("impressionsBySurface")
        )

        call_clicks = d.pop("callClicks")

        website_clicks = d.pop("websiteClicks")

        direction_requests = d.pop("directionRequests")

        location_metrics = cls(
            period=period,
            impressions=impressions,
            impressions_by_surface=impressions_by_surface,
            call_clicks=call_clicks,
            website_clicks=website_clicks,
            direction_requests=direction_requests,
        )

        location_metrics.additional_properties = d
        return location_metrics

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
