"""Options for Snapchat posts (`post.content.options.snapchat`)."""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.snapchat.manifest import MAX_DESCRIPTION


class SnapchatOptions(Options):
    kind: Literal["story", "spotlight"] = Field(
        default="story",
        description="story: the image or video is posted to the Public Profile's Story (the text is not sent; "
                    "the Story API takes no caption); spotlight: the video is posted to Spotlight (video only)")
    locale: str = Field(default="en_US", pattern=r"^[a-z]{2}_[A-Z]{2}$",
                        description="Spotlight: the locale Snap requires, e.g. en_US")
    skipSaveToProfile: bool = Field(
        default=False, description="Spotlight: do not also save the Snap to the Public Profile")
    description: str | None = Field(
        default=None, max_length=MAX_DESCRIPTION,
        description="Spotlight: the description (hashtags included, at most 160 characters); "
                    "defaults to the post text")


OPTIONS = SnapchatOptions  # post.content.options.snapchat (shared/models/options)
