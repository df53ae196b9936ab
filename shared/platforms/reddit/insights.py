"""Reddit: a post's figures, an account's.

- `GET /api/info?id=t3_…` (scope `read`; www.reddit.com/dev/api#GET_api_info): a Listing whose
  one child is the post: `score` (upvotes minus downvotes, fuzzed), `ups`, `upvote_ratio`,
  `num_comments`, `num_crossposts`. Reddit offers no view count to API clients. The core:
  likes = score, comments = num_comments, shares = num_crossposts; all in `platformMetrics`.
  A post gone (no child, or `removed_by_category`) is `post_not_found`.
- `GET /api/v1/me` (scope `identity`): `link_karma`, `comment_karma`, `total_karma`, and the
  profile subreddit's `subscribers` (the account's followers).
A 403 is `missing_scope`.
"""

from __future__ import annotations

import httpx

from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True
FIGURES = ("score", "ups", "upvote_ratio", "num_comments", "num_crossposts")


def _api(path: str) -> str:
    return f"{get_settings().platform_hosts['reddit_api']}/{path}"


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code == 403:
        return MetricsRefused(f"Reddit refused for lack of permission: {response.text[:200]}", code="missing_scope")
    return None


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    post_id = str(result["postId"]).removeprefix("t3_")
    body = http.request("GET", _api("api/info"), params={"id": f"t3_{post_id}", "raw_json": 1}).json()
    children = [c.get("data") or {} for c in (body.get("data") or {}).get("children") or []]
    found = next((c for c in children if str(c.get("id")) == post_id), None)
    if found is None or found.get("removed_by_category"):
        raise MetricsRefused("Reddit has no such post any more", code="post_not_found")
    figures = {k: (found.get(k) if k == "upvote_ratio" else count(found.get(k))) for k in FIGURES}
    return PostMetrics(views=None, likes=figures["score"], comments=figures["num_comments"],
                       shares=figures["num_crossposts"], platform=figures)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    me = http.request("GET", _api("api/v1/me"), params={"raw_json": 1}).json()
    figures = {k: count(me.get(k)) for k in ("link_karma", "comment_karma", "total_karma")}
    followers = count((me.get("subreddit") or {}).get("subscribers"))
    return AccountMetrics(followers=followers, following=None, posts=None,
                          platform=figures | {"subscribers": followers})
