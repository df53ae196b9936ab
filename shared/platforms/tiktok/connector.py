"""TikTok: `www.tiktok.com/v2/auth/authorize/` → `POST open.tiktokapis.com/v2/oauth/token/`
(form; `client_key`), identity from `GET /v2/user/info/`, revocation at
`POST /v2/oauth/revoke/` (reference/platform-apis.md §5). Refresh tokens
rotate; lifetimes come from `expires_in` and `refresh_expires_in`.
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
from shared.services.connections.errors import ConnectError
from shared.services.connections.state import OAuthState
from shared.services.publishing.base import Tokens

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache"}


class TikTokProvider:
    platform = Platform.TIKTOK
    # video.list: POST /v2/video/query/ (a post's counts); user.info.stats: follower and like counts
    # of /v2/user/info/ (developers.tiktok.com/doc/tiktok-api-scopes).
    default_scopes = ("user.info.basic", "video.publish", "video.upload", "video.list", "user.info.stats")
    scope_separator = ","
    # PKCE (S256) on the web flow too. TikTok's token endpoint takes `code_verifier` next to
    # the client secret (developers.tiktok.com/doc/oauth-user-access-token-management), and
    # its web authorize endpoint takes the standard S256 challenge: the widely used
    # server-side OAuth library Arctic sends code_challenge/code_challenge_method=S256 to
    # www.tiktok.com/v2/auth/authorize and code_verifier with client_secret to
    # /v2/oauth/token/ (pilcrowonpaper/arctic, src/providers/tiktok.ts). The hex-encoded
    # challenge TikTok documents is the desktop SDK's (login-kit-desktop), not this flow's.
    # With it, a code intercepted on its way back is worthless without the flow's verifier.
    pkce = True

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('tiktok_web')}/v2/auth/authorize/", {
            "client_key": client_id("tiktok"), "scope": ",".join(scopes), "response_type": "code",
            "redirect_uri": state.redirect_uri, "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('tiktok_api')}/v2/oauth/token/", failure="token_exchange_failed",
                    headers=FORM, data={"client_key": client_id("tiktok"), "client_secret": client_secret("tiktok"),
                                        "code": code, "grant_type": "authorization_code",
                                        "redirect_uri": state.redirect_uri, **pkce_verifier(self, state)})
        if not body.get("access_token"):  # TikTok can answer 200 with an error body
            raise ConnectError("token_exchange_failed", "TikTok refused: "
                               f"{body.get('error_description') or body.get('error') or 'no token'}",
                               platform=self.platform.value)
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 86400))
        return Grant(tokens, scopes_of(body.get("scope")), raw={"open_id": str(body.get("open_id") or "")})

    def accounts(self, grant: Grant) -> list[NewAccount]:
        body = call(self.platform, "GET", f"{host('tiktok_api')}/v2/user/info/", failure="identity_failed",
                    params={"fields": "open_id,union_id,avatar_url,display_name"},
                    headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        user = (body.get("data") or {}).get("user") or {}
        open_id = str(user.get("open_id") or grant.raw.get("open_id") or "")
        if not open_id:
            return []
        return [NewAccount(open_id, user.get("display_name"), grant.tokens,
                           grant_id=f"tiktok:{client_id('tiktok')}:{open_id}",
                           extra={"avatarUrl": user.get("avatar_url")})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        call(self.platform, "POST", f"{host('tiktok_api')}/v2/oauth/revoke/", failure="revocation_failed",
             headers=FORM, data={"client_key": client_id("tiktok"), "client_secret": client_secret("tiktok"),
                                 "token": tokens.access_token})
        return True


def provider() -> TikTokProvider:
    """The connector the registry serves for TikTok (shared/platforms/loader.py)."""
    return TikTokProvider()
