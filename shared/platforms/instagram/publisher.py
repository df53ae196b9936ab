"""Instagram's publisher, as the registry (shared/platforms/loader.py) finds it: `PUBLISHER`.

An Instagram account is one of two account types (manifest.py): connected through Facebook Login
(graph.facebook.com, the Page token; graph_publisher.py's InstagramPublisher) or through
Instagram Login (graph.instagram.com, the Instagram User token; instagram_login_publisher.py).
`Instagram` hands each call to the account's own; both run the same container flow, arming,
checkpoints and reconciling (graph_publisher.py), so exactly-once holds alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.platforms import Platform
from shared.platforms.instagram.graph_publisher import (  # noqa: F401 - the names callers and tests read here
    LIMITS,
    InstagramPublisher,
    classify,
    container_status,
    created_id,
    graph_version,
    permalink_of,
    publishing_quota,
)
from shared.platforms.instagram.instagram_login_publisher import InstagramLoginPublisher
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.http import PlatformHttp


def is_instagram_login(account: Account) -> bool:
    """Whether the account came through Instagram Login (manifest.py's `instagram_login` type);
    an account stored before account types existed came through Facebook Login."""
    return (account.data or {}).get("accountType") == "instagram_login"


class Instagram:
    """Instagram's publisher as the registry sees it: each call goes to the account type's own
    (Facebook Login: InstagramPublisher; Instagram Login: InstagramLoginPublisher), which differ
    only in host, token and renewal; containers, checkpoints, arming and reconciling are the same
    code."""
    platform = Platform.INSTAGRAM
    listing_lag_s = InstagramPublisher.listing_lag_s

    def __init__(self) -> None:
        self._facebook_login = InstagramPublisher()
        self._instagram_login = InstagramLoginPublisher()

    def for_account(self, account: Account) -> InstagramPublisher:
        return self._instagram_login if is_instagram_login(account) else self._facebook_login

    def http(self, account: Account) -> PlatformHttp:
        return self.for_account(account).http(account)

    def refresh(self, account: Account) -> Tokens:
        return self.for_account(account).refresh(account)

    def refresh_margin(self, account: Account) -> timedelta | None:
        return self.for_account(account).refresh_margin(account)

    def publish(self, ctx: PublishContext) -> PublishedPost:
        return self.for_account(ctx.account).publish(ctx)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        return self.for_account(ctx.account).find_existing(ctx, armed_at)


PUBLISHER = Instagram  # what the registry (shared/platforms/loader.py) instantiates
