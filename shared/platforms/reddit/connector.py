"""Reddit: `www.reddit.com/api/v1/authorize` → `POST www.reddit.com/api/v1/access_token` (HTTP
Basic with the app's id and secret, `grant_type=authorization_code`) → the account from
`GET oauth.reddit.com/api/v1/me` (github.com/reddit-archive/reddit/wiki/OAuth2).

`duration=permanent` asks for a refresh token besides the 1-hour access token; Reddit's refresh
tokens do not expire and are not rotated (the refresh answer carries none: the OAuth2 wiki's
"Refreshing the token"). No PKCE: the wiki's flow has client_id, response_type, state,
redirect_uri, duration and scope only. Revocation: `POST /api/v1/revoke_token` (Basic,
`token`, `token_type_hint=refresh_token`) revokes the refresh token and its access tokens.
Every call carries a descriptive User-Agent, as Reddit's API rules require
(github.com/reddit-archive/reddit/wiki/API: "Change your client's User-Agent string").
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
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

ACCESS_LIFETIME_S = 3600


def user_agent() -> str:
    """Reddit's rules: `<platform>:<app ID>:<version string> (by /u/<reddit username>)`."""
    return f"web:soku-publishing-api:1.0 (client {client_id('reddit') or 'unconfigured'})"


def basic_auth() -> str:
    pair = f"{client_id('reddit')}:{client_secret('reddit')}".encode()
    return "Basic " + base64.b64encode(pair).decode()


class RedditProvider:
    platform = Platform.REDDIT
    # www.reddit.com/dev/api lists each endpoint's scope: identity (/api/v1/me), submit
    # (/api/submit, /api/media/asset.json), read (/api/info, post_requirements, listings),
    # edit (/api/del), history (/user/{name}/submitted), flair (link_flair_v2), mysubreddits.
    default_scopes = ("identity", "submit", "read", "edit", "history", "flair", "mysubreddits")
    scope_separator = " "
    pkce = False  # not in Reddit's OAuth2 flow (the module docstring)

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('reddit_www')}/api/v1/authorize", {
            "client_id": client_id("reddit"), "response_type": "code", "state": state_token,
            "redirect_uri": state.redirect_uri, "duration": "permanent", "scope": " ".join(scopes)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('reddit_www')}/api/v1/access_token",
                    failure="token_exchange_failed",
                    headers={"Authorization": basic_auth(), "User-Agent": user_agent()},
                    data={"grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri})
        if body.get("error") or not body.get("access_token"):
            # Reddit answers a refused code with 200 and {"error": "invalid_grant"} (the OAuth2
            # wiki's "Retrieving the access token": errors come back in the body).
            raise ConnectError("token_exchange_failed", f"Reddit refused: {body.get('error') or 'no token'}",
                               platform=self.platform.value)
        tokens = Tokens(body["access_token"], body.get("refresh_token"),
                        expiry(body.get("expires_in"), ACCESS_LIFETIME_S))
        return Grant(tokens, scopes_of(body.get("scope")))

    def accounts(self, grant: Grant) -> list[NewAccount]:
        me = call(self.platform, "GET", f"{host('reddit_api')}/api/v1/me", failure="identity_failed",
                  headers={"Authorization": f"bearer {grant.tokens.access_token}", "User-Agent": user_agent()})
        user_id, name = str(me.get("id") or ""), me.get("name")
        if not user_id or not name:
            return []
        return [NewAccount(user_id, f"u/{name}", grant.tokens, grant_id=f"reddit:{client_id('reddit')}:{user_id}",
                           extra={"username": name})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        token, hint = (tokens.refresh_token, "refresh_token") if tokens.refresh_token else (
            tokens.access_token, "access_token")
        # 204 (RFC 7009), even for a token already revoked; the token in the form, never the URL.
        call(self.platform, "POST", f"{host('reddit_www')}/api/v1/revoke_token", failure="revocation_failed",
             headers={"Authorization": basic_auth(), "User-Agent": user_agent()},
             data={"token": token, "token_type_hint": hint})
        return True


def provider() -> RedditProvider:
    """The connector the registry serves for Reddit (shared/platforms/loader.py)."""
    return RedditProvider()
