"""Meta (Facebook Login): Facebook Pages and Instagram business accounts.

Authorize at `www.facebook.com/{version}/dialog/oauth`; exchange the code at
`GET /{version}/oauth/access_token` for a short-lived user token, then
`grant_type=fb_exchange_token` for a long-lived (≈60 days) one; `GET /me` names
the user and `GET /me/accounts` lists the Pages they manage, each with a Page
token that does not expire (reference/platform-apis.md §2, §3).

Each Page becomes a `facebook` account; each Instagram business account linked
to a Page becomes an `instagram` account. As the publishers expect, the Page
token is the access token and the long-lived user token sits in the refresh
slot (renewals re-exchange it and read the Page token again). Revocation is
`DELETE /me/permissions` with the user token: it removes the app for every
Page of that user, so it is only called when no other connected account
shares the grant (see store.disconnect).
"""

from __future__ import annotations

import os
from typing import Any

from shared.platforms import Platform
from shared.services.connections.base import (
    Grant,
    NewAccount,
    call,
    client_id,
    client_secret,
    expiry,
    host,
    pkce_challenge,
    pkce_verifier,
    with_query,
)
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

DEFAULT_GRAPH_VERSION = "v23.0"
MAX_PAGES = 10  # pages of /me/accounts followed (25 Pages each)


class MetaProvider:
    scope_separator = ","
    # Facebook Login's manually built flow takes PKCE: `code_challenge` +
    # `code_challenge_method=S256` on dialog/oauth, `code_verifier` on oauth/access_token
    # (developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token,
    # "OIDC Code Flow with PKCE for Manually Built Facebook Login Flows"; Meta marks it
    # "still in testing"). Instagram connects through the same Facebook Login dialog.
    pkce = True

    def __init__(self, platform: Platform, graph: str, dialog: str, scopes: tuple[str, ...]) -> None:
        self.platform = platform
        self._graph_host = graph
        self._dialog_host = dialog
        self.default_scopes = scopes

    # -- configuration: the Instagram app falls back to the Facebook app, as the publisher's does
    def _version(self) -> str:
        return os.environ.get(f"SOKU_{self.platform.value.upper()}_GRAPH_VERSION") or DEFAULT_GRAPH_VERSION

    def _graph(self, path: str) -> str:
        return f"{host(self._graph_host)}/{self._version()}/{path}"

    def _client(self) -> tuple[str, str]:
        own = self.platform.value
        return (client_id(own) or client_id("facebook"), client_secret(own) or client_secret("facebook"))

    # -- the flow -----------------------------------------------------------------------
    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host(self._dialog_host)}/{self._version()}/dialog/oauth", {
            "client_id": self._client()[0], "redirect_uri": state.redirect_uri, "state": state_token,
            "scope": ",".join(scopes), "response_type": "code", **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        app_id, secret = self._client()
        short = call(self.platform, "GET", self._graph("oauth/access_token"), failure="token_exchange_failed",
                     params={"client_id": app_id, "client_secret": secret, "redirect_uri": state.redirect_uri,
                             "code": code, **pkce_verifier(self, state)})
        long = call(self.platform, "GET", self._graph("oauth/access_token"), failure="token_exchange_failed",
                    params={"grant_type": "fb_exchange_token", "client_id": app_id, "client_secret": secret,
                            "fb_exchange_token": short["access_token"]})
        user_token = long.get("access_token") or short["access_token"]
        return Grant(Tokens(user_token, user_token, expiry(long.get("expires_in"))))

    def _pages(self, user_token: str, fields: str) -> list[dict[str, Any]]:
        headers = {"Authorization": f"OAuth {user_token}"}
        url, params = self._graph("me/accounts"), {"fields": fields, "limit": 25}
        pages: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            body = call(self.platform, "GET", url, failure="identity_failed", params=params, headers=headers)
            pages += [p for p in body.get("data") or [] if isinstance(p, dict)]
            url = (body.get("paging") or {}).get("next")
            if not url:
                break
            params = None  # the next link carries its own query
        return pages

    def accounts(self, grant: Grant) -> list[NewAccount]:
        user_token = grant.tokens.access_token
        me = call(self.platform, "GET", self._graph("me"), failure="identity_failed",
                  params={"fields": "id,name"}, headers={"Authorization": f"OAuth {user_token}"})
        grant_id = f"meta:{self._client()[0]}:{me.get('id')}"
        common = {"metaUserId": str(me.get("id") or ""), "metaUserName": me.get("name")}
        found: list[NewAccount] = []
        if self.platform is Platform.FACEBOOK:
            for page in self._pages(user_token, "id,name,access_token"):
                if page.get("id") and page.get("access_token"):
                    found.append(NewAccount(str(page["id"]), page.get("name"),
                                            Tokens(page["access_token"], user_token, None), grant_id,
                                            extra=common | {"pageName": page.get("name")}))
            return found
        for page in self._pages(user_token, "id,name,access_token,instagram_business_account{id,username,name}"):
            ig = page.get("instagram_business_account") or {}
            if ig.get("id") and page.get("access_token"):
                username = ig.get("username")
                found.append(NewAccount(str(ig["id"]), f"@{username}" if username else ig.get("name"),
                                        Tokens(page["access_token"], user_token, None), grant_id,
                                        extra=common | {"username": username, "pageId": str(page.get("id")),
                                                        "pageName": page.get("name"),
                                                        # instagram/manifest.py's account types
                                                        "accountType": "facebook_login"}))
        return found

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        user_token = tokens.refresh_token or tokens.access_token
        call(self.platform, "DELETE", self._graph("me/permissions"), failure="revocation_failed",
             headers={"Authorization": f"OAuth {user_token}"})
        return True


def facebook() -> MetaProvider:
    return MetaProvider(Platform.FACEBOOK, "facebook_graph", "facebook_dialog",
                        # read_insights: a Page post's views (GET /{post}/insights, docs/analytics.md).
                        # pages_manage_engagement: options.facebook.firstComment, POST /{post}/comments as
                        # the Page (developers.facebook.com/docs/graph-api/reference/object/comments,
                        # "Publishing"; reading them back for reconciliation takes pages_read_engagement).
                        ("pages_show_list", "pages_manage_posts", "pages_read_engagement", "read_insights",
                         "pages_manage_engagement"))


def instagram() -> MetaProvider:
    return MetaProvider(Platform.INSTAGRAM, "instagram_graph", "instagram_dialog",
                        ("instagram_basic", "instagram_content_publish", "pages_show_list",
                         "pages_read_engagement", "business_management",
                         # GET /{ig-media}/insights and the account's follower counts (docs/analytics.md).
                         "instagram_manage_insights",
                         # options.instagram.firstComment: POST /{ig-media}/comments takes instagram_basic,
                         # instagram_manage_comments and pages_read_engagement (developers.facebook.com/docs/
                         # instagram-platform/instagram-graph-api/reference/ig-media/comments, "Requirements").
                         "instagram_manage_comments"))
