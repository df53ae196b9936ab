"""Bodies of the platform catalog: `GET /v1/platforms`, `GET /v1/platforms/{platform}` and
`GET /v1/accounts/{account_id}/capabilities` (shared/services/platform_catalog.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shared.models.account import PlatformValue


class TextRule(BaseModel):
    maxLength: int = Field(description="The most the platform takes, counted in `unit`")
    unit: str = Field(description="What `maxLength` counts, as the platform counts it (X: weighted characters; "
                                  "YouTube: UTF-8 bytes; Threads: characters with an emoji as its UTF-8 bytes)")
    required: bool = Field(description="A post without text is refused")
    source: str | None = Field(default=None, description="The platform's page that states the limit")


class MediaSummary(BaseModel):
    required: bool = Field(description="A post needs at least one image or video")
    images: bool
    video: bool
    maxImages: int = Field(description="Images in one post at the most")


class MediaRuleView(BaseModel):
    type: str = Field(description="`image` or `video`")
    formats: list[str] = Field(description="MIME types")
    maxBytes: int | None = None
    minDurationSeconds: float | None = None
    maxDurationSeconds: float | None = None
    source: str | None = None


class PostKindView(BaseModel):
    kind: str = Field(description="How `post.content.options.<platform>` selects it, where it does")
    description: str
    minMedia: int
    maxMedia: int
    carriesText: bool = Field(description="The post shows the text (Instagram stories, for one, do not)")
    maxText: int | None = Field(default=None, description="This kind's own text limit where it is below the "
                                                          "platform's (a Telegram caption: 1024), in the same unit")
    media: list[MediaRuleView]
    source: str | None = None


class Connection(BaseModel):
    type: str = Field(description="`oauth`: connect through `POST /v1/connections/{platform}/start` (the platform's "
                                  "consent page); `manual`: `POST /v1/connections/{platform}` with the credentials "
                                  "in `fields`")
    scopes: list[str] = Field(description="What Soku asks the platform for when connecting (none for `manual`)")
    fields: dict[str, Any] | None = Field(default=None, description="JSON Schema of the body to send: `manual`, "
                                                                      "the credentials; `oauth` on a server of the "
                                                                      "user's choosing (Mastodon), the start request's")


class Capabilities(BaseModel):
    publish: bool
    schedule: bool = Field(description="`scheduledTime`: Soku holds the post and publishes it then")
    delete: bool = Field(description="`DELETE /v1/posts/{id}` takes a published post down there")
    metrics: bool = Field(description="`GET /v1/posts/{id}/metrics` or `GET /v1/accounts/{id}/metrics` reads the "
                                      "platform (either: the platform view's `metrics` says which, and why not)")
    firstComment: bool = Field(description="`options.<platform>.firstComment` posts a comment once published")
    threads: bool = Field(description="`post.content.thread` publishes as a chain of posts, each replying to the last")


class MetricsKindSupport(BaseModel):
    supported: bool = Field(description="Soku reads these metrics from the platform")
    description: str | None = Field(default=None, description="What they are, where they differ from the common "
                                                              "shape (views, likes… or followers, following, posts)")
    reason: str | None = Field(default=None, description="Why not, where not supported (the `not_supported` "
                                                         "error's message)")


class MetricsSupport(BaseModel):
    posts: MetricsKindSupport = Field(description="`GET /v1/posts/{id}/metrics`")
    accounts: MetricsKindSupport = Field(description="`GET /v1/accounts/{id}/metrics`")


class AccountTypeView(BaseModel):
    id: str = Field(description="`accountType` of the start request and of the accounts of this type")
    displayName: str
    description: str
    login: str = Field(description="The login that connects it (`facebook_login`, `instagram_login`; `oauth` where "
                                   "every type of the platform shares the platform's one login)")
    aliases: list[str] = Field(description="Other names of it, also accepted as a post target's platform")
    differences: list[str] = Field(description="What works differently for accounts of this type")
    default: bool = Field(description="The type a start request without `accountType` connects")
    selectableAtStart: bool = Field(description="Whether `POST /v1/connections/{platform}/start` takes it as "
                                                "`accountType` (a LinkedIn Page comes with its member's login)")
    capabilityScopes: dict[str, list[str]] = Field(description="Scopes a capability needs for this type")
    scopes: list[str] = Field(default_factory=list, description="What Soku asks for when connecting this type")


class PlatformView(BaseModel):
    platform: PlatformValue
    displayName: str
    aliases: list[str] = Field(description="Other names `POST /v1/posts` accepts for it")
    text: TextRule
    media: MediaSummary
    postKinds: list[PostKindView]
    options: dict[str, Any] = Field(description="JSON Schema of `post.content.options.<platform>`")
    connection: Connection
    capabilities: Capabilities
    metrics: MetricsSupport = Field(description="Which metrics `capabilities.metrics` means for this platform")
    publishesPerSecond: int = Field(description="Soku's own pace for the platform: publishing attempts started "
                                                 "per second across all users, under the platform's app limits")
    capabilityScopes: dict[str, list[str]] = Field(
        description="Scopes a capability needs beyond publishing; an account that did not grant them lacks it")
    accountTypes: list[AccountTypeView] = Field(
        default_factory=list, description="The platform's kinds of account where it has several (Instagram with or "
                                          "without a Facebook Page; LinkedIn members and Pages); empty otherwise")


class TierLimit(BaseModel):
    perMinute: int
    burst: int


class SokuLimits(BaseModel):
    rateLimits: dict[str, TierLimit] = Field(description="Requests per minute by tier, every route")
    endpointLimits: dict[str, int] = Field(description="Per-endpoint requests per minute, on top, every tier")
    dailyCeilings: dict[str, dict[str, int]] = Field(description="Per-account daily ceilings by tier")


class PlatformsResponse(BaseModel):
    platforms: list[PlatformView]
    limits: SokuLimits = Field(description="What Soku itself applies, whatever the platform")


class AccountCapabilities(BaseModel):
    accountId: str
    platform: PlatformValue
    accountType: str | None = Field(default=None, description="The account's type (`accountTypes` of "
                                                              "`GET /v1/platforms/{platform}`); null where the "
                                                              "platform has one kind")
    grantedScopes: list[str] | None = Field(description="What the account granted when it connected (null: not "
                                                        "recorded; capabilities then assume Soku's scopes)")
    capabilities: Capabilities
    missingScopes: dict[str, list[str]] = Field(description="For each capability the account lacks for want of "
                                                            "scopes, the scopes to grant (reconnect to grant them)")
    maxText: int = Field(description="The most text a post to this account may carry, in the platform's unit "
                                     "(`text.unit` of `GET /v1/platforms/{platform}`): the platform's limit, or the "
                                     "account's own where that varies by account (a Mastodon server's "
                                     "`max_characters`, read when the account was connected)")
    postKinds: list[str]
