"""Demo data for the local stack: one subscribed user with the spec's accounts.

The account ids are exactly those used by the examples in the spec (004 and
002), so its curl examples run verbatim. The counts per platform follow from
the examples too: bare `"x"`, `"threads"`, `"linkedin"` and `"youtube"` appear,
so those platforms have one account each; Instagram, Facebook and TikTok are
always addressed by accountId, and have several (a bare `"tiktok"` therefore
answers `missing_account`, as the spec's rule says).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from shared import clock
from shared.adapters.gcp import firestore_client
from shared.services import api_keys, sealed_index
from shared.services.publishing.accounts import seal_tokens
from shared.services.publishing.base import Tokens

DEMO_USER_ID = "demo-user"
DEMO_EMAIL = "demo@soku.local"
DEMO_PASSWORD = "soku-demo-password"  # the local Auth emulator only
DEMO_CREDITS = 500

DEMO_ACCOUNTS: dict[str, list[tuple[str, str]]] = {
    "x": [("x_main", "@soku_demo")],
    "instagram": [
        ("ig_creator_main", "Creator (main)"),
        ("ig_creator", "Creator"),
        ("ig_main", "Main"),
        ("ig_personal", "Personal"),
        ("ig_business", "Business"),
        ("acct-a", "Test plan account A"),
        ("acct-b", "Test plan account B"),
        # Connected through Instagram Login (no Facebook Page): the `instagram_login` account
        # type, published to on the sandbox's graph.instagram.com (_instagram_login).
        ("ig_no_page", "Instagram without a Page"),
    ],
    "facebook": [("fb_page_42", "Page 42"), ("fb_page_main", "Main Page")],
    "threads": [("threads_main", "@soku_demo")],
    "tiktok": [("tt_creator", "Creator"), ("tt_main", "Main"), ("tt_brand", "Brand")],
    "youtube": [("yt_channel", "Soku Demo Channel")],
    "linkedin": [("li_member", "Soku Demo")],
    "snapchat": [("snap_profile", "Soku Demo")],
    # Connected with credentials (POST /v1/connections/{platform}): the sandbox's own bot and
    # channel, and its demo webhook, which every demo user shares (_fixed_identity); the ids are
    # those connecting them gives, so connecting them again updates these.
    "telegram": [("telegram_-1001987654321", "Soku Demo Channel")],
    "discord": [("discord_1300000000000000001", "Soku Demo")],
    # One Business Profile location (a Soku account is a location: shared/platforms/google_business).
    "google_business": [("gbp_location", "Soku Demo Bakery")],
    # OAuth like the first eight: the Pinterest sandbox gives any user one board, which a Pin
    # without a boardId goes on.
    "pinterest": [("pinterest_demo", "Soku Demo")],
    # OAuth like Pinterest: a post with no options goes on the user's own profile (`u_<name>`,
    # the sandbox user whose name is the account's platform user id).
    "reddit": [("reddit_demo", "u/soku_demo")],
}


def platform_user_id(user_id: str, platform: str, account_id: str) -> str:
    """The account's id on the platform: distinct per user, so users never share sandbox state."""
    return f"{platform}-{account_id}-{hashlib.sha256(user_id.encode()).hexdigest()[:8]}"


def sandbox_tokens(platform: str, subject: str, lifetime_s: int = 3600) -> Tokens:
    from datetime import datetime, timezone

    from devstack.sandboxes.core import mint_tokens

    access, refresh, expiry = mint_tokens(platform, subject, lifetime_s)
    return Tokens(access, refresh, datetime.fromtimestamp(expiry, timezone.utc))


