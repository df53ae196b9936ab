"""Instagram (Graph API, Facebook Login): a media's insights, an account's counts.

- `GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved,total_interactions`
  (IG Media Insights reference: `impressions`, `plays` and `video_views` were deprecated in 2025
  for `views`; insights need `instagram_manage_insights`, in Soku's default Instagram scopes;
  an account connected before lacks it → `missing_scope` when the grant is known; story insights last 24 hours, media
  from before a business conversion have none → `post_too_old`; few viewers → `not_enough_viewers`).
- `GET /{ig-user-id}?fields=followers_count,follows_count,media_count` (IG User reference;
  `instagram_basic`).
"""

from __future__ import annotations

from shared.config import get_settings
from shared.services.analytics.base import (
    AccountMetrics,
    PostMetrics,
    count,
    metrics_http,
    require_scope,
)
from shared.platforms.meta_graph.insights import insight_values, refine_for
from shared.services.publishing.base import Account, Publisher
from shared.platforms.instagram.publisher import graph_version, is_instagram_login

SUPPORTED = True
METRICS = ("views", "reach", "likes", "comments", "shares", "saved", "total_interactions")
_refine = refine_for("Instagram")


def _graph(account: Account, path: str) -> str:
    """graph.facebook.com for Facebook Login accounts; graph.instagram.com for Instagram Login ones
    (IG Media Insights is on both: "Instagram API with Instagram Login" column of
    developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights)."""
    name = "instagram_login_graph" if is_instagram_login(account) else "instagram_graph"
    return f"{get_settings().platform_hosts[name]}/{graph_version()}/{path}"


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    # The scope has another name under each login (manifest.py's account types).
    scope = "instagram_business_manage_insights" if is_instagram_login(account) else "instagram_manage_insights"
    require_scope(account, scope, "Instagram media insights")
    http = metrics_http(publisher, account, _refine)
    values = insight_values(http.request("GET", _graph(account, f"{result['postId']}/insights"),
                                         params={"metric": ",".join(METRICS)}).json())
    return PostMetrics(views=values.get("views"), likes=values.get("likes"), comments=values.get("comments"),
                       shares=values.get("shares"), platform=values)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    return account_metrics_of(http.request("GET", _graph(account, account.platform_user_id),
                                           params={"fields": "followers_count,follows_count,media_count"}).json())


def account_metrics_of(body: dict) -> AccountMetrics:
    """`GET /{ig-user}?fields=followers_count,follows_count,media_count` as the account's metrics."""
    return AccountMetrics(followers=count(body.get("followers_count")), following=count(body.get("follows_count")),
                          posts=count(body.get("media_count")),
                          platform={k: count(body.get(k)) for k in ("followers_count", "follows_count", "media_count")})
