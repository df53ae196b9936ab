"""What Threads accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import THREADS_UNIT, MediaRule, PlatformRules, PostKind, ThreadRule

_POSTS = "https://developers.facebook.com/documentation/threads/posts"
# Threads API overview, "Limitations and Specifications": images JPEG/PNG, 8 MB; videos MOV/MP4,
# 1 GB, "300 seconds (5 minutes) maximum, minimum longer than 0 seconds"; carousels "a maximum of
# 20 children and a minimum of 2 children".
_SPECS = "https://developers.facebook.com/docs/threads/overview#limitations-and-specifications"

# "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
# bytes." (developers.facebook.com/documentation/threads/posts): text_counting.threads_length.
MAX_TEXT = 500
# The figures the publisher holds media to (publisher.LIMITS reads these):
MIN_CAROUSEL = 2
MAX_CAROUSEL = 20
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_VIDEO_BYTES = 1024 * 1024 * 1024

_IMAGE = MediaRule("image", ("image/jpeg", "image/png"), max_bytes=MAX_IMAGE_BYTES, source=_SPECS)
# The minimum duration is "longer than 0 seconds": no figure to state. The publisher checks no duration.
_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime"), max_bytes=MAX_VIDEO_BYTES,
                   max_duration_s=300, source=_SPECS)

# The kinds as the publisher decides them (publisher.ThreadsPublisher._kind): its carousel is of
# images only (in a post with a video, the video is published alone).
TEXT = PostKind("text", "A text-only post; the first link in the text gets a preview.",
                min_media=0, max_media=0, source=_POSTS)
IMAGE = PostKind("image", "One image, with the text.", media=(_IMAGE,), min_media=1, max_media=1, source=_POSTS)
VIDEO = PostKind("video", "One video, with the text.", media=(_VIDEO,), min_media=1, max_media=1, source=_POSTS)
CAROUSEL = PostKind("carousel", f"A carousel of {MIN_CAROUSEL}-{MAX_CAROUSEL} images, with the text.",
                    media=(_IMAGE,), min_media=MIN_CAROUSEL, max_media=MAX_CAROUSEL, source=_POSTS)

MANIFEST = PlatformRules(
    "Threads", MAX_TEXT, False, False, True, True, MAX_CAROUSEL, text_unit=THREADS_UNIT,
    text_source=_POSTS,
    post_kinds=(TEXT, IMAGE, VIDEO, CAROUSEL),
    # threads_delete: DELETE /{threads-media-id} (developers.facebook.com/docs/threads/posts/
    # delete-posts); threads_manage_insights: GET /{media}/insights and /{user}/threads_insights
    # (developers.facebook.com/docs/threads/insights). Both in the connector's default scopes
    # (connector.ThreadsProvider.default_scopes).
    scope_needs={"delete": ("threads_delete",), "metrics": ("threads_manage_insights",)},
    # A thread: each reply's container names the post it answers in `reply_to_id`; the owner of
    # the root post needs no permission beyond publishing to reply under it
    # (developers.facebook.com/documentation/threads/retrieve-and-manage-replies/create-replies).
    thread=ThreadRule("reply_to_id", source="https://developers.facebook.com/documentation/threads/"
                                            "retrieve-and-manage-replies/create-replies"),
)
