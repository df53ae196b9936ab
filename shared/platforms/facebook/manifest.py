"""What Facebook Pages accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

_FEED_REF = "https://developers.facebook.com/docs/graph-api/reference/page/feed"
_PHOTOS_REF = "https://developers.facebook.com/docs/graph-api/reference/page/photos"
_VIDEO_GUIDE = "https://developers.facebook.com/docs/video-api/guides/publishing"
_REELS_GUIDE = "https://developers.facebook.com/docs/video-api/guides/reels-publishing"

# Photos in one multi-photo post, which the publisher also holds to (publisher.LIMITS reads it):
# Soku's rule for Facebook; Facebook's own cap is unverified (reference/platform-apis.md §3, §10).
MAX_PHOTOS = 10

# Photos: Meta's Page Photos reference states no size or format. JPEG, PNG and GIF (of what Soku
# stores) are among the formats Postiz's publisher names ("JPEG, PNG, GIF, BMP, TIFF", its 4 MB
# figure comes from an error subcode, 1366046: secondary, so no max_bytes here); the publisher
# checks neither.
_PHOTO = MediaRule("image", ("image/jpeg", "image/png", "image/gif"), source=_PHOTOS_REF)
# Videos (resumable upload, then /videos): Meta's publishing guide states no size, duration or
# format limit that the publisher could hold a video to, and the publisher checks none.
_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime"), source=_VIDEO_GUIDE)
# Reels: "File Type: .mp4 (recommended)", "Duration: 3 to 90 seconds" (Reels Publishing API);
# no size given. The publisher checks neither: Facebook refuses what does not fit.
_REEL = MediaRule("video", ("video/mp4",), min_duration_s=3, max_duration_s=90, source=_REELS_GUIDE)

# The kinds as the publisher decides them (publisher.FacebookPublisher.publish): a video is a
# reel when the Page prefers reels (account setting `preferReels`) and the text has no link.
FEED = PostKind("feed", "A text post on the Page's feed; the first link in the text gets its preview card.",
                min_media=0, max_media=0, source=_FEED_REF)
PHOTO = PostKind("photo", "One photo with the text as its caption.",
                 media=(_PHOTO,), min_media=1, max_media=1, source=_PHOTOS_REF)
PHOTOS = PostKind("photos", f"A feed post with 2-{MAX_PHOTOS} photos attached and the text as its message.",
                  media=(_PHOTO,), min_media=2, max_media=MAX_PHOTOS, source=_FEED_REF)
VIDEO = PostKind("video", "One video on the Page, with the text as its description.",
                 media=(_VIDEO,), min_media=1, max_media=1, source=_VIDEO_GUIDE)
REEL = PostKind("reel", "One video published as a reel, with the text as its description (no link).",
                media=(_REEL,), min_media=1, max_media=1, source=_REELS_GUIDE)

# 63,206 is the figure Facebook's composer enforces; the Graph API page reference
# (developers.facebook.com/docs/graph-api/reference/page/feed, `message`) gives no limit
# or unit: unit not documented; we count code points.
MANIFEST = PlatformRules(
    "Facebook", 63206, False, False, True, True, MAX_PHOTOS,
    text_source=_FEED_REF,
    post_kinds=(FEED, PHOTO, PHOTOS, VIDEO, REEL),
    # Metrics: a post's views come from GET /{post-id}/insights, which needs read_insights
    # (Page Insights reference, developers.facebook.com/docs/graph-api/reference/insights;
    # insights.py: without it the engagement counts, read with pages_read_engagement, still come
    # but the views stay null). Delete: DELETE /{post-id} needs pages_manage_posts
    # (developers.facebook.com/docs/graph-api/reference/post, "Deleting"), which publishing
    # needs too. First comment: POST /{post-id}/comments as the Page needs pages_manage_engagement
    # (developers.facebook.com/docs/graph-api/reference/object/comments, "Publishing"). All are in
    # the connector's default scopes (meta_graph/login.facebook()).
    scope_needs={"delete": ("pages_manage_posts",), "metrics": ("read_insights",),
                 "firstComment": ("pages_manage_engagement",)},
    # Refreshing takes Soku's client secret: a long-lived token is exchanged again with the app secret.
    refresh_uses_client_secret=True)
