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


OPTIONS = YouTubeOptions  # post.content.options.youtube (shared/models/options)
