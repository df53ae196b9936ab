"""Response bodies and query of the posts routes, as the posts services build them.

The services return plain dicts; these models document them (the OpenAPI
document is generated from them) and, outside production, the pipeline checks
every response against them, so the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.models.common import IsoDateTime
from shared.models.account import PlatformAlias

SubmissionStatus = Literal["draft", "queued", "orchestrating", "dispatched", "canceled"]
_DateTime = Field(default=None, json_schema_extra={"format": "date-time"})


class RunDeletion(BaseModel):
    """Taking a run's published post down at its platform."""

    status: Literal["deleting", "deleted", "failed"]
    at: str | None = Field(default=None, json_schema_extra={"format": "date-time"},
                           description="When it was claimed (`deleting`), done (`deleted`) or refused (`failed`)")
    error: dict[str, Any] | None = Field(
        default=None, description="When `failed`: the platform's refusal, `code` (the publishing error "
                                  "taxonomy: `missing_permission`, `token_expired`, `rate_limited`, "
                                  "`platform_unavailable`, …), `message` (the platform's words) and `retryable`")
    alreadyGone: bool | None = Field(
        default=None, description="True when the platform no longer had the post (deleted there first)")


class RunView(BaseModel):
    """One target of a post: `postSubmissions/{id}/runs/{targetId}`."""

    targetId: str | None
    platform: str | None
    accountId: str | None
    status: str | None = Field(description="`queued`, `processing`, `succeeded`, `failed`, `canceled` or `unconfirmed` "
                                           "(the platform may hold the post, or holds it for the creator to finish; "
                                           "`result.code` says which: check the account, then retry if it is missing)")
    attemptCount: int
    createdAt: str | None = _DateTime
    startedAt: str | None = _DateTime
    finishedAt: str | None = _DateTime
    result: dict[str, Any] | None = Field(
        description="The platform post id and URL (`postId`, `url`; `url` is null where the platform gives "
                    "no URL yet: TikTok adds `publishId` and `urlUnavailable`), or an error `code` and `message`")
    lastError: dict[str, Any] | None = Field(
        default=None, description="While the run is still being retried: why the last attempt did not "
                                  "finish (`code`, `message`, `retryable`)")
    nextAttemptAt: str | None = Field(
        default=None, json_schema_extra={"format": "date-time"},
        description="When a run waiting for the platform's rate-limit or quota reset is tried again")
    deletedAt: str | None = Field(
        default=None, json_schema_extra={"format": "date-time"},
        description="When the published post was taken down at the platform "
                    "(`DELETE /v1/posts/{id}/runs/{targetId}/published`)")
    deletion: RunDeletion | None = Field(
        default=None, description="The last request to take the published post down, and its outcome")


class PostSummary(BaseModel):
    id: str
    postSubmissionId: str
    status: str | None = Field(description="`draft`, `queued`, `orchestrating`, `dispatched` or `canceled`")
    createdAt: str | None = _DateTime
    updatedAt: str | None = _DateTime
    scheduledTime: str | None = _DateTime
    enableRepurposing: bool
    content: dict[str, Any] | None
    targets: list[dict[str, Any]]
    platforms: list[str]
    revision: int = Field(default=1, description=(
        "Goes up with each edit (PATCH): the post's `ETag` is `\"<revision>\"`; send it as `If-Match` to "
        "refuse an edit made on a stale copy (412)"))


class PostView(PostSummary):
    runs: list[RunView]
    runCounts: dict[str, int]


class RetryPostResponse(PostView):
    retried: list[str] = Field(description="Target ids of the runs queued again")


class TakedownOutcome(BaseModel):
    """What `POST /v1/posts/{id}/unpublish` did with one published run."""

    targetId: str
    platform: str | None
    outcome: Literal["deleted", "failed", "not_supported", "in_progress"]
    alreadyGone: bool | None = Field(default=None, description="Deleted: the platform no longer had the post")
    error: dict[str, Any] | None = Field(
        default=None, description="Otherwise: `code` and `message` (and `retryable` when the platform failed)")


class UnpublishResponse(PostView):
    takedown: list[TakedownOutcome] = Field(description="One entry per run that had published")


class PostListResponse(BaseModel):
    data: list[PostSummary]
    hasMore: bool
    nextCursor: str | None = Field(description="Pass as `cursor` to get the next page")


class ValidatePostResponse(BaseModel):
    valid: bool
    mediaType: str | None
    media: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    scheduledTime: str | None = _DateTime


class ListPostsQuery(BaseModel):
    """Newest first; a Zapier polling trigger pages with `cursor`. `sort=scheduledTime` is the
    calendar: scheduled posts only, earliest first, filtered by `scheduledAfter`/`scheduledBefore`."""

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=512, description="`nextCursor` of the previous page")
    status: SubmissionStatus | None = None
    platform: PlatformAlias | None = None
    createdAfter: IsoDateTime | None = None
    createdBefore: IsoDateTime | None = None
    sort: Literal["createdAt", "scheduledTime"] | None = Field(default=None, description=(
        "`createdAt` (the default): newest first. `scheduledTime`: posts with a scheduled time only, earliest "
        "first (the calendar); the default when scheduledAfter or scheduledBefore is given"))
    scheduledAfter: IsoDateTime | None = Field(default=None, description="Scheduled strictly after this time")
    scheduledBefore: IsoDateTime | None = Field(default=None, description="Scheduled strictly before this time")
