"""X: OAuth 2.0 Authorization Code with PKCE (S256), confidential client.

Authorize at `x.com/i/oauth2/authorize`, exchange at `POST api.x.com/2/oauth2/token`
(HTTP Basic with the client id and secret), identity from `GET /2/users/me`,
revocation at `POST /2/oauth2/revoke` (reference/platform-apis.md §1).
`offline.access` is what makes X give a refresh token; refresh tokens rotate.
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
    pkce_challenge,
    pkce_verifier,
    scopes_of,
    with_query,
)
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens


class XProvider:
    platform = Platform.X
    default_scopes = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
    scope_separator = " "
    # PKCE is required by X's OAuth 2.0 (reference/platform-apis.md §1; docs.x.com
    # "OAuth 2.0 Authorization Code Flow with PKCE").
    pkce = True

    @staticmethod
    def _auth() -> tuple[str, str] | None:
        secret = client_secret("x")
        return (client_id("x"), secret) if secret else None  # a public client sends no secret

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('x_web')}/i/oauth2/authorize", {
            "response_type": "code", "client_id": client_id("x"), "redirect_uri": state.redirect_uri,
            "scope": " ".join(scopes), "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('x_oauth')}/2/oauth2/token", failure="token_exchange_failed",
                    data={"grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri,
                          **pkce_verifier(self, state), "client_id": client_id("x")},
                    auth=self._auth())
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 7200))
        return Grant(tokens, scopes_of(body.get("scope")))

    def accounts(self, grant: Grant) -> list[NewAccount]:
        user_id, username, name = identity_of(call(
            self.platform, "GET", f"{host('x_api')}/2/users/me", failure="identity_failed",
            headers={"Authorization": f"Bearer {grant.tokens.access_token}"}))
        if not user_id:
            return []
        return [NewAccount(user_id, f"@{username}" if username else name, grant.tokens,
                           grant_id=f"x:{client_id('x')}:{user_id}",
                           extra={"username": username, "name": name})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        token, hint = (tokens.refresh_token, "refresh_token") if tokens.refresh_token else \
            (tokens.access_token, "access_token")
        call(self.platform, "POST", f"{host('x_oauth')}/2/oauth2/revoke", failure="revocation_failed",
             data={"token": token, "token_type_hint": hint, "client_id": client_id("x")}, auth=self._auth())
        return True


def identity_of(body: dict) -> tuple[str, str | None, str | None]:
    """`GET /2/users/me` → `{"data": {"id", "name", "username"}}`: (user id, "" if none; username; name)."""
    me = body.get("data") or {}
    return str(me.get("id") or ""), me.get("username"), me.get("name")


def provider() -> XProvider:
    """The connector the registry serves for X (shared/platforms/loader.py)."""
    return XProvider()
