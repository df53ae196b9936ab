"""The eight platforms: names, aliases and what each accepts, declared as data.

Submission checks what can be known up front from this table (text length,
media count and kind), so a post that cannot work fails at `POST /v1/posts`
with a clear message instead of later in a run. Figures come from
`reference/platform-apis.md`; where platforms disagree or change often the
conservative figure is used and the publishers re-check at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shared.text_counting import x_weighted_length


class Platform(str, Enum):
    X = "x"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    THREADS = "threads"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    LINKEDIN = "linkedin"
    SNAPCHAT = "snapchat"


# Accepted spellings in requests -> canonical platform.
ALIASES: dict[str, Platform] = {p.value: p for p in Platform} | {"facebook_pages": Platform.FACEBOOK}


@dataclass(frozen=True)
class PlatformRules:
    display_name: str
    max_text: int
    text_required: bool  # a post with no text at all is refused
    media_required: bool  # no text-only posts
    accepts_images: bool
    accepts_video: bool
    max_images: int  # per post (carousel / multi-image)
    weighted_text: bool = False  # X counts URLs as 23 and wide characters as 2


RULES: dict[Platform, PlatformRules] = {
    Platform.X: PlatformRules("X", 280, False, False, True, True, 4, weighted_text=True),
    Platform.INSTAGRAM: PlatformRules("Instagram", 2200, False, True, True, True, 10),
    Platform.FACEBOOK: PlatformRules("Facebook", 63206, False, False, True, True, 10),
    Platform.THREADS: PlatformRules("Threads", 500, False, False, True, True, 20),
    # TikTok takes a video, or a photo post of up to 35 images.
    Platform.TIKTOK: PlatformRules("TikTok", 2200, False, True, True, True, 35),
    # YouTube's text becomes the video description (title comes from options or the text).
    Platform.YOUTUBE: PlatformRules("YouTube", 5000, False, True, False, True, 0),
    Platform.LINKEDIN: PlatformRules("LinkedIn", 3000, False, False, True, True, 20),
    # Snapchat Story/Spotlight: one video or one image per post.
    Platform.SNAPCHAT: PlatformRules("Snapchat", 160, False, True, True, True, 1),
}

def text_length(platform: Platform, text: str) -> int:
    return x_weighted_length(text) if RULES[platform].weighted_text else len(text)
