"""YouTube through Google OAuth: `accounts.google.com/o/oauth2/v2/auth` with
`access_type=offline` and `prompt=consent` (so a refresh token comes back on a
reconnect too), `POST oauth2.googleapis.com/token`, the channel from
`GET youtube/v3/channels?part=snippet&mine=true`, revocation at
`POST oauth2.googleapis.com/revoke` (reference/platform-apis.md §6).
Google does not rotate refresh tokens.
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


class YouTubeProvider:
    platform = Platform.YOUTUBE
    # youtube.force-ssl: videos.delete accepts youtube, youtube.force-ssl or youtubepartner, not
    # youtube.upload (developers.google.com/youtube/v3/docs/videos/delete, "Authorization"); it is
    # also the only scope commentThreads.insert takes (options.youtube.firstComment).
    default_scopes = ("https://www.googleapis.com/auth/youtube.upload",
                      "https://www.googleapis.com/auth/youtube.readonly",
                      "https://www.googleapis.com/auth/youtube.force-ssl")
    scope_separator = " "
    # Google takes PKCE (S256) on every OAuth client type, confidential web clients
    # included (developers.google.com/identity/protocols/oauth2/native-app#step1-code-verifier;
    # the token endpoint then requires the verifier: "code_verifier or verifier is not needed"
    # is its answer to a verifier without a challenge).
    pkce = True

    def authorize_url(self, state: OAuthState, state_token: str, scopes: list[str]) -> str:
        return with_query(f"{host('google_accounts')}/o/oauth2/v2/auth", {
            "client_id": client_id("youtube"), "redirect_uri": state.redirect_uri, "response_type": "code",
            "scope": " ".join(scopes), "access_type": "offline", "prompt": "consent",
            "include_granted_scopes": "true", "state": state_token, **pkce_challenge(self, state)})

    def exchange(self, code: str, state: OAuthState) -> Grant:
        body = call(self.platform, "POST", f"{host('google_oauth')}/token", failure="token_exchange_failed", data={
            "code": code, "client_id": client_id("youtube"), "client_secret": client_secret("youtube"),
            "redirect_uri": state.redirect_uri, "grant_type": "authorization_code", **pkce_verifier(self, state)})
        tokens = Tokens(body["access_token"], body.get("refresh_token"), expiry(body.get("expires_in"), 3599))
        return Grant(tokens, scopes_of(body.get("scope")))

    def accounts(self, grant: Grant) -> list[NewAccount]:
        body = call(self.platform, "GET", f"{host('youtube_upload')}/youtube/v3/channels", failure="identity_failed",
                    params={"part": "snippet", "mine": "true"},
                    headers={"Authorization": f"Bearer {grant.tokens.access_token}"})
        channel = channel_of(body)
        if channel is None:
            raise ConnectError("no_accounts", "This Google account has no YouTube channel. Create one, then "
                               "connect again.", platform=self.platform.value)
        channel_id, title, custom_url = channel
        return [NewAccount(channel_id, title, grant.tokens,
                           grant_id=f"youtube:{client_id('youtube')}:{channel_id}",
                           extra={"channelTitle": title, "customUrl": custom_url})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        # The token goes in the form body, never in the URL (URLs end up in logs).
        call(self.platform, "POST", f"{host('google_oauth')}/revoke", failure="revocation_failed",
             data={"token": tokens.refresh_token or tokens.access_token})
        return True


def channel_of(body: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    """channels.list(part=snippet, mine=true) → (channel id, snippet.title, snippet.customUrl), or
    None when the Google account has no channel (no `items`)."""
    items = body.get("items") or []
    if not items:
        return None
    snippet = items[0].get("snippet") or {}
    return str(items[0]["id"]), snippet.get("title"), snippet.get("customUrl")


def provider() -> YouTubeProvider:
    """The connector the registry serves for YouTube (shared/platforms/loader.py)."""
    return YouTubeProvider()
