"""Connecting an Instagram account without a Facebook Page: Business Login for Instagram
(the "Instagram API with Instagram Login"), the `instagram_login` account type (manifest.py).

Sources (developers.facebook.com/documentation/instagram-platform/…):
- the consent page, `GET https://www.instagram.com/oauth/authorize?client_id&redirect_uri&
  response_type=code&scope=a,b&state` (instagram-api-with-instagram-login/business-login, the
  "embed URL"; the Oauth Authorize reference, reference/oauth-authorize, names
  api.instagram.com for the same endpoint: the host is configuration,
  SOKU_INSTAGRAM_LOGIN_AUTHORIZE_BASE). Scopes comma-separated. No PKCE is documented, so none
  is sent;
- the code exchange, `POST https://api.instagram.com/oauth/access_token` (form: client_id,
  client_secret, grant_type=authorization_code, redirect_uri, code) → a short-lived (1 hour)
  Instagram User token: `{"access_token", "user_id"}` in the reference
  (reference/oauth-access-token), `{"data": [{"access_token", "user_id", "permissions"}]}` in the
  Business Login guide [the two disagree: both are read];
- the long-lived token, `GET https://graph.instagram.com/access_token?grant_type=ig_exchange_token
  &client_secret&access_token` → `{access_token, token_type, expires_in}` (60 days;
  reference/access_token);
- the account, `GET https://graph.instagram.com/{version}/me?fields=user_id,username,name,
  account_type,profile_picture_url`: `user_id` is the Instagram professional account's id, the
  one publishing uses (reference/instagram-user).

The long-lived token is the access token and sits in the refresh slot too: renewing it is
`ig_refresh_token` with the token itself (publisher.py), no client secret. Revocation: Instagram
Login documents no endpoint, so disconnecting only forgets the token (`revoke` answers False,
`revocation: not_supported`); the person removes Soku in Instagram's settings.
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
    scopes_for,
    scopes_of,
    with_query,
)
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

CLIENT = "instagram_login"  # SOKU_INSTAGRAM_LOGIN_CLIENT_ID / _SECRET / _SCOPES: Instagram Login's own app
DEFAULT_GRAPH_VERSION = "v23.0"
LONG_LIVED_S = 60 * 86400  # when the exchange names no `expires_in`


def graph_version() -> str:
    return os.environ.get("SOKU_INSTAGRAM_GRAPH_VERSION") or DEFAULT_GRAPH_VERSION


def graph(path: str, versioned: bool = True) -> str:
    """A graph.instagram.com URL (SOKU_INSTAGRAM_LOGIN_GRAPH_BASE)."""
    return f"{host('instagram_login_graph')}/{graph_version() + '/' if versioned else ''}{path}"


def configured() -> bool:
    return bool(client_id(CLIENT)) and bool(client_secret(CLIENT))


def token_body(body: dict[str, Any]) -> dict[str, Any]:
    """The code exchange's answer in either documented shape: flat, or its one entry of `data`."""
    rows = body.get("data")
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        return rows[0]
    return body


class InstagramLoginProvider:
    platform = Platform.INSTAGRAM
    account_type = "instagram_login"
    scope_separator = ","
    pkce = False  # Business Login for Instagram documents no PKCE parameters
    # Business Login's scopes (business-login, "new scope values"), with insights for metrics
    # (IG Media Insights under Instagram Login: instagram_business_manage_insights).
    default_scopes = ("instagram_business_basic", "instagram_business_content_publish",
                      "instagram_business_manage_comments", "instagram_business_manage_insights")
    # scopes_for() reads SOKU_<platform>_SCOPES by this name: SOKU_INSTAGRAM_LOGIN_SCOPES.
    scopes_name = CLIENT
    not_configured_message = ("Connecting Instagram accounts without a Facebook Page (Instagram Login) is not "
                              "enabled in this deployment: its Instagram app is not configured "
                              "(SOKU_INSTAGRAM_LOGIN_CLIENT_ID and SOKU_INSTAGRAM_LOGIN_CLIENT_SECRET)")

    def configured(self) -> bool:
        return configured()

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('instagram_login_authorize')}/oauth/authorize", {
            "client_id": client_id(CLIENT), "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": ",".join(scopes), "state": state_token})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        short = token_body(call(self.platform, "POST", f"{host('instagram_login_token')}/oauth/access_token",
                                failure="token_exchange_failed", data={
                                    "client_id": client_id(CLIENT), "client_secret": client_secret(CLIENT),
                                    "grant_type": "authorization_code", "redirect_uri": state.redirect_uri,
                                    "code": code}))
        if not short.get("access_token"):
            raise ConnectError("token_exchange_failed", "Instagram answered the code exchange without a token",
                               platform=self.platform.value)
        long = call(self.platform, "GET", graph("access_token", versioned=False), failure="token_exchange_failed",
                    params={"grant_type": "ig_exchange_token", "client_secret": client_secret(CLIENT),
                            "access_token": short["access_token"]})
        token = long.get("access_token") or short["access_token"]
        expires = expiry(long.get("expires_in"), LONG_LIVED_S if long.get("access_token") else 3600)
        # The permissions granted, where the answer names them (the `data` shape does);
        # otherwise the scopes asked for [the user's choice is then unknown].
        granted = scopes_of(short.get("permissions")) or scopes_for(self)
        return Grant(Tokens(token, token, expires), granted, {"user_id": str(short.get("user_id") or "")})

    def accounts(self, grant: Grant) -> list[NewAccount]:
        me = call(self.platform, "GET", graph("me"), failure="identity_failed",
                  params={"fields": "user_id,username,name,account_type,profile_picture_url"},
                  headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        ig_user = str(me.get("user_id") or me.get("id") or grant.raw.get("user_id") or "")
        if not ig_user:
            return []
        username = me.get("username")
        return [NewAccount(ig_user, f"@{username}" if username else me.get("name"), grant.tokens,
                           f"instagram_login:{client_id(CLIENT)}:{ig_user}",
                           extra={"username": username, "accountType": self.account_type,
                                  "instagramAccountType": me.get("account_type")})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        return False  # no revocation endpoint is documented for Instagram Login: the token is forgotten


def provider() -> InstagramLoginProvider:
    return InstagramLoginProvider()
