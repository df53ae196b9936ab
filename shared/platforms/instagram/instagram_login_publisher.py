"""Publishing for Instagram accounts connected through Instagram Login (the `instagram_login`
account type: no Facebook Page): the container flow of graph_publisher.py on graph.instagram.com with
the Instagram User token.

Content publishing under Instagram Login is the same API on another host: Meta's Instagram
Platform pages give each operation two columns, "Instagram API with Instagram Login" (host
`graph.instagram.com`, an Instagram User access token, `instagram_business_*` permissions) and
"Instagram API with Facebook Login" (`graph.facebook.com`); read here for Insights
(developers.facebook.com/documentation/instagram-platform/insights: `instagram_business_basic`,
`instagram_business_manage_insights`) and IG Media (…/reference/instagram-media). That
content-publishing (`POST /<IG_ID>/media`, `GET /<IG_CONTAINER_ID>?fields=status_code`, `POST
/<IG_ID>/media_publish`, `GET /<IG_ID>/content_publishing_limit`; …/content-publishing) takes
`instagram_business_content_publish` on graph.instagram.com the same way [that page's table not
read here]. Comments (`POST /<IG_MEDIA_ID>/comments`) take
`instagram_business_manage_comments`. The token goes in `Authorization: Bearer` [graph.instagram.com's
examples pass `access_token` in the query; Graph takes the header on both hosts: unverified here for
graph.instagram.com].

Renewal: `GET https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token
&access_token=<long-lived token>` → `{access_token, token_type, expires_in}`, 60 days again; the
token must be at least 24 hours old and unexpired, and no client secret is sent
(developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token). The
runner renews it REFRESH_MARGIN before it expires, and on a 190 (an expired or invalidated token).

Everything else (plans, containers, checkpoints, `create_once`, reconciling from the container
and the account's media) is InstagramPublisher's, unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from shared import clock
from shared.config import get_settings
from shared.platforms.instagram.graph_publisher import InstagramPublisher, refresh_classifier
from shared.services.publishing.base import Account, Tokens
from shared.services.publishing.errors import NeedsReconnectError
from shared.services.publishing.http import PlatformHttp

# Renew a week before the 60 days run out: a token unused for longer than that is renewed by
# the next publish or metrics read, and one that did expire cannot be renewed at all.
REFRESH_MARGIN = timedelta(days=7)
LONG_LIVED_S = 60 * 86400


_refresh_classify = refresh_classifier("Instagram Login")


class InstagramLoginPublisher(InstagramPublisher):
    graph_host = "instagram_login_graph"  # SOKU_INSTAGRAM_LOGIN_GRAPH_BASE (graph.instagram.com)
    auth_scheme = "Bearer"

    def refresh_margin(self, account: Account) -> timedelta | None:
        return REFRESH_MARGIN

    def refresh(self, account: Account) -> Tokens:
        """`ig_refresh_token` with the long-lived token itself; no client secret."""
        token = account.tokens.refresh_token or account.tokens.access_token
        if not token:
            raise NeedsReconnectError("The Instagram account's authorization cannot be renewed; reconnect it")
        base = get_settings().platform_hosts[self.graph_host]
        body = PlatformHttp(_refresh_classify).request("GET", f"{base}/refresh_access_token", params={
            "grant_type": "ig_refresh_token", "access_token": token}).json()
        renewed = body.get("access_token")
        if not renewed:
            raise NeedsReconnectError("Instagram answered the renewal without a token; reconnect the account")
        try:
            seconds = int(body.get("expires_in") or LONG_LIVED_S)
        except (TypeError, ValueError):
            seconds = LONG_LIVED_S
        return Tokens(renewed, renewed, clock.now() + timedelta(seconds=seconds))
