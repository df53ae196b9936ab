from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_metrics_response_status import AccountMetricsResponseStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account_core_metrics import AccountCoreMetrics
    from ..models.account_metrics_response_platform_metrics_type_0 import (
        AccountMetricsResponsePlatformMetricsType0,
    )
    from ..models.location_metrics import LocationMetrics
    from ..models.metrics_error import MetricsError


T = TypeVar("T", bound="AccountMetricsResponse")


@_attrs_define
class AccountMetricsResponse:
    """
    Attributes:
        account_id (str):
        platform (str):
        status (AccountMetricsResponseStatus):
        metrics (AccountCoreMetrics | None): Followers, following, posts: null where the platform has no such count (a
            Google Business Profile location has none of them: see `locationMetrics`)
        platform_metrics (AccountMetricsResponsePlatformMetricsType0 | None):
        fetched_at (None | str):
        cached (bool):
        error (MetricsError | None):
        location_metrics (LocationMetrics | None | Unset): Google Business Profile only: the location's impressions and
            actions over the last 28 days (absent for other platforms)
    """

    account_id: str
    platform: str
    status: AccountMetricsResponseStatus
    metrics: AccountCoreMetrics | None
    platform_metrics: AccountMetricsResponsePlatformMetricsType0 | None
    fetched_at: None | str
    cached: bool
    error: MetricsError | None
    location_metrics: LocationMetrics | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.account_core_metrics import AccountCoreMetrics
        from ..models.account_metrics_response_platform_metrics_type_0 import (
            AccountMetricsResponsePlatformMetricsType0,
        )
        from ..models.location_metrics import LocationMetrics
        from ..models.metrics_error import MetricsError

        account_id = self.account_id

        platform = self.platform

        status = self.status.value

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, AccountCoreMetrics):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        platform_metrics: dict[str, Any] | None
        if isinstance(
            self.platform_metrics, AccountMetricsResponsePlatformMetricsType0
        ):
            platform_metrics = self.platform_metrics.to_dict()
        else:
            platform_metrics = self.platform_metrics

        fetched_at: None | str
        fetched_at = self.fetched_at

        cached = self.cached

        error: dict[str, Any] | None
        if isinstance(self.error, MetricsError):
            error = self.error.to_dict()
        else:
            error = self.error

        location_metrics: dict[str, Any] | None | Unset
        if isinstance(self.location_metrics, Unset):
            location_metrics = UNSET
        elif isinstance(self.location_metrics, LocationMetrics):
            location_metrics = self.location_metrics.to_dict()
        else:
            location_metrics = self.location_metrics

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "platform": platform,
                "status": status,
                "metrics": metrics,
                "platformMetrics": platform_metrics,
                "fetchedAt": fetched_at,
                "cached": cached,
                "error": error,
            }
        )
        if location_metrics is not UNSET:
            field_dict["locationMetrics"] = location_metrics

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.account_core_metrics import AccountCoreMetrics
        from ..models.account_metrics_response_platform_metrics_type_0 import (
            AccountMetricsResponsePlatformMetricsType0,
        )
        from ..models.location_metrics import LocationMetrics
        from ..models.metrics_error import MetricsError

        d = dict(src_dict)
        account_id = d.pop("accountId")

        platform = d.pop("platform")

        status = AccountMetricsResponseStatus(d.pop("status"))

        def _parse_metrics(data: object) -> AccountCoreMetrics | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = AccountCoreMetrics.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountCoreMetrics | None, data)

        metrics = _parse_metrics(d.pop("metrics"))

        def _parse_platform_metrics(
            data: object,
        ) -> AccountMetricsResponsePlatformMetricsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                platform_metrics_type_0 = (
                    AccountMetricsResponsePlatformMetricsType0.from_dict(data)
                )

                return platform_metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountMetricsResponsePlatformMetricsType0 | None, data)

        platform_metrics = _parse_platform_metrics(d.pop("platformMetrics"))

        def _parse_fetched_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fetched_at = _parse_fetched_at(d.pop("fetchedAt"))

        cached = d.pop("cached")

        def _parse_error(data: object) -> MetricsError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = MetricsError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetricsError | None, data)

        error = _parse_error(d.pop("error"))

        def _parse_location_metrics(data: object) -> LocationMetrics | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_metrics_type_0 = LocationMetrics.from_dict(data)

                return location_metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LocationMetrics | None | Unset, data)

        location_metrics = _parse_location_metrics(d.pop("locationMetrics", UNSET))

        account_metrics_response = cls(
            account_id=account_id,
            platform=platform,
            status=status,
            metrics=metrics,
            platform_metrics=platform_metrics,
            fetched_at=fetched_at,
            cached=cached,
            error=error,
            location_metrics=location_metrics,
        )

        account_metrics_response.additional_properties = d
        return account_metrics_response

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
