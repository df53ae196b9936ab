"""Threads: a post's insights, a profile's followers.

- `GET /{threads-media-id}/insights?metric=views,likes,replies,reposts,quotes,shares`
  (developers.facebook.com/docs/threads/insights, "Media Insights"; `threads_manage_insights`,
  in Soku's default Threads scopes; an account connected before lacks it → `missing_scope`
  when the grant is known).
- `GET /{threads-user-id}/threads_insights?metric=followers_count` ("User Insights":
  `followers_count` is a `total_value`). No following or post count is offered.
The core `shares` is Threads' reposts; its own `shares` (sends) stays in `platformMetrics`.
"""

from __future__ import annotations

from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, PostMetrics, metrics_http, require_scope
from shared.platforms.meta_graph.insights import insight_values, refine_for
from shared.services.publishing.base import Account, Publisher
from shared.platforms.threads.publisher import API_VERSION

SUPPORTED = True
METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
_refine = refine_for("Threads")


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['threads_api']}/{API_VERSION}/{path}"


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    require_scope(account, "threads_manage_insights", "Threads post insights")
    http = metrics_http(publisher, account, _refine)
    values = insight_values(http.request("GET", _api(f"{result['postId']}/insights"),
                                         params={"metric": ",".join(METRICS)}).json())
    return PostMetrics(views=values.get("views"), likes=values.get("likes"), comments=values.get("replies"),
                       shares=values.get("reposts"), platform=values)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    require_scope(account, "threads_manage_insights", "Threads follower counts")
    http = metrics_http(publisher, account, _refine)
    values = insight_values(http.request("GET", _api(f"{account.platform_user_id}/threads_insights"),
                                         params={"metric": "followers_count"}).json())
    return AccountMetrics(followers=values.get("followers_count"), platform=values)
