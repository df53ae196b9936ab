"""Google Business Profile: a location's figures; no per-post figures.

Per post: not supported, and no call is made. The v4 `accounts.locations.localPosts.reportInsights`
(views and clicks of a local post) is deprecated and Google names no replacement for posts
(developers.google.com/my-business/content/sunset-dates).

Per location (the Soku account; connector.py): the Business Profile Performance API,
`GET {performance}/v1/locations/{locationId}:fetchMultiDailyMetricsTimeSeries?dailyMetrics=…
&dailyMetrics=…&dailyRange.startDate.year=…&dailyRange.startDate.month=…&dailyRange.startDate.day=…
&dailyRange.endDate.year=…` (the discovery document google-api-python-client 2.202.0 ships,
googleapiclient/discovery_cache/documents/businessprofileperformance.v1.json, revision 20261026:
method `locations.fetchMultiDailyMetricsTimeSeries`, `GET v1/{+location}:fetchMultiDailyMetricsTimeSeries`,
`location` "Format: locations/{location_id}", `dailyMetrics` repeated and required, `dailyRange`
as `google.type.Date` parts; its description's example request spells the range in snake_case,
the parameters are camelCase, both are Google's query syntax; reference:
developers.google.com/my-business/reference/performance/rest/v1/locations/fetchMultiDailyMetricsTimeSeries).
Its answer: `multiDailyMetricTimeSeries[].dailyMetricTimeSeries[].{dailyMetric, timeSeries:
{datedValues[].{date: {year, month, day}, value}}}`, `value` an int64 as a string and "not present
when the value is zero" (schema DatedValue). OAuth scope `business.manage` (the method's reference
page, "Authorization scopes"; the discovery document lists none), the one the connector asks for.

Asked: the four BUSINESS_IMPRESSIONS_* (desktop/mobile × Maps/Search; "Multiple impressions by a
unique user within a single day are counted as a single impression"), CALL_CLICKS, WEBSITE_CLICKS,
BUSINESS_DIRECTION_REQUESTS, over the last 28 days ending yesterday (UTC: today's figures are not
complete). Not asked: BUSINESS_CONVERSATIONS, which the discovery document marks deprecated
(`enumDeprecated`; Google's Business Messages closed in 2024), nor the bookings, food orders and
menu clicks, which only some businesses have.

A location has no followers, following or posts: those stay null, and the figures go in
`locationMetrics` (summed: impressions, their four surfaces, call clicks, website clicks,
direction requests, and the period) with every metric's sum also in `platformMetrics` under
Google's names. Errors: Google's envelope `{"error": {code, message, status}}`; a 403
PERMISSION_DENIED (the user no longer manages the location, or the Performance API is not
enabled for the project) is `missing_scope`; 401, 429 and 5xx as the publisher classifies them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms.google_business.connector import SCOPE
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http, \
    require_scope
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True
# Why a post's metrics are refused (`not_supported`), also shown by GET /v1/platforms.
POSTS_UNSUPPORTED = ("Google Business Profile has no per-post metrics any more: the v4 localPosts.reportInsights is "
                     "deprecated and Google names no replacement. A location's own figures (impressions, calls, "
                     "website clicks, direction requests) are in GET /v1/accounts/{accountId}/metrics")
ACCOUNTS_DESCRIBED = ("A location's impressions on Google Search and Maps, call clicks, website clicks and direction "
                      "requests over the last 28 days (Business Profile Performance API), in `locationMetrics`; no "
                      "followers, following or posts")
DAYS = 28
IMPRESSIONS = {"BUSINESS_IMPRESSIONS_DESKTOP_MAPS": "desktopMaps", "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": "desktopSearch",
               "BUSINESS_IMPRESSIONS_MOBILE_MAPS": "mobileMaps", "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": "mobileSearch"}
ACTIONS = {"CALL_CLICKS": "callClicks", "WEBSITE_CLICKS": "websiteClicks",
           "BUSINESS_DIRECTION_REQUESTS": "directionRequests"}
DAILY_METRICS = (*IMPRESSIONS, *ACTIONS)


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code != 403:
        return None
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    return MetricsRefused(f"Google refused the location's metrics: {error.get('message') or response.text[:200]} "
                          f"({error.get('status') or 403})", code="missing_scope")


def period(today: date | None = None) -> tuple[date, date]:
    """The last DAYS days, ending yesterday (UTC)."""
    end = (today or clock.now().date()) - timedelta(days=1)
    return end - timedelta(days=DAYS - 1), end


def _range(start: date, end: date) -> dict[str, int]:
    return {f"dailyRange.{name}.{part}": getattr(day, part)
            for name, day in (("startDate", start), ("endDate", end)) for part in ("year", "month", "day")}


def totals(body: dict[str, Any]) -> dict[str, int]:
    """Each daily metric's sum over its dated values (an absent value is zero: schema DatedValue)."""
    sums = {metric: 0 for metric in DAILY_METRICS}
    for multi in body.get("multiDailyMetricTimeSeries") or []:
        for series in (multi or {}).get("dailyMetricTimeSeries") or []:
            metric = (series or {}).get("dailyMetric")
            if metric not in sums:
                continue
            for point in ((series.get("timeSeries") or {}).get("datedValues")) or []:
                sums[metric] += count((point or {}).get("value")) or 0
    return sums


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    raise MetricsRefused(POSTS_UNSUPPORTED, code="not_supported")


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    require_scope(account, SCOPE, "A location's metrics")
    http = metrics_http(publisher, account, _refine)
    start, end = period()
    host = get_settings().platform_hosts["google_business_performance_api"]
    params = [("dailyMetrics", metric) for metric in DAILY_METRICS] + list(_range(start, end).items())
    body = http.request("GET", f"{host}/v1/locations/{account.platform_user_id}:fetchMultiDailyMetricsTimeSeries",
                        params=params).json()
    sums = totals(body)
    surfaces = {name: sums[metric] for metric, name in IMPRESSIONS.items()}
    location = {"period": {"startDate": start.isoformat(), "endDate": end.isoformat(), "days": DAYS},
                "impressions": sum(surfaces.values()), "impressionsBySurface": surfaces,
                **{name: sums[metric] for metric, name in ACTIONS.items()}}
    return AccountMetrics(followers=None, following=None, posts=None, platform=sums, location=location)
