"""What Instagram accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

_MEDIA_REF = ("https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/"
              "reference/ig-user/media")  # IG User Media: the caption, image, reel and story figures
_PUBLISHING = "https://developers.facebook.com/docs/instagram-platform/content-publishing"

# "2200 characters" (developers.facebook.com/docs/instagram-platform/instagram-graph-api/
# reference/ig-user/media, `caption`): unit not documented; we count code points.
MAX_CAPTION = 2200
# The figures the publisher holds media to (publisher.LIMITS reads these), from the IG User
# Media reference (reference/platform-apis.md §2):
MIN_CAROUSEL = 2
MAX_CAROUSEL = 10  # the API reference's figure (the app allows 20) [unverified which applies]
MAX_IMAGE_BYTES = 8 * 1024 * 1024  # "JPEG", "8 MB maximum"
MAX_REEL_BYTES = 1024 * 1024 * 1024  # reels: MP4/MOV, 3 s-15 min, 1 GB; also the cap for feed and carousel videos
MAX_STORY_VIDEO_BYTES = 100 * 1024 * 1024  # story videos: 3-60 s, 100 MB

_IMAGE = MediaRule("image", ("image/jpeg",), max_bytes=MAX_IMAGE_BYTES, source=_MEDIA_REF)
_REEL_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime"), max_bytes=MAX_REEL_BYTES,
                        min_duration_s=3, max_duration_s=15 * 60, source=_MEDIA_REF)
# A carousel's video: the publisher holds it to the reel's size; the reference gives carousel
# items no duration of their own, so none is stated here.
_CAROUSEL_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime"), max_bytes=MAX_REEL_BYTES,
                            source=_MEDIA_REF)
_STORY_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime"), max_bytes=MAX_STORY_VIDEO_BYTES,
                         min_duration_s=3, max_duration_s=60, source=_MEDIA_REF)

FEED = PostKind(
    "feed", "A feed post: one image, or a carousel of 2-10 images and videos; a single video is "
            "published as a reel shared to the feed.",
    media=(_IMAGE, _CAROUSEL_VIDEO), min_media=1, max_media=MAX_CAROUSEL, source=_PUBLISHING)
REEL = PostKind(
    "reel", "A reel: one video, with the caption, optionally also shown in the profile's feed.",
    media=(_REEL_VIDEO,), min_media=1, max_media=1, source=_PUBLISHING)
STORY = PostKind(
    "story", "A story: one image or one video, shown for 24 hours, without a caption.",
    media=(_IMAGE, _STORY_VIDEO), min_media=1, max_media=1, carries_text=False, source=_PUBLISHING)

MANIFEST = PlatformRules(
    "Instagram", MAX_CAPTION, False, True, True, True, MAX_CAROUSEL,
    text_source=_MEDIA_REF,
    post_kinds=(FEED, REEL, STORY),
    # Metrics: GET /{ig-media-id}/insights needs instagram_manage_insights (IG Media Insights,
    # developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/insights;
    # insights.py). First comment: POST /{ig-media-id}/comments needs instagram_basic,
    # instagram_manage_comments and pages_read_engagement (IG Media Comments,
    # developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments),
    # among the connector's default scopes (meta_graph/login.instagram()). No delete: the
    # publisher has no delete_post.
    scope_needs={"metrics": ("instagram_manage_insights",),
                 "firstComment": ("instagram_manage_comments",)},
    # Refreshing takes Soku's client secret: a long-lived token is exchanged again with the app secret.
    refresh_uses_client_secret=True)
