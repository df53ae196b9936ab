"""Response bodies and query of the metrics routes (shared/services/analytics builds them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.models.connections import AccountQuery

_DATE = {"format": "date-time"}
MetricsStatus = Literal["ok", "error", "not_published", "deleted"]


class MetricsQuery(BaseModel):
    refresh: bool = Field(default=False, description="Skip cached metrics older than 60 seconds "
                                                     "(younger ones are served: they protect your platform limits)")


class AccountMetricsQuery(AccountQuery, MetricsQuery):
    pass


class MetricsError(BaseModel):
    code: str = Field(description="`missing_scope`, `post_too_old`, `post_not_found`, `not_enough_viewers`, "
                                  "`no_video_id`, `not_supported`, `rate_limited`, `token_expired`, "
                                  "`account_disconnected`, `platform_unavailable`, `metrics_unavailable`, …")
    message: str
    retryable: bool
    retryAfter: int | None = Field(default=None, description="Seconds until the platform takes calls again")


class PostCoreMetrics(BaseModel):
    views: int | None = Field(description="Views or impressions, as the platform counts them")
    likes: int | None = Field(description="Likes or reactions")
    comments: int | None = Field(description="Comments or replies")
    shares: int | None = Field(description="Shares, retweets or reposts")


class RunMetrics(BaseModel):
    targetId: str | None
    platform: str | None
    accountId: str | None
    runStatus: str | None = Field(description="The run's own status (`succeeded`, `failed`, `queued`, …)")
    postId: str | None
    url: str | None
    status: MetricsStatus = Field(description="`ok` (metrics), `error` (see `error`), `not_published` or "
                                              "`deleted` (taken down through Soku); no platform call for the "
                                              "last two")
    metrics: PostCoreMetrics | None
    platformMetrics: dict[str, Any] | None = Field(description="What this platform adds, in its own names")
    fetchedAt: str | None = Field(json_schema_extra=_DATE, description="When the platform was asked")
    cached: bool = Field(description="True when this answer was kept from an earlier read (see fetchedAt)")
    error: MetricsError | None


class PostMetricsResponse(BaseModel):
    postSubmissionId: str
    runs: list[RunMetrics]


class AccountCoreMetrics(BaseModel):
    followers: int | None
    following: int | None
    posts: int | None


class MetricsPeriod(BaseModel):
    startDate: str = Field(description="The first day counted (YYYY-MM-DD, the platform's calendar day)")
    endDate: str = Field(description="The last day counted, inclusive")
    days: int = Field(description="Days in the period")


class LocationMetrics(BaseModel):
    """A Google Business Profile location's figures over `period`, summed from the Business Profile
    Performance API's daily series (fetchMultiDailyMetricsTimeSeries)."""

    period: MetricsPeriod
    impressions: int = Field(description="Times the profile was shown on Google Search and Maps, desktop and mobile "
                                         "(the four BUSINESS_IMPRESSIONS_* summed; a user counts once a day per "
                                         "surface)")
    impressionsBySurface: dict[str, int] = Field(
        description="The impressions per surface: `desktopMaps`, `desktopSearch`, `mobileMaps`, `mobileSearch` "
                    "(BUSINESS_IMPRESSIONS_DESKTOP_MAPS, …)")
    callClicks: int = Field(description="Clicks on the profile's call button (CALL_CLICKS)")
    websiteClicks: int = Field(description="Clicks on the profile's website link (WEBSITE_CLICKS)")
    directionRequests: int = Field(description="Direction requests to the location (BUSINESS_DIRECTION_REQUESTS)")


class AccountMetricsResponse(BaseModel):
    accountId: str
    platform: str
    status: Literal["ok", "error"]
    metrics: AccountCoreMetrics | None = Field(description="Followers, following, posts: null where the platform "
                                                           "has no such count (a Google Business Profile location "
                                                           "has none of them: see `locationMetrics`)")
    platformMetrics: dict[str, Any] | None
    locationMetrics: LocationMetrics | None = Field(
        default=None, description="Google Business Profile only: the location's impressions and actions over the "
                                  "last 28 days (absent for other platforms)")
    fetchedAt: str | None = Field(json_schema_extra=_DATE)
    cached: bool
    error: MetricsError | None
