"""Per-platform options: `post.content.options.<platform>` and a target's own `options`.

One model per platform, in its own module; unknown option names are refused.
Options given for a platform apply to every target on it; a target object's
`options` override them for that account.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.models.options._base import Options
from shared.models.options.facebook import FacebookOptions
from shared.models.options.instagram import InstagramOptions
from shared.models.options.linkedin import LinkedInOptions
from shared.models.options.snapchat import SnapchatOptions
from shared.models.options.threads import ThreadsOptions
from shared.models.options.tiktok import TikTokOptions
from shared.models.options.x import XOptions
from shared.models.options.youtube import YouTubeOptions
from shared.platforms import Platform

OPTION_MODELS: dict[Platform, type[Options]] = {
    Platform.X: XOptions,
    Platform.INSTAGRAM: InstagramOptions,
    Platform.FACEBOOK: FacebookOptions,
    Platform.THREADS: ThreadsOptions,
    Platform.TIKTOK: TikTokOptions,
    Platform.YOUTUBE: YouTubeOptions,
    Platform.LINKEDIN: LinkedInOptions,
    Platform.SNAPCHAT: SnapchatOptions,
}


class PlatformOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: XOptions | None = None
    instagram: InstagramOptions | None = None
    facebook: FacebookOptions | None = None
    threads: ThreadsOptions | None = None
    tiktok: TikTokOptions | None = None
    youtube: YouTubeOptions | None = None
    linkedin: LinkedInOptions | None = None
    snapchat: SnapchatOptions | None = None


__all__ = ["OPTION_MODELS", "Options", "PlatformOptions"]
