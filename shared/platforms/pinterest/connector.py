"""Pinterest: `www.pinterest.com/oauth/` → `POST api.pinterest.com/v5/oauth/token` (HTTP Basic
with the app's id and secret, `grant_type=authorization_code`) → the account from
`GET /v5/user_account` (developers.pinterest.com/docs/getting-started/set-up-authentication-and-
authorization/; the token operation `oauth/token` in Pinterest's v5 OpenAPI).

The access token lasts 30 days and comes with a refresh token (a "continuous" one, 60 days,
refreshable indefinitely, for apps made since September 2025: the OpenAPI's oauth/token note).
No PKCE: Pinterest's authorization documentation describes the code flow with client_id,
redirect_uri, response_type, scope and state only, and no code_challenge. No revocation endpoint
is documented in v5: disconnecting forgets the token (the user removes the app in their
Pinterest settings).
"""

from __future__ import annotations

import base64
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
    scopes_of,
    with_query,
)
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

ACCESS_LIFETIME_S = 30 * 86400


def basic_auth(platform: str = "pinterest") -> str:
    """The token endpoint's client authentication: `Basic base64(client_id:client_secret)`."""
    pair = f"{client_id(platform)}:{client_secret(platform)}".encode()
    return "Basic " + base64.b64encode(pair).decode()


class PinterestProvider:
    platform = Platform.PINTEREST
    # POST /v5/pins needs boards:read, boards:write, pins:read and pins:write (its `security` in the
    # v5 OpenAPI); GET /v5/user_account user_accounts:read; analytics boards:read and pins:read.
    default_scopes = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read")
    scope_separator = ","
    pkce = False  # not in Pinterest's documented flow (the module docstring)

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('pinterest_web')}/oauth/", {
            "client_id": client_id("pinterest"), "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": ",".join(scopes), "state": state_token})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('pinterest_api')}/v5/oauth/token",
                    failure="token_exchange_failed", headers={"Authorization": basic_auth()},
                    data={"grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri})
        tokens = Tokens(body["access_token"], body.get("refresh_token"),
                        expiry(body.get("expires_in"), ACCESS_LIFETIME_S))
        # Pinterest answers the granted scopes in one string (scopes_of takes commas or spaces).
        return Grant(tokens, scopes_of(body.get("scope")))

    def accounts(self, grant: Grant) -> list[NewAccount]:
        me = call(self.platform, "GET", f"{host('pinterest_api')}/v5/user_account", failure="identity_failed",
                  headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        user_id = str(me.get("id") or me.get("username") or "")
        if not user_id:
            return []
        username = me.get("username")
        name = me.get("business_name") or (f"@{username}" if username else None)
        return [NewAccount(user_id, name, grant.tokens, grant_id=f"pinterest:{client_id('pinterest')}:{user_id}",
                           extra={"username": username, "accountType": me.get("account_type")})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        return False  # no revocation endpoint in v5 (the module docstring)


def provider() -> PinterestProvider:
    """The connector the registry serves for Pinterest (shared/platforms/loader.py)."""
    return PinterestProvider()
