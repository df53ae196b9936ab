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

from shared.text_counting import threads_length, utf16_length, x_weighted_length

THREADS_UNIT = "characters (an emoji counts its UTF-8 bytes)"
UTF16_UNIT = "UTF-16 code units"


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
    # What max_text counts, as error messages name it: "characters" (code points), "bytes"
    # (UTF-8), "UTF-16 code units", or Threads' "characters (an emoji counts its UTF-8 bytes)".
    text_unit: str = "characters"


# How each platform counts its limit, with the page that says so:
RULES: dict[Platform, PlatformRules] = {
    # Weighted length of twitter-text v3 (shared/text_counting.py): emoji sequence 2, URL 23,
    # CJK 2. docs.x.com/fundamentals/counting-characters; github.com/twitter/twitter-text
    Platform.X: PlatformRules("X", 280, False, False, True, True, 4, weighted_text=True),
    # "2200 characters" (developers.facebook.com/docs/instagram-platform/instagram-graph-api/
    # reference/ig-user/media, `caption`): unit not documented; we count code points.
    Platform.INSTAGRAM: PlatformRules("Instagram", 2200, False, True, True, True, 10),
    # 63,206 is the figure Facebook's composer enforces; the Graph API page reference
    # (developers.facebook.com/docs/graph-api/reference/page/feed, `message`) gives no limit
    # or unit: unit not documented; we count code points.
    Platform.FACEBOOK: PlatformRules("Facebook", 63206, False, False, True, True, 10),
    # "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
    # bytes." (developers.facebook.com/documentation/threads/posts): text_counting.threads_length.
    Platform.THREADS: PlatformRules("Threads", 500, False, False, True, True, 20, text_unit=THREADS_UNIT),
    # TikTok takes a video, or a photo post of up to 35 images. `title` (the caption) of
    # developers.tiktok.com/doc/content-posting-api-reference-direct-post: "max 2200 UTF-16
    # runes"; we count UTF-16 code units (an emoji outside the BMP is 2). Photo posts put the
    # text in `description`, 4000 there: 2200 is the stricter of the two.
    Platform.TIKTOK: PlatformRules("TikTok", 2200, False, True, True, True, 35, text_unit=UTF16_UNIT),
    # YouTube's text becomes the video description (title comes from options or the text):
    # "maximum length of 5000 bytes and may contain all valid UTF-8 characters except < and >"
    # (developers.google.com/youtube/v3/docs/videos, snippet.description); the title is "100
    # characters" (snippet.title), cut by the publisher. We count the description's UTF-8 bytes.
    Platform.YOUTUBE: PlatformRules("YouTube", 5000, False, True, False, True, 0, text_unit="bytes"),
    # `commentary` of the Posts API (learn.microsoft.com/linkedin/marketing/community-management/
    # shares/posts-api): 3000 characters; unit not documented; we count code points.
    Platform.LINKEDIN: PlatformRules("LinkedIn", 3000, False, False, True, True, 20),
    # Snapchat Story/Spotlight: one video or one image per post. 160 for a Spotlight
    # description (developers.snap.com/api/marketing-api/Public-Profile-API): unit not
    # documented; we count code points.
    Platform.SNAPCHAT: PlatformRules("Snapchat", 160, False, True, True, True, 1),
}

def text_length(platform: Platform, text: str) -> int:
    """The text's length in the unit of `RULES[platform].max_text`."""
    rules = RULES[platform]
    if rules.weighted_text:
        return x_weighted_length(text)
    if rules.text_unit == "bytes":
        return len(text.encode("utf-8", "surrogatepass"))
    if rules.text_unit == THREADS_UNIT:
        return threads_length(text)
    if rules.text_unit == UTF16_UNIT:
        return utf16_length(text)
    return len(text)
