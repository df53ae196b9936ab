"""Discord: connected by a channel's webhook URL (`POST /v1/connections/discord`), no OAuth.

A webhook URL is `https://discord.com/api/webhooks/{webhook.id}/{webhook.token}` (Server
Settings → Integrations → Webhooks → Copy Webhook URL; discord.com/developers/docs/resources/webhook).
Its token is its whole authorization: whoever holds the URL can post to the channel, so it is
sealed as an account's tokens are, and never shown again.

The URL is checked before anything is fetched: only Discord's own hosts (discord.com and the
older discordapp.com, with their ptb./canary. client hosts, https, no port, no credentials),
an optional API version segment (`/api/v10/webhooks/...`), a snowflake id and a token; in the
local stack the configured host (`SOKU_DISCORD_API_BASE`, the sandbox) instead. Anything else
is a 400 naming `body.webhookUrl`. Nor is the caller's URL ever requested: the id and token
are read out of it and the check goes to the configured host, so no caller can make Soku fetch
another host. The URL also passes the SSRF rules media URLs pass (shared/adapters/safe_http.py).

Verification: `GET /api/v10/webhooks/{id}/{token}` ("Get Webhook with Token": "does not
require authentication", answers the webhook object: its name, channel and server). Discord
answers an unknown or deleted webhook `404 {"code": 10015, "message": "Unknown Webhook"}` and a
wrong token `401 {"code": 50027, "message": "Invalid Webhook Token"}`
(discord.com/developers/docs/topics/opcodes-and-status-codes#json): both refuse `webhookUrl`.

Disconnecting forgets the URL and does not delete the webhook: it is the server's, made by
its admins, and deleting it is theirs to decide (revoke answers False).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from shared.adapters import safe_http
from shared.platforms import Platform
from shared.services.connections.base import NewAccount, call, host
from shared.services.connections.errors import ConnectError
from shared.services.connections.manual import invalid, refused
from shared.services.publishing.base import Tokens

PRODUCTION_BASE = "https://discord.com"
# Discord's web hosts, where "Copy Webhook URL" points: discord.com, the older discordapp.com
# (still served), and the PTB and Canary clients' hosts, which copy URLs on their own host.
DISCORD_HOSTS = frozenset(f"{prefix}{domain}" for prefix in ("", "ptb.", "canary.")
                          for domain in ("discord.com", "discordapp.com"))
API_VERSION = "v10"  # discord.com/developers/docs/reference#api-versioning: v10 is the current version
# `/api/webhooks/{id}/{token}` or `/api/v10/webhooks/{id}/{token}`, an optional trailing slash.
# Ids are snowflakes, 64-bit integers as decimal strings (discord.com/developers/docs/reference#snowflakes);
# tokens are URL-safe (letters, digits, `-`, `_`: what Discord issues, and all a path segment may hold here).
_PATH = re.compile(r"^/api(?:/v(?P<version>\d{1,2}))?/webhooks/(?P<id>\d{1,20})/(?P<token>[A-Za-z0-9_-]{1,200})/?$")
_EXAMPLE = "https://discord.com/api/webhooks/<id>/<token>"


class DiscordCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhookUrl: str = Field(
        min_length=1, max_length=500,
        description="The channel webhook's URL, as Discord's \"Copy Webhook URL\" gives it "
                    f"({_EXAMPLE}); Soku posts to that channel as the webhook",
        # writeOnly: the URL holds the webhook's token, so forms treat it as a password
        json_schema_extra={"examples": ["https://discord.com/api/webhooks/1234567890123456789/abcDEF-ghi_jkl"],
                           "writeOnly": True})


def parse_webhook_url(url: str) -> tuple[str, str]:
    """(webhook id, token) of a webhook URL on the configured Discord host; `invalid(...)` otherwise.

    Nothing is resolved or fetched here except through the SSRF check of a URL already known
    to be on that host."""
    base = host("discord_api").rstrip("/")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise invalid("webhookUrl", f"This is not a URL; a Discord webhook URL looks like {_EXAMPLE}") from None
    expected = urlsplit(base)
    hostname = (parts.hostname or "").lower()
    if base == PRODUCTION_BASE:
        on_host = parts.scheme == "https" and hostname in DISCORD_HOSTS and port in (None, 443)
        prefix = ""
    else:
        # The local stack: the sandbox's own origin and path prefix, exactly.
        on_host = (parts.scheme == expected.scheme and hostname == (expected.hostname or "")
                   and port == expected.port)
        prefix = expected.path.rstrip("/")
    if not on_host or parts.username is not None or parts.password is not None:
        raise invalid("webhookUrl", f"Only Discord webhook URLs are accepted ({_EXAMPLE}); this URL is on "
                                    f"another host")
    if parts.query or parts.fragment:
        raise invalid("webhookUrl", f"Paste the webhook URL as Discord gives it, without ?query or #fragment "
                                    f"({_EXAMPLE})")
    path = parts.path
    matched = _PATH.match(path[len(prefix):]) if path.startswith(prefix + "/") else None
    if matched is None:
        raise invalid("webhookUrl", f"This is not a Discord webhook URL: it must be {_EXAMPLE}")
    try:
        safe_http.check_url(url.strip())
    except safe_http.FetchRefused as refusal:
        raise invalid("webhookUrl", f"This webhook URL cannot be used: {refusal.reason}") from None
    return matched["id"], matched["token"]


def webhook_api(webhook_id: str, token: str) -> str:
    """The webhook's URL on the configured host (never the caller's own URL)."""
    return f"{host('discord_api').rstrip('/')}/api/{API_VERSION}/webhooks/{webhook_id}/{token}"


class DiscordProvider:
    platform = Platform.DISCORD
    credentials = DiscordCredentials

    def verify(self, credentials: DiscordCredentials) -> list[NewAccount]:
        webhook_id, token = parse_webhook_url(credentials.webhookUrl)
        try:
            # `call` sorts the answer: 429, 5xx and transport failures are platform_unavailable
            # (502); any other refusal is the code below.
            webhook = call(self.platform, "GET", webhook_api(webhook_id, token), failure="webhook_refused")
        except ConnectError as error:
            if error.code != "webhook_refused":
                raise
            raise refused("webhookUrl", "Discord does not accept this webhook URL (the webhook was deleted, or "
                                        f"its token reset): copy the URL again from the channel's settings. "
                                        f"{error.message}") from None
        if str(webhook.get("id")) != webhook_id or not webhook.get("channel_id"):
            raise refused("webhookUrl", "Discord answered for another webhook than this URL names")
        return [NewAccount(
            platform_user_id=webhook_id, display_name=webhook.get("name") or f"Webhook {webhook_id}",
            tokens=Tokens(token), grant_id=f"discord:{webhook_id}",
            extra={"webhookId": webhook_id, "channelId": str(webhook["channel_id"]),
                   "guildId": str(webhook["guild_id"]) if webhook.get("guild_id") else None})]

    def revoke(self, tokens: Tokens, data: dict[str, Any]) -> bool:
        # "Delete Webhook with Token" would remove the server's webhook for everyone who uses it:
        # not ours to do. Disconnecting forgets the URL.
        return False


def provider() -> DiscordProvider:
    """The connector the registry serves for Discord (shared/platforms/loader.py)."""
    return DiscordProvider()
