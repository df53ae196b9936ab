"""Mastodon: a status's counts, an account's counts, read from the account's own server.

- `GET /api/v1/statuses/:id` → `replies_count`, `reblogs_count`, `favourites_count` (and
  `quotes_count` on servers with quotes) (docs.joinmastodon.org/entities/Status/;
  `read:statuses`). Mastodon counts no views. A status the server no longer has answers 404
  "Record not found".
- `GET /api/v1/accounts/verify_credentials` → `followers_count`, `following_count`,
  `statuses_count` (docs.joinmastodon.org/entities/Account/; `read:accounts`).
Both scopes are in Soku's default Mastodon scopes (connector.py). The core `likes` is
Mastodon's favourites, `comments` its replies, `shares` its boosts (reblogs).

The counts are what the account's server knows: replies, boosts and favourites made on other
servers reach it only as those servers federate them, so they can trail what the author sees
elsewhere.
"""

from __future__ import annotations

import httpx

from shared.platforms.mastodon.publisher import MastodonPublisher
from shared.services.analytics.base import AccountMetrics, MetricsRefused, PostMetrics, count, metrics_http
from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PublishError

SUPPORTED = True
POST_COUNTS = ("replies_count", "reblogs_count", "favourites_count", "quotes_count")
ACCOUNT_COUNTS = ("followers_count", "following_count", "statuses_count")


def _refine(response: httpx.Response) -> PublishError | None:
    if response.status_code == 404:
        return MetricsRefused("The Mastodon server has no such status any more", code="post_not_found")
    if response.status_code == 403 and "scope" in response.text:
        return MetricsRefused("The Mastodon account did not grant reading statuses or the account "
                              "(read:statuses, read:accounts): reconnect it", code="missing_scope")
    return None


def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
    http = metrics_http(publisher, account, _refine)
    status = http.request("GET", f"{MastodonPublisher.root(account)}/api/v1/statuses/{result['postId']}").json()
    counts = {name: count(status.get(name)) for name in POST_COUNTS if name in status}
    return PostMetrics(likes=counts.get("favourites_count"), comments=counts.get("replies_count"),
                       shares=counts.get("reblogs_count"), platform=counts)


def account(publisher: Publisher, account: Account) -> AccountMetrics:
    http = metrics_http(publisher, account, _refine)
    me = http.request("GET", f"{MastodonPublisher.root(account)}/api/v1/accounts/verify_credentials").json()
    counts = {name: count(me.get(name)) for name in ACCOUNT_COUNTS if name in me}
    return AccountMetrics(followers=counts.get("followers_count"), following=counts.get("following_count"),
                          posts=counts.get("statuses_count"), platform=counts)
