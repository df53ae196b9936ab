"""X (API v2): a post's `public_metrics`, a user's `public_metrics`.

- `GET /2/tweets/:id?tweet.fields=public_metrics` → `data.public_metrics.{retweet_count,
  reply_count, like_count, quote_count, bookmark_count, impression_count}` (docs.x.com,
  "Post lookup by ID" and the data dictionary's Tweet object; scope `tweet.read users.read`).
  A deleted post answers 200 with `errors[].type` ending in `resource-not-found`, no `data`.
- `GET /2/users/:id?user.fields=public_metrics` → `data.public_metrics.{followers_count,
  following_count, tweet_count, listed_count, like_count}` (docs.x.com, "User lookup by ID").
  The user's own id is the account's `platformUserId`.
- A 403 problem on a read is a permission the token lacks (X's "client-forbidden" /
  "You are not permitted" problems); 401 and 429 are the publisher's rules (reconnect, rate limit).

X's OpenAPI document since version 2.167 (xdevplatform/xdk specs/openapi.json;
devstack/contracts/facts/x.json) names these `post.fields` (it lists no `tweet.fields`, and an
unlisted parameter is refused), `repost_count` and `post_count`; the older names are still read
when an answer has them.
"""

from __future__ import annotations

import httpx

from shared.config import get_settings
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True


def _api() -> str:
    return get_settings().platform_hosts["x_api"]


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code == 403 and "Unsupported Authentication" not in response.text:
        try:
            detail = response.json().get("detail") or response.text[:200]
        except ValueError:
            detail = response.text[:200]
        return MetricsRefused(f"X refused the metrics: {detail}", code="missing_scope")
    if response.status_code == 404:
        return MetricsRefused("X has no such post any more", code="post_not_found")
    return None


def _data(response: httpx.Response, what: str) -> dict:
    body = response.json()
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict):
        return data
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    if str(first.get("type", "")).endswith("resource-not-found") or first.get("title") == "Not Found Error":
        raise MetricsRefused(f"X has no such {what} any more: {first.get('detail') or ''}".strip(),
                             code="post_not_found")
    raise MetricsRefused(f"X answered without the {what}: {first.get('detail') or body}")


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    response = http.request("GET", f"{_api()}/2/tweets/{result['postId']}",
                            params={"post.fields": "public_metrics"})
    return tweet_metrics(response)


def tweet_metrics(response: httpx.Response) -> PostMetrics:
    """`GET /2/tweets/:id` with `public_metrics` asked for: the answer as metrics (raises MetricsRefused
    for X's partial-error answer about a post it no longer has)."""
    public = _data(response, "post").get("public_metrics") or {}
    return PostMetrics(views=count(public.get("impression_count")), likes=count(public.get("like_count")),
                       comments=count(public.get("reply_count")),
                       shares=count(public.get("repost_count", public.get("retweet_count"))),
                       platform={k: count(v) for k, v in public.items()})


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    response = http.request("GET", f"{_api()}/2/users/{account.platform_user_id}",
                            params={"user.fields": "public_metrics"})
    public = _data(response, "user").get("public_metrics") or {}
    return AccountMetrics(followers=count(public.get("followers_count")),
                          following=count(public.get("following_count")),
                          posts=count(public.get("post_count", public.get("tweet_count"))),
                          platform={k: count(v) for k, v in public.items()})
