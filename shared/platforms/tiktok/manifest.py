"""What TikTok accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import PlatformRules, UTF16_UNIT

# TikTok takes a video, or a photo post of up to 35 images. `title` (the caption) of
# developers.tiktok.com/doc/content-posting-api-reference-direct-post: "max 2200 UTF-16
# runes"; we count UTF-16 code units (an emoji outside the BMP is 2). Photo posts put the
# text in `description`, 4000 there: 2200 is the stricter of the two.
MANIFEST = PlatformRules("TikTok", 2200, False, True, True, True, 35, text_unit=UTF16_UNIT)