def _fixed_identity(platform: str, subject: str) -> tuple[str, Tokens, dict]:
    """(platform user id, tokens, extra fields) of a demo account. OAuth platforms' sandboxes
    mint tokens for any subject; a Telegram bot token and a Discord webhook are credentials the
    sandbox issued once, so those accounts are the sandbox's demo bot/channel and webhook, stored
    as their connectors store them (shared/platforms/<name>/connector.py)."""
    if platform == "telegram":
        from devstack.sandboxes.telegram import world

        chat_id = str(world.CHAT_ID)
        return chat_id, Tokens(world.BOT_TOKEN), {
            "chatId": chat_id, "chatType": "channel", "chatUsername": world.CHAT_USERNAME,
            "botId": str(world.BOT_ID), "botUsername": world.BOT_USERNAME, "grantId": f"telegram:{world.BOT_ID}:{chat_id}"}
    if platform == "discord":
        from devstack.sandboxes import discord

        return discord.WEBHOOK_ID, Tokens(discord.WEBHOOK_TOKEN), {
            "webhookId": discord.WEBHOOK_ID, "channelId": discord.CHANNEL_ID, "guildId": discord.GUILD_ID,
            "grantId": f"discord:{discord.WEBHOOK_ID}"}
    if platform == "google_business":
        from devstack.sandboxes import google_business

        # The token is the Google user's; the account is that user's first sandbox location.
        name = google_business.location_name(subject)
        return name.rsplit("/", 1)[1], sandbox_tokens(platform, subject), {
            "locationName": name, "businessAccount": google_business.personal_account(subject),
            "grantId": f"google_business:{google_business.CLIENT_ID}:{subject}"}
    if platform == "reddit":
        # The Reddit user's name: the publisher posts to its profile, u_<name>, by default.
        return subject, sandbox_tokens(platform, subject), {"username": subject,
                                                            "grantId": f"reddit:sbx-reddit-client:{subject}"}
    return subject, sandbox_tokens(platform, subject), {}


def demo_subject(user_id: str, platform: str, account_id: str) -> str:
    """Who a demo account is at its sandbox: the subject the sandbox records its posts under. For
    Telegram the chat's id and for Discord the webhook's (credentials the sandbox issued once);
    for the OAuth platforms the subject its tokens are minted for (a Google Business Profile
    location's posts are recorded under the Google user who holds them)."""
    subject = platform_user_id(user_id, platform, account_id)
    if platform in ("telegram", "discord"):
        return _fixed_identity(platform, subject)[0]
    return subject


# Demo accounts connected through Instagram Login rather than Facebook Login.
INSTAGRAM_LOGIN_ACCOUNTS = {"ig_no_page"}


def _instagram_login(subject: str) -> tuple[str, Tokens, dict]:
    """An Instagram Login account as its connector stores it (shared/platforms/instagram/
    instagram_login.py): the long-lived Instagram User token (60 days) in both slots."""
    from devstack.sandboxes.instagram.instagram_login import APP_ID, LONG_LIVED_S, TOKEN_PLATFORM

    tokens = sandbox_tokens(TOKEN_PLATFORM, subject, LONG_LIVED_S)
    tokens.refresh_token = tokens.access_token
    return subject, tokens, {"accountType": "instagram_login", "username": f"{subject}_ig",
                             "grantId": f"instagram_login:{APP_ID}:{subject}"}


def seed_demo_user(user_id: str = DEMO_USER_ID) -> None:
    db = firestore_client()
    now = clock.now()
    user = db.collection("users").document(user_id)
    user.set({
        "email": DEMO_EMAIL,
        "displayName": "Soku Demo",
        "subscription": {"status": "active", "currentPeriodEnd": now + timedelta(days=365)},
        "createdAt": now,
    })
    user.collection("credits").document("current").set({"balance": DEMO_CREDITS, "updatedAt": now})
    for platform, accounts in DEMO_ACCOUNTS.items():
        integration = user.collection("integrations").document(platform)
        integration.set({"platform": platform, "connectedCount": len(accounts), "updatedAt": now})
        for account_id, display_name in accounts:
            ref = integration.collection("accounts").document(account_id)
            if platform == "instagram" and account_id in INSTAGRAM_LOGIN_ACCOUNTS:
                subject, tokens, extra = _instagram_login(platform_user_id(user_id, platform, account_id))
            else:
                subject, tokens, extra = _fixed_identity(platform, platform_user_id(user_id, platform, account_id))
            ref.set({
                "accountId": account_id,
                "platform": platform,
                "displayName": display_name,
                "platformUserId": subject,
                "status": "connected",
                "repostEnabled": True,
                "repurposeEnabled": True,
                "connectedAt": now,
                # Tokens the platform sandboxes accept, encrypted like real ones.
                "tokens": seal_tokens(ref, tokens),
                **extra,
            })
            sealed_index.record(ref)


def seed_demo(user_id: str = DEMO_USER_ID) -> str:
    """Seed the demo user and return a fresh plaintext API key for it."""
    seed_demo_user(user_id)
    return api_keys.create_key(user_id, "Local demo key")
