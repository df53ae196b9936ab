"""Options for Instagram posts (`post.content.options.instagram`)."""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options


class InstagramOptions(Options):
    kind: Literal["feed", "reel", "story"] | None = Field(
        default=None,
        description="What to publish. `feed`: an image, or a carousel of 2-10 images/videos (a single video in "
                    "the feed is published as a reel shared to the feed); `reel`: the video as a reel; "
                    "`story`: one image or video as a story (stories carry no caption). "
                    "Default: images → feed, a video → reel")
    shareToFeed: bool | None = Field(
        default=None, description="Reels: also show the reel in the profile's feed (Instagram's default: yes)")
    firstComment: str | None = Field(
        default=None, max_length=2200,
        description="Posted as the first comment once the post is published; if it fails, the post still "
                    "counts as published")
    thumbOffsetMs: int | None = Field(
        default=None, ge=0, description="Reels: the cover frame, in milliseconds from the video's start")


OPTIONS = InstagramOptions  # post.content.options.instagram (shared/models/options)
