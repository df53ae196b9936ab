"""Pinterest: a Pin's analytics, an account's counts.

- `GET /v5/pins/{pin_id}/analytics?start_date&end_date&metric_types=…` (the OpenAPI's
  pins/analytics; `boards:read` and `pins:read`). The dates are required and may reach at most
  90 days back, so the window is the last 90 days (a Pin's figures before that are not offered).
  The answer is keyed by app type (`all`), each with `summary_metrics` (IMPRESSION, SAVE,
  PIN_CLICK, OUTBOUND_CLICK: sums over the window) and `lifetime_metrics` (TOTAL_COMMENTS,
  TOTAL_REACTIONS). The core: views = IMPRESSION, likes = TOTAL_REACTIONS, comments =
  TOTAL_COMMENTS, shares = SAVE; all of them in `platformMetrics`.
- `GET /v5/user_account` → `follower_count`, `following_count`, `pin_count` (the Account schema;
  `user_accounts:read`).
A 403 is `missing_scope`; a 404 `post_not_found`.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from shared import clock
from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True
METRICS = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "TOTAL_COMMENTS", "TOTAL_REACTIONS")
WINDOW_DAYS = 90  # "Cannot be more than 90 days back from today" (query_start_date)


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['pinterest_api']}/v5/{path}"


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message") or response.text[:200])
    except (ValueError, AttributeError):
        return response.text[:200]


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code == 403:
        return MetricsRefused(f"Pinterest refused for lack of permission: {_message(response)}", code="missing_scope")
    if response.status_code == 404:
        return MetricsRefused(f"Pinterest has no such Pin any more: {_message(response)}", code="post_not_found")
    return None


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    today = clock.now().date()
    body = http.request("GET", _api(f"pins/{result['postId']}/analytics"), params={
        "start_date": (today - timedelta(days=WINDOW_DAYS - 1)).isoformat(), "end_date": today.isoformat(),
        "metric_types": ",".join(METRICS)}).json()
    section = body.get("all") if isinstance(body.get("all"), dict) else next(
        (v for v in body.values() if isinstance(v, dict)), {})
    figures = {k: count(v) for k, v in ((section.get("summary_metrics") or {}) |
                                        (section.get("lifetime_metrics") or {})).items() if k in METRICS}
    return PostMetrics(views=figures.get("IMPRESSION"), likes=figures.get("TOTAL_REACTIONS"),
                       comments=figures.get("TOTAL_COMMENTS"), shares=figures.get("SAVE"), platform=figures)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    me = http.request("GET", _api("user_account")).json()
    figures = {k: count(me.get(k)) for k in ("follower_count", "following_count", "pin_count", "monthly_views")}
    return AccountMetrics(followers=figures["follower_count"], following=figures["following_count"],
                          posts=figures["pin_count"], platform=figures)
