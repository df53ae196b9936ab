"""Threads: `threads.net/oauth/authorize` → `POST graph.threads.net/oauth/access_token`
(a 1-hour token) → `GET /access_token?grant_type=th_exchange_token` (60 days),
identity from `GET /v1.0/me` (reference/platform-apis.md §4).

Threads has no refresh token: a long-lived token refreshes itself
(`th_refresh_token`), so it is stored in both slots, as the publisher expects.
Threads documents no revocation endpoint: disconnecting forgets the token.
"""

from __future__ import annotations

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
    with_query,
)
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

API_VERSION = "v1.0"
LONG_LIVED_S = 60 * 86400


class ThreadsProvider:
    platform = Platform.THREADS
    # threads_delete: DELETE /{threads-media-id} (taking a post down); threads_manage_insights:
    # GET /{media}/insights and /{user}/threads_insights (metrics). Threads API permissions,
    # developers.facebook.com/docs/threads/get-started (each needs the app's review, as publishing does).
    default_scopes = ("threads_basic", "threads_content_publish", "threads_delete", "threads_manage_insights")
    scope_separator = ","
    # No PKCE: the Authorization Window takes client_id, redirect_uri, scope, response_type
    # and state only (developers.facebook.com/documentation/threads/get-started/
    # get-access-tokens-and-permissions).
    pkce = False

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('threads_web')}/oauth/authorize", {
            "client_id": client_id("threads"), "redirect_uri": state.redirect_uri, "scope": ",".join(scopes),
            "response_type": "code", "state": state_token})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        api = host("threads_api")
        short = call(self.platform, "POST", f"{api}/oauth/access_token", failure="token_exchange_failed", data={
            "client_id": client_id("threads"), "client_secret": client_secret("threads"),
            "grant_type": "authorization_code", "redirect_uri": state.redirect_uri, "code": code})
        long = call(self.platform, "GET", f"{api}/access_token", failure="token_exchange_failed", params={
            "grant_type": "th_exchange_token", "client_secret": client_secret("threads"),
            "access_token": short["access_token"]})
        token = long["access_token"]
        return Grant(Tokens(token, token, expiry(long.get("expires_in"), LONG_LIVED_S)),
                     raw={"user_id": str(short.get("user_id") or "")})

    def accounts(self, grant: Grant) -> list[NewAccount]:
        me = call(self.platform, "GET", f"{host('threads_api')}/{API_VERSION}/me", failure="identity_failed",
                  params={"fields": "id,username,name", "access_token": grant.tokens.access_token})
        user_id = str(me.get("id") or grant.raw.get("user_id") or "")
        if not user_id:
            return []
        username = me.get("username")
        return [NewAccount(user_id, f"@{username}" if username else me.get("name"), grant.tokens,
                           grant_id=f"threads:{client_id('threads')}:{user_id}", extra={"username": username})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        return False


def provider() -> ThreadsProvider:
    """The connector the registry serves for Threads (shared/platforms/loader.py)."""
    return ThreadsProvider()
