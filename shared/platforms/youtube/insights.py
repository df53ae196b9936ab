"""YouTube (Data API v3): a video's statistics, the channel's statistics.

- `GET /youtube/v3/videos?part=statistics&id=` → `items[0].statistics.{viewCount, likeCount,
  favoriteCount, commentCount}` as strings (developers.google.com/youtube/v3/docs/videos,
  "statistics"; `youtube.readonly`, which Soku requests; 1 quota unit). `likeCount` is absent
  when the owner hid it; a deleted video is simply not among `items`. YouTube has no share count.
- `GET /youtube/v3/channels?part=statistics&mine=true` → `statistics.{subscriberCount,
  hiddenSubscriberCount, videoCount, viewCount}` (…/docs/channels): a hidden subscriber count
  is reported as null with `hiddenSubscriberCount: true`.
- A 403 `insufficientPermissions` / `forbidden` is a scope the token lacks (Google's error format).
"""

from __future__ import annotations

import httpx

from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True
_PERMISSION_REASONS = {"insufficientPermissions", "forbidden", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['youtube_upload']}/youtube/v3/{path}"


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code != 403:
        return None
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return None
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    if reasons & _PERMISSION_REASONS:
        return MetricsRefused(f"YouTube refused the statistics: {error.get('message')}", code="missing_scope")
    return None


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    items = http.request("GET", _api("videos"), params={"part": "statistics", "id": result["postId"]}).json().get(
        "items") or []
    if not items:
        raise MetricsRefused(f"YouTube has no video {result['postId']} any more (deleted, or not this channel's)",
                             code="post_not_found")
    stats = items[0].get("statistics") or {}
    return PostMetrics(views=count(stats.get("viewCount")), likes=count(stats.get("likeCount")),
                       comments=count(stats.get("commentCount")), shares=None,
                       platform={k: count(v) for k, v in stats.items()})


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    return channel_metrics(http.request("GET", _api("channels"), params={"part": "statistics", "mine": "true"}).json())


def channel_metrics(body: dict) -> AccountMetrics:
    """channels.list(part=statistics, mine=true)'s answer as the account's metrics."""
    items = body.get("items") or []
    if not items:
        raise MetricsRefused("YouTube answered without the channel", code="post_not_found")
    stats = items[0].get("statistics") or {}
    hidden = bool(stats.get("hiddenSubscriberCount"))
    return AccountMetrics(followers=None if hidden else count(stats.get("subscriberCount")),
                          posts=count(stats.get("videoCount")),
                          platform={"subscriberCount": None if hidden else count(stats.get("subscriberCount")),
                                    "hiddenSubscriberCount": hidden, "videoCount": count(stats.get("videoCount")),
                                    "viewCount": count(stats.get("viewCount"))})
