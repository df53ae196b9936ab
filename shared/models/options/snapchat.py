"""Options for Snapchat posts (`post.content.options.snapchat`)."""

from typing import Literal

from pydantic import Field

from shared.models.options._base import Options


class SnapchatOptions(Options):
    kind: Literal["story", "spotlight"] = "story"
    locale: str = Field(default="en_US", pattern=r"^[a-z]{2}_[A-Z]{2}$", description="Spotlight: required locale")
    skipSaveToProfile: bool = False
