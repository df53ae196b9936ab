"""Facebook Pages: a Page post's views and engagement, a Page's followers.

- `GET /{post-id}?fields=reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares`
  → `reactions.summary.total_count`, `comments.summary.total_count`, `shares.count` (absent when
  never shared) (Graph API reference, Page Post; `pages_read_engagement`, which Soku requests).
- `GET /{post-id}/insights?metric=post_media_view,post_total_media_view_unique` (Meta's
  "Deprecated Facebook Page Insights Metrics" page names `post_total_media_view_unique` as the
  replacement of `post_impressions_unique`; `post_media_view` for `post_impressions` is what
  third-party implementations use [2nd]). Insights
  need `read_insights` (in Soku's default Facebook scopes since these metrics; an account
  connected before lacks it): with a known grant lacking it the views stay null and `platformMetrics.insights` says why; a Page the platform
  refuses insights for (code 10/200) is treated the same, since the engagement counts still stand.
- Page: `GET /{page-id}?fields=followers_count,fan_count` (Page reference).
"""

from __future__ import annotations

from typing import Any

from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.platforms.meta_graph.insights import insight_values, refine_for
from shared.services.publishing.base import Account, Publisher
from shared.platforms.facebook.publisher import graph_version

SUPPORTED = True
POST_FIELDS = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
INSIGHTS = ("post_media_view", "post_total_media_view_unique")
_refine = refine_for("Facebook")


def _graph(path: str) -> str:
    return f"{get_settings().platform_hosts['facebook_graph']}/{graph_version()}/{path}"


def _total(body: dict[str, Any], edge: str) -> int | None:
    return count(((body.get(edge) or {}).get("summary") or {}).get("total_count"))


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    post_id = result["postId"]
    body = http.request("GET", _graph(post_id), params={"fields": POST_FIELDS}).json()
    shares = count((body.get("shares") or {}).get("count")) or 0
    metrics = PostMetrics(likes=_total(body, "reactions"), comments=_total(body, "comments"), shares=shares,
                          platform={"reactions": _total(body, "reactions")})
    granted = account.data.get("scopes")
    if isinstance(granted, list) and granted and "read_insights" not in granted:
        metrics.platform["insights"] = "unavailable: the account did not grant read_insights"
        return metrics
    try:
        values = insight_values(http.request("GET", _graph(f"{post_id}/insights"),
                                             params={"metric": ",".join(INSIGHTS)}).json())
    except MetricsRefused as refused:
        if refused.code != "missing_scope":
            raise
        metrics.platform["insights"] = f"unavailable: {refused.message}"
        return metrics
    metrics.views = values.get("post_media_view")
    metrics.platform.update(values)
    return metrics


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    body = http.request("GET", _graph(account.platform_user_id),
                        params={"fields": "followers_count,fan_count"}).json()
    return AccountMetrics(followers=count(body.get("followers_count")),
                          platform={"followers_count": count(body.get("followers_count")),
                                    "fan_count": count(body.get("fan_count"))})
