"""Options for Instagram posts (`post.content.options.instagram`)."""

from typing import Literal

from pydantic import Field

from shared.models.options._base import Options


class InstagramOptions(Options):
    # feed: image or carousel post (a video in the feed is published as a reel);
    # reel: video as a reel; story: one image or video as a story.
    kind: Literal["feed", "reel", "story"] | None = None
    shareToFeed: bool | None = Field(default=None, description="Reels: also show in the feed")
    firstComment: str | None = Field(default=None, max_length=2200)
    thumbOffsetMs: int | None = Field(default=None, ge=0, description="Reels: cover frame offset")
