from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_metrics_status import RunMetricsStatus

if TYPE_CHECKING:
    from ..models.metrics_error import MetricsError
    from ..models.post_core_metrics import PostCoreMetrics
    from ..models.run_metrics_platform_metrics_type_0 import (
        RunMetricsPlatformMetricsType0,
    )


T = TypeVar("T", bound="RunMetrics")


@_attrs_define
class RunMetrics:
    """
    Attributes:
        target_id (None | str):
        platform (None | str):
        account_id (None | str):
        run_status (None | str): The run's own status (`succeeded`, `failed`, `queued`, …)
        post_id (None | str):
        url (None | str):
        status (RunMetricsStatus): `ok` (metrics), `error` (see `error`), `not_published` or `deleted` (taken down
            through Soku); no platform call for the last two
        metrics (None | PostCoreMetrics):
        platform_metrics (None | RunMetricsPlatformMetricsType0): What this platform adds, in its own names
        fetched_at (None | str): When the platform was asked
        cached (bool): True when this answer was kept from an earlier read (see fetchedAt)
        error (MetricsError | None):
    """

    target_id: None | str
    platform: None | str
    account_id: None | str
    run_status: None | str
    post_id: None | str
    url: None | str
    status: RunMetricsStatus
    metrics: None | PostCoreMetrics
    platform_metrics: None | RunMetricsPlatformMetricsType0
    fetched_at: None | str
    cached: bool
    error: MetricsError | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metrics_error import MetricsError
        from ..models.post_core_metrics import PostCoreMetrics
        from ..models.run_metrics_platform_metrics_type_0 import (
            RunMetricsPlatformMetricsType0,
        )

        target_id: None | str
        target_id = self.target_id

        platform: None | str
        platform = self.platform

        account_id: None | str
        account_id = self.account_id

        run_status: None | str
        run_status = self.run_status

        post_id: None | str
        post_id = self.post_id

        url: None | str
        url = self.url

        status = self.status.value

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, PostCoreMetrics):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        platform_metrics: dict[str, Any] | None
        if isinstance(self.platform_metrics, RunMetricsPlatformMetricsType0):
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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "targetId": target_id,
                "platform": platform,
                "accountId": account_id,
                "runStatus": run_status,
                "postId": post_id,
                "url": url,
                "status": status,
                "metrics": metrics,
                "platformMetrics": platform_metrics,
                "fetchedAt": fetched_at,
                "cached": cached,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_error import MetricsError
        from ..models.post_core_metrics import PostCoreMetrics
        from ..models.run_metrics_platform_metrics_type_0 import (
            RunMetricsPlatformMetricsType0,
        )

        d = dict(src_dict)

        def _parse_target_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_id = _parse_target_id(d.pop("targetId"))

        def _parse_platform(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        platform = _parse_platform(d.pop("platform"))

        def _parse_account_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_id = _parse_account_id(d.pop("accountId"))

        def _parse_run_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_status = _parse_run_status(d.pop("runStatus"))

        def _parse_post_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        post_id = _parse_post_id(d.pop("postId"))

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        status = RunMetricsStatus(d.pop("status"))

        def _parse_metrics(data: object) -> None | PostCoreMetrics:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = PostCoreMetrics.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostCoreMetrics, data)

        metrics = _parse_metrics(d.pop("metrics"))

        def _parse_platform_metrics(
            data: object,
        ) -> None | RunMetricsPlatformMetricsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                platform_metrics_type_0 = RunMetricsPlatformMetricsType0.from_dict(data)

                return platform_metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunMetricsPlatformMetricsType0, data)

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

        run_metrics = cls(
            target_id=target_id,
            platform=platform,
            account_id=account_id,
            run_status=run_status,
            post_id=post_id,
            url=url,
            status=status,
            metrics=metrics,
            platform_metrics=platform_metrics,
            fetched_at=fetched_at,
            cached=cached,
            error=error,
        )

        run_metrics.additional_properties = d
        return run_metrics

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
