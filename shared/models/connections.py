"""Bodies of the connection routes: start a connect flow, one account's health, disconnect."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.models.account import PlatformAlias, PlatformValue

_DATE = {"format": "date-time"}


class ConnectStartRequest(BaseModel):
    """The start's optional body: Mastodon reads `instanceUrl` (each user's server is another host),
    Instagram `accountType` (which login); the other platforms' starts take none and ignore one."""
    accountType: str | None = Field(None, description=(
        "Instagram only: which kind of account to connect, one of the platform's `accountTypes` "
        "(`GET /v1/platforms/instagram`). `facebook_login` (the default; also what "
        "`/v1/connections/instagram_business/start` means): an Instagram professional account linked to a "
        "Facebook Page, through Facebook Login. `instagram_login`: an Instagram professional account without a "
        "Facebook Page, through Instagram Login. Another value is refused (400 naming `body.accountType`)"),
        examples=["instagram_login"])
    instanceUrl: str | None = Field(None, description=(
        "Mastodon only, and required there: the address of the user's server (`mastodon.social` alone "
        "means `https://mastodon.social`; https only, no query or fragment; a path prefix is kept). Soku "
        "registers its app on that server the first time (`POST /api/v1/apps`) and sends the browser to "
        "the server's own consent page"),
        examples=["https://mastodon.social"])


class ConnectStartResponse(BaseModel):
    platform: PlatformValue
    authorizeUrl: str = Field(description=(
        "Open this in the browser of the person who connects the account (the web app navigates to it). "
        "Soku's one-time page at `/oauth/{platform}/begin` shows which Soku account the platform account will "
        "join; *Continue* binds the flow to that browser (an HttpOnly cookie) and sends it to the platform's "
        "consent page, which sends it back to `redirectUri`. The callback links accounts only in the browser "
        "that continued. Works once, until `expiresAt`"))
    redirectUri: str = Field(description="The callback registered with the platform")
    expiresAt: str = Field(description="The flow must finish before this time", json_schema_extra=_DATE)
    accountType: str | None = Field(default=None, description="The kind of account this flow connects, where the "
                                                              "platform has several logins (Instagram)")


class ManualConnectedAccount(BaseModel):
    accountId: str = Field(description="Use as `accountId` in `post.content.platform` to post there")
    displayName: str | None
    reconnected: bool = Field(description="True when the account was connected already and its credentials "
                                          "were replaced")


class ManualConnectResponse(BaseModel):
    platform: PlatformValue
    accounts: list[ManualConnectedAccount]


class LastPublish(BaseModel):
    status: str = Field(description="`succeeded` or `failed`")
    at: str | None = Field(default=None, json_schema_extra=_DATE)
    postId: str | None = None
    code: str | None = Field(default=None, description="Why the last publish failed")


class AccountHealth(BaseModel):
    tokensReadable: bool = Field(description="False when the stored tokens cannot be decrypted: reconnect")
    tokenExpiresAt: str | None = Field(description="When the access token expires (null: it does not)",
                                       json_schema_extra=_DATE)
    tokenExpired: bool
    refreshable: bool = Field(description="Whether Soku can renew the access token without the user")
    tokensRefreshedAt: str | None = Field(default=None, json_schema_extra=_DATE)
    lastPublish: LastPublish | None


class AccountDetail(BaseModel):
    accountId: str
    platform: PlatformValue
    displayName: str | None
    status: str = Field(description="`connected`, or `needs_reconnect`: posts to it are refused until the "
                                    "user connects it again")
    statusReason: str | None = None
    statusChangedAt: str | None = Field(default=None, json_schema_extra=_DATE)
    connectedAt: str | None = Field(default=None, json_schema_extra=_DATE)
    platformUserId: str | None = None
    username: str | None = None
    authorType: str | None = Field(default=None, description="LinkedIn: `person` or `organization`")
    accountType: str | None = Field(default=None, description=(
        "Where the platform has several kinds of account (`accountTypes` of `GET /v1/platforms/{platform}`): "
        "Instagram `facebook_login` or `instagram_login`, LinkedIn `member` or `organization`; null elsewhere"))
    repostEnabled: bool
    repurposeEnabled: bool
    health: AccountHealth


class DisconnectResponse(BaseModel):
    accountId: str
    platform: PlatformValue
    disconnected: Literal[True]
    revocation: Literal["revoked", "not_supported", "kept_for_other_accounts", "failed", "no_tokens"] = Field(
        description="What happened at the platform: `not_supported` where it offers no revocation, "
                    "`kept_for_other_accounts` when another connected account uses the same login")
    revocationError: str | None = None


class AccountQuery(BaseModel):
    platform: PlatformAlias | None = Field(
        default=None, description="The account's platform, when the same id exists on several")
