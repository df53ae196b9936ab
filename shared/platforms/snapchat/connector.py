"""Snapchat Public Profile API: `accounts.snapchat.com/accounts/oauth2/auth` →
`POST accounts.snapchat.com/login/oauth2/access_token`, the Public Profiles the
member may post to from `GET businessapi.snapchat.com/v1/me/public_profiles`,
each becoming an account (reference/platform-apis.md §8).

[unverified] The Public Profile API is allowlist-only and its reference was not
available: the scope name and the profile listing's path and shape follow the
Marketing API's conventions. Snap documents no token revocation endpoint for
it: disconnecting forgets the tokens.
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


class SnapchatProvider:
    platform = Platform.SNAPCHAT
    default_scopes = ("snapchat-profile-api",)
    scope_separator = " "
    # Snap's OAuth 2.0 service (accounts.snapchat.com) takes PKCE (S256) with the
    # authorization code flow (developers.snap.com/snap-kit/login-kit/overview, "Authorization
    # Code Flow with PKCE"); the Public Profile API authorizes on the same service.
    pkce = True

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('snapchat_oauth')}/accounts/oauth2/auth", {
            "client_id": client_id("snapchat"), "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": " ".join(scopes), "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('snapchat_oauth')}/login/oauth2/access_token",
                    failure="token_exchange_failed", data={
                        "grant_type": "authorization_code", "code": code, "redirect_uri": state.redirect_uri,
                        "client_id": client_id("snapchat"), "client_secret": client_secret("snapchat"),
                        **pkce_verifier(self, state)})
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 1800))
        return Grant(tokens, scopes_of(body.get("scope")))

    def accounts(self, grant: Grant) -> list[NewAccount]:
        body = call(self.platform, "GET", f"{host('snapchat_api')}/v1/me/public_profiles", failure="identity_failed",
                    headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        found = []
        for entry in body.get("public_profiles") or []:
            profile = (entry or {}).get("public_profile") or {}
            if profile.get("id"):
                found.append(NewAccount(str(profile["id"]), profile.get("display_name"), grant.tokens,
                                        grant_id=f"snapchat:{client_id('snapchat')}:{profile['id']}",
                                        extra={"username": profile.get("username")}))
        return found

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        return False


def provider() -> SnapchatProvider:
    """The connector the registry serves for Snapchat (shared/platforms/loader.py)."""
    return SnapchatProvider()
