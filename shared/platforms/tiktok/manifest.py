"""What TikTok accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

The figures the publisher enforces are defined here once and read by publisher.py (its
`LIMITS`, `VIDEO_TYPES`, `PHOTO_TYPES`) and options.py; nothing here imports them back.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind, UTF16_UNIT

MB = 1024 * 1024

DIRECT_POST = "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post"
PHOTO_POST = "https://developers.tiktok.com/doc/content-posting-api-reference-photo-post"
MEDIA_TRANSFER = "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide"

# Text. `post_info.title` of a video post: "max 2200 UTF-16 runes" (DIRECT_POST); a photo post's
# `title` is 90 and its `description` 4000 (PHOTO_POST). Soku's text is the video title or the
# photo description, so 2200 (the stricter) is what submission checks.
MAX_VIDEO_TITLE = 2200
MAX_PHOTO_TITLE = 90
MAX_PHOTO_DESCRIPTION = 4000

# Video (MEDIA_TRANSFER, "Video restrictions"): "MP4 (recommended), WebM, MOV", "Maximum of 4GB"
# (read as GiB, as the publisher always has), and "The longest video a developer can send ...
# is 10 minutes"; each account's own cap (`max_video_post_duration_sec` of creator_info, 3, 5 or
# 10 minutes) is checked by the publisher at run time. TikTok documents no minimum duration.
VIDEO_FORMATS = ("video/mp4", "video/webm", "video/quicktime")
MAX_VIDEO_BYTES = 4 * 1024 * MB
MAX_VIDEO_DURATION_S = 600

# Photos (MEDIA_TRANSFER, "Image restrictions"): "WebP, JPEG", "Maximum of 20MB for each image"
# (read as MiB, as the publisher always has), "Maximum 1080p"; `photo_images` takes up to 35
# URLs (PHOTO_POST). image/jpg is not a registered type but some uploads are labelled so: the
# publisher takes it as JPEG.
PHOTO_FORMATS = ("image/jpeg", "image/jpg", "image/webp")
MAX_PHOTO_BYTES = 20 * MB
MIN_PHOTOS = 1
MAX_PHOTOS = 35

POST_KINDS = (
    PostKind("video", "One video posted to the creator's TikTok profile, the text as its caption (title).",
             media=(MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, max_duration_s=MAX_VIDEO_DURATION_S,
                              source=MEDIA_TRANSFER),),
             min_media=1, max_media=1, source=DIRECT_POST),
    PostKind("photo", f"A photo post (swipeable carousel) of {MIN_PHOTOS} to {MAX_PHOTOS} images, the text as its "
                      "description; options.tiktok.title sets its title.",
             media=(MediaRule("image", PHOTO_FORMATS, MAX_PHOTO_BYTES, source=MEDIA_TRANSFER),),
             min_media=MIN_PHOTOS, max_media=MAX_PHOTOS, source=PHOTO_POST),
)

# Capability -> scopes beyond publishing (`video.publish`, `video.upload`). Metrics read
# `POST /v2/video/query/` (`video.list`) and the counts of `GET /v2/user/info/`
# (`user.info.stats`): developers.tiktok.com/doc/tiktok-api-scopes, and insights.py, which
# refuses either without its scope. TikTok's Content Posting API has no delete endpoint
# (reference/platform-apis.md §5) and Soku posts no first comment there.
SCOPE_NEEDS = {"metrics": ("video.list", "user.info.stats")}

# TikTok takes a video, or a photo post of up to 35 images. `title` (the caption) of
# developers.tiktok.com/doc/content-posting-api-reference-direct-post: "max 2200 UTF-16
# runes"; we count UTF-16 code units (an emoji outside the BMP is 2). Photo posts put the
# text in `description`, 4000 there: 2200 is the stricter of the two.
# 2 publisher tasks a second: each moves a whole video through upload and status polls, and
# TikTok's Content Posting endpoints allow 6 requests a minute per user token for init
# (developers.tiktok.com/doc/content-posting-api-reference-direct-post, Rate limits).
MANIFEST = PlatformRules("TikTok", MAX_VIDEO_TITLE, False, True, True, True, MAX_PHOTOS, text_unit=UTF16_UNIT,
                         text_source=DIRECT_POST, post_kinds=POST_KINDS, scope_needs=SCOPE_NEEDS,
                         dispatch_per_second=2,
                         # Refreshing takes Soku's client secret: POST /v2/oauth/token/ takes
                         # client_secret with the refresh token.
                         refresh_uses_client_secret=True)
