"""Options for TikTok posts (`post.content.options.tiktok`)."""

from typing import Literal

from pydantic import Field

from shared.models.options._base import Options


class TikTokOptions(Options):
    # Must be one of the creator's privacy_level_options (checked at publish time).
    privacyLevel: Literal["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"] | None = None
    disableComment: bool = False
    disableDuet: bool = False
    disableStitch: bool = False
    videoCoverTimestampMs: int | None = Field(default=None, ge=0)
    title: str | None = Field(default=None, max_length=90, description="Photo posts: title")
    brandContentToggle: bool = False
    brandOrganicToggle: bool = False
    isAigc: bool = False
