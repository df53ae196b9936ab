"""Bodies of `GET /v1/me` and `GET /v1/accounts` (integrations: Zapier, SDKs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.platforms import ALIASES, Platform

PlatformValue = Literal[tuple(p.value for p in Platform)]  # type: ignore[valid-type]
# Every name a post's targets and the ?platform= filters take: the platforms and their aliases.
# Defined once: typing caches a Literal by its set of values, so a second Literal of the same
# names in another order would get whichever was built first, and the JSON Schema (openapi.json)
# would list them in an order that depends on import order.
PlatformAlias = Literal[tuple(ALIASES)]  # type: ignore[valid-type]


class KeyInfo(BaseModel):
    id: str = Field(description="The key's id (SHA-256 of the key; the key itself is never stored)")
    name: str
    scopes: list[str] = Field(description="What this key may do (a key created without scopes holds all)")
    kind: Literal["personal", "agent"] = Field(description="What the key is for: your own use, or an AI agent's")


class SubscriptionInfo(BaseModel):
    status: str = Field(description="`active` or `trialing`")


class CreditsInfo(BaseModel):
    balance: float = Field(description="AI credits left (`users/{uid}/credits/current.balance`)")


class RateLimitInfo(BaseModel):
    tier: Literal["default", "authenticated", "premium", "admin"]
    limit: int = Field(description="Requests per minute")
    burst: int = Field(description="Extra requests allowed beyond the limit, per 10 minutes")


class BudgetUsage(BaseModel):
    used: int = Field(description="Used today (UTC)")
    limit: int = Field(description="The tier's daily ceiling")
    unit: Literal["targets", "bytes", "images", "minutes"]
    resetsAt: str = Field(description="Next UTC midnight, when `used` starts again from 0",
                          json_schema_extra={"format": "date-time"})


class DailyUsage(BaseModel):
    """Today's use of each daily ceiling (docs/limits-and-errors.md, "Daily ceilings")."""

    posts: BudgetUsage = Field(description="Post targets submitted (`POST /v1/posts`, one per target)")
    mediaBytes: BudgetUsage = Field(description="Media bytes stored (`POST /v1/media`, completed uploads)")
    renders: BudgetUsage = Field(description="Images rendered (`POST /v1/templates`; cached renders are free)")
    transcriptionMinutes: BudgetUsage = Field(description="Minutes transcribed (`POST /v1/ai/transcribe`)")


class MeResponse(BaseModel):
    """Who the API key belongs to: Zapier's connection test."""

    userId: str
    keyId: str = Field(description="Same as `key.id`")
    key: KeyInfo
    email: str | None = None
    displayName: str | None = None
    tier: Literal["default", "authenticated", "premium", "admin"]
    rateLimit: RateLimitInfo
    subscription: SubscriptionInfo
    credits: CreditsInfo
    usage: DailyUsage = Field(description="Today's use of the daily ceilings; over one, 429 "
                                          "`daily_limit_exceeded`")


class AccountsQuery(BaseModel):
    platform: PlatformAlias | None = Field(
        default=None, description="Only this platform's accounts (an alias names its platform: `facebook_pages` "
                                  "means `facebook`, `gbp` `google_business`)")
    include: Literal["health"] | None = Field(default=None, description=(
        "`health`: each account with its `statusReason` and `health`, as `GET /v1/accounts/{id}` shows them, in "
        "this one request (a dashboard listing every account's state)"))


class ConnectedAccount(BaseModel):
    accountId: str = Field(description="Use as `accountId` in `post.content.platform`")
    platform: PlatformValue
    displayName: str | None
    status: str = Field(description="`connected`, or `needs_reconnect` when the platform token must be renewed")
    connectedAt: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    accountType: str | None = Field(default=None, description=(
        "Instagram: `facebook_login` (linked to a Facebook Page) or `instagram_login` (without one); LinkedIn: "
        "`member` or `organization`. Absent where the platform has one kind of account"))
    statusReason: str | None = Field(default=None, description="With `include=health`: why it needs reconnecting")
    health: dict | None = Field(default=None, description=(
        "With `include=health`: token expiry and last publish, the `health` of GET /v1/accounts/{id}"))


class AccountsResponse(BaseModel):
    accounts: list[ConnectedAccount]
