"""What Snapchat accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

The figures the publisher enforces are defined here once and read by publisher.py (its
`LIMITS`); nothing here imports it back.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

MB = 1024 * 1024

PUBLIC_PROFILE_API = "https://developers.snap.com/api/marketing-api/Public-Profile-API"
# Media for stories and spotlights: encrypted upload, parts of at most 32 MB, a media object lives
# 24 h; media for a story "should adhere to the constraints listed in the story posting section".
ASSETS = f"{PUBLIC_PROFILE_API}/ProfileAssetManagement"

# The Spotlight description, hashtags included: 160 (reference/platform-apis.md §8 [2nd]).
MAX_DESCRIPTION = 160

# One image or one video per post (a story), one video (a spotlight). The Public Profile API is
# allowlist-only and its story-posting constraints could not be read; these figures are
# secondary ([2nd]: reference/platform-apis.md §8, and the publishing services' guides, e.g.
# docs.getlate.dev/platforms/snapchat, ayrshare.com/docs/media-guidelines/snapchat, which agree on
# MP4 video and JPEG/PNG images). Sizes: the publisher refuses a video over 500 MiB ("MP4 ≤ 500 MB";
# one source says 1 GB, another 32 MB) and an image over 20 MiB before uploading; it checks no
# type. Durations are left out: the secondary sources say 5-60 s, one says 6-60 s for Spotlight,
# and Snap's own figure was not found.
MAX_MEDIA = 1
VIDEO_FORMATS = ("video/mp4",)
IMAGE_FORMATS = ("image/jpeg", "image/png")
MAX_VIDEO_BYTES = 500 * MB
MAX_IMAGE_BYTES = 20 * MB

_VIDEO = MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, source=ASSETS)
_IMAGE = MediaRule("image", IMAGE_FORMATS, MAX_IMAGE_BYTES, source=ASSETS)
# Named as options.snapchat.kind selects them (SnapchatOptions).
POST_KINDS = (
    PostKind("story", "One image or one video posted to the Public Profile's Story; the Story API takes no "
                      "caption, so the text is not sent.",
             media=(_IMAGE, _VIDEO), min_media=1, max_media=MAX_MEDIA, carries_text=False, source=ASSETS),
    PostKind("spotlight", "One video posted to Spotlight (and saved to the profile unless skipSaveToProfile), "
                          "the text or options.snapchat.description as its description.",
             media=(_VIDEO,), min_media=1, max_media=MAX_MEDIA, source=ASSETS),
)

# No capability needs a scope beyond `snapchat-profile-api`: metrics are not supported
# (insights.SUPPORTED is False: Snap documents no stats endpoint for that scope), Snap documents
# no delete for the Public Profile API that Soku uses (the publisher has none), and Soku posts no
# first comment on Snapchat.
SCOPE_NEEDS: dict[str, tuple[str, ...]] = {}

# Snapchat Story/Spotlight: one video or one image per post. 160 for a Spotlight
# description (developers.snap.com/api/marketing-api/Public-Profile-API): unit not
# documented; we count code points.
# 2 publisher tasks a second: each uploads media in parts and waits for Snap's processing.
MANIFEST = PlatformRules("Snapchat", MAX_DESCRIPTION, False, True, True, True, MAX_MEDIA,
                         text_source=PUBLIC_PROFILE_API, post_kinds=POST_KINDS, scope_needs=SCOPE_NEEDS,
                         dispatch_per_second=2,
                         # Refreshing takes Soku's client secret: Snap's token endpoint takes
                         # client_secret with the refresh token.
                         refresh_uses_client_secret=True)
