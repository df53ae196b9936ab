"""What every platform fetcher shares: the result shapes, the refusal taxonomy, scope checks.

A fetcher returns `PostMetrics` / `AccountMetrics` or raises a `PublishError`:
`MetricsRefused` for the refusals metrics add to publishing's taxonomy
(missing permission, post too old for insights, post gone, not enough viewers,
no video id yet, not supported), `NeedsReconnectError` / `RetryableError` as the
publishers' classifiers already raise them (401, 429, 5xx).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

from shared.services.publishing.base import Account, Publisher
from shared.services.publishing.errors import PermanentError, PublishError
from shared.services.publishing.http import PlatformHttp

Refine = Callable[[httpx.Response], PublishError | None]


class MetricsRefused(PermanentError):
    """The platform (or Soku, on its behalf) will not give these metrics; asking again soon won't help.

    Codes: `missing_scope`, `post_too_old`, `post_not_found`, `not_enough_viewers`,
    `no_video_id`, `not_supported`, `metrics_unavailable`.
    """

    code = "metrics_unavailable"


def unsupported(reason: str) -> tuple[Callable[..., "PostMetrics"], Callable[..., "AccountMetrics"]]:
    """`post` and `account` of an insights module whose platform offers no metrics Soku can read:
    both refuse with `not_supported` and the reason, and no call is made."""

    def post(publisher: Publisher, account: Account, result: dict) -> PostMetrics:
        raise MetricsRefused(reason, code="not_supported")

    def account(publisher: Publisher, account: Account) -> AccountMetrics:
        raise MetricsRefused(reason, code="not_supported")

    return post, account


@dataclass
class PostMetrics:
    """The common core (None where the platform has no such count) and the platform's own figures."""

    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    platform: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"metrics": {"views": self.views, "likes": self.likes, "comments": self.comments,
                            "shares": self.shares},
                "platformMetrics": self.platform}


@dataclass
class AccountMetrics:
    """The common core (None where the platform has no such count), the platform's own figures, and
    for a Google Business Profile location, its `locationMetrics` (shared/models/metrics.py
    LocationMetrics): a place's impressions and actions over a period, which are no follower,
    following or post count and so get a block of their own instead of the core's fields."""

    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    platform: dict[str, Any] = field(default_factory=dict)
    location: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        body = {"metrics": {"followers": self.followers, "following": self.following, "posts": self.posts},
                "platformMetrics": self.platform}
        if self.location is not None:
            body["locationMetrics"] = self.location
        return body


def supports(fetcher: Any, kind: str) -> bool:
    """Whether an insights module reads `kind` ("posts" or "accounts") from the platform: SUPPORTED,
    and no `POSTS_UNSUPPORTED` / `ACCOUNTS_UNSUPPORTED` reason (Google Business Profile has a
    location's figures and no post's)."""
    return bool(fetcher.SUPPORTED) and not getattr(fetcher, f"{kind.upper()}_UNSUPPORTED", None)


def count(value: Any) -> int | None:
    """A platform's count (ints, numeric strings as Google sends them) or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def require_scope(account: Account, scope: str, what: str) -> None:
    """Refuse before calling when the account's grant is known and lacks `scope`.

    Accounts connected through Soku's OAuth flow store the scopes the platform
    granted; without that list (seeded or older accounts) the platform decides.
    """
    granted = account.data.get("scopes")
    if isinstance(granted, list) and granted and scope not in granted:
        platform = account.platform.value
        raise MetricsRefused(
            f"{what} needs the `{scope}` permission, which this {platform} account did not grant; add it to "
            f"SOKU_{platform.upper()}_SCOPES and reconnect the account", code="missing_scope")


def metrics_http(publisher: Publisher, account: Account, refine: Refine) -> PlatformHttp:
    """The publisher's own HTTP client (its auth and error rules), with `refine` consulted first
    for the refusals only insights endpoints give."""
    http = publisher.http(account)
    base = http.classify
    http.classify = lambda response: refine(response) or base(response)
    return http
