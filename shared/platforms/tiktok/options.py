"""Options for TikTok posts (`post.content.options.tiktok`).

They map onto the Content Posting API's `post_info` (and, for photo posts,
`source_info.photo_cover_index`). Which privacy levels and interactions an
account may use is only known at publish time, from `creator_info/query`: a
value the account does not offer fails the run with a clear message.
"""

from typing import Literal

from pydantic import Field

from shared.models.options_base import Options
from shared.platforms.tiktok.manifest import MAX_PHOTO_TITLE, MAX_PHOTOS


class TikTokOptions(Options):
    privacyLevel: Literal["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"] | None = Field(
        default=None,
        description="Who can see the post (`post_info.privacy_level`). Must be one of the account's "
                    "`privacy_level_options` (checked at publish time). Default: SELF_ONLY, the only level "
                    "unaudited TikTok apps may use.")
    disableComment: bool = Field(
        default=False, description="Turn comments off (`disable_comment`); forced on when the creator has "
                                   "comments off in TikTok.")
    disableDuet: bool = Field(
        default=False, description="Video posts: turn duets off (`disable_duet`); forced on when the creator "
                                   "has duets off.")
    disableStitch: bool = Field(
        default=False, description="Video posts: turn stitches off (`disable_stitch`); forced on when the "
                                   "creator has stitches off.")
    videoCoverTimestampMs: int | None = Field(
        default=None, ge=0, description="Video posts: the frame used as cover, in milliseconds from the start "
                                         "(`video_cover_timestamp_ms`).")
    title: str | None = Field(default=None, max_length=MAX_PHOTO_TITLE,
                              description="Photo posts: title (`post_info.title`, up to 90 characters); the "
                                          "post's text becomes the description.")
    photoCoverIndex: int | None = Field(
        default=None, ge=0, le=MAX_PHOTOS - 1, description="Photo posts: which image (0-based) is the cover "
                                               "(`photo_cover_index`). Default 0.")
    autoAddMusic: bool = Field(default=False,
                               description="Photo posts: let TikTok add recommended music (`auto_add_music`).")
    brandContentToggle: bool = Field(
        default=False, description="Paid partnership promoting a third-party brand (`brand_content_toggle`). "
                                   "TikTok does not allow branded content to be private (SELF_ONLY).")
    brandOrganicToggle: bool = Field(
        default=False, description="Promotes the creator's own business (`brand_organic_toggle`).")
    isAigc: bool = Field(default=False, description="Video posts: label the video as AI-generated (`is_aigc`).")


OPTIONS = TikTokOptions  # post.content.options.tiktok (shared/models/options)
