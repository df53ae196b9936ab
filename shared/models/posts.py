"""Bodies of the posts routes, as the spec (004) describes them.

`post.content.platform` takes a string, an object `{platform, accountId,
targetId}`, or an array mixing both. Unknown fields are refused with their
path, so a typo (`imageUrl` for `imageUrls`) is reported rather than ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    StrictBool,
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
)

from shared.models.options import PlatformOptions
from shared.platforms import ALIASES, MAX_THREAD_REPLIES, Platform

MediaType = Literal["video", "image", "text"]
TARGET_ID_PATTERN = r"^[A-Za-z0-9_.:@\-]{1,128}$"


def _platform(value: str) -> str:
    if value not in ALIASES:
        raise ValueError(f"Unknown platform '{value}'; expected one of: {', '.join(ALIASES)}")
    return value


PlatformName = Annotated[str, AfterValidator(_platform)]
Url = Annotated[HttpUrl, Field(max_length=2048)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlatformTarget(_Strict):
    platform: PlatformName
    accountId: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"^[^/]+$")
    targetId: str | None = Field(default=None, pattern=TARGET_ID_PATTERN)
    # This account's options; validated against its platform's option model.
    options: dict[str, Any] | None = None


PlatformEntry = Union[PlatformName, PlatformTarget]


class ThreadPart(_Strict):
    """One reply of a thread (`post.content.thread`): its text and its own media, taken as a post's
    are (`mediaType` inferred when left out)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "2/ The details, with a chart"},
        {"text": "3/ Where to find it", "imageUrls": ["https://example.com/chart.png"]}]})

    text: str | None = Field(default=None, max_length=70000)
    mediaType: MediaType | None = None
    videoUrl: Url | None = None
    imageUrls: list[Url] | None = Field(default=None, max_length=50)
    mediaUrls: list[Url] | None = Field(default=None, max_length=50)
    mediaIds: list[Annotated[str, Field(min_length=1, max_length=128)]] | None = Field(default=None, max_length=50)


class PostContent(_Strict):
    text: str | None = Field(default=None, max_length=70000)
    platform: PlatformEntry | list[PlatformEntry]
    mediaType: MediaType | None = None
    videoUrl: Url | None = None
    imageUrls: list[Url] | None = Field(default=None, max_length=50)
    mediaUrls: list[Url] | None = Field(default=None, max_length=50)
    mediaIds: list[Annotated[str, Field(min_length=1, max_length=128)]] | None = Field(default=None, max_length=50)
    originalImageUrl: Url | None = None
    originalVideoUrl: Url | None = None
    originalImageUrls: list[Url] | None = Field(default=None, max_length=50)
    originalMediaUrls: list[Url] | None = Field(default=None, max_length=50)
    options: PlatformOptions | None = None
    thread: list[ThreadPart] | None = Field(default=None, min_length=1, max_length=MAX_THREAD_REPLIES, description=(
        "Replies that follow the post, in order, making a thread: each answers the one before it (X, Threads, "
        "Bluesky and Mastodon). The post's own text and media are the thread's first post"))

    @field_validator("platform")
    @classmethod
    def _not_empty(cls, value):
        if isinstance(value, list) and not value:
            raise ValueError("At least one platform is required")
        return value


class Post(_Strict):
    content: PostContent


class CreatePostRequest(_Strict):
    post: Post
    # Parsed by the scheduling service, which owns the spec's two messages.
    scheduledTime: str | None = None
    # Strict: 0, 1 or "true" are refused rather than silently read as booleans.
    enableRepurposing: StrictBool = False
    draft: StrictBool = Field(default=False, description=(
        "Store the post, checked as any post is, without scheduling or publishing it: `status` is `draft` until "
        "POST /v1/posts/{id}/publish publishes it (a `scheduledTime` it carries places it on the calendar only)"))


class EditPostRequest(_Strict):
    """`PATCH /v1/posts/{id}`: what to change in a draft or a scheduled post that has not started.
    Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"scheduledTime": "2099-12-24T09:00:00Z"},
        {"post": {"content": {"text": "Launch day, take two", "platform": ["x", "linkedin"]}}}]})

    post: Post | None = Field(default=None, description=(
        "The post's new content, whole: text, targets, media and options, checked as at submission; its runs "
        "are made anew from it"))
    scheduledTime: str | None = Field(default=None, description=(
        "A new time (at least a minute ahead). On a draft, null clears it; a scheduled post is published now "
        "with POST /v1/posts/{id}/publish"))


class CreatePostResponse(BaseModel):
    postSubmissionId: str


def canonical_platform(name: str) -> Platform:
    return ALIASES[name]
