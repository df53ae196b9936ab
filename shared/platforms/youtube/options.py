"""Options for YouTube uploads (`post.content.options.youtube`)."""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.youtube.manifest import MAX_TITLE_CHARS


class YouTubeOptions(Options):
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE_CHARS,
                              description="Defaults to the first line of the post text")
    privacy: Literal["public", "private", "unlisted"] = "public"
    tags: list[str] | None = Field(default=None, max_length=50)
    categoryId: str | None = Field(default=None, pattern=r"^\d{1,3}$")
    madeForKids: bool = False
    # 10,000 characters: YouTube's comment box; commentThreads.insert names the error for a longer
    # one (commentTextTooLong, developers.google.com/youtube/v3/docs/commentThreads/insert) but no
    # figure [unverified].
    firstComment: str | None = Field(
        default=None, max_length=10_000,
        description="Posted by the channel as the first comment once the video is processed "
                    "(commentThreads.insert); if it fails (YouTube turns comments off on videos made for "
                    "kids), the video still counts as published")


OPTIONS = YouTubeOptions  # post.content.options.youtube (shared/models/options)
