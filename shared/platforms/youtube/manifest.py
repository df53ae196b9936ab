"""What YouTube accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

The figures the publisher enforces are defined here once and read by publisher.py (its
`LIMITS`); nothing here imports it back.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

MB = 1024 * 1024

VIDEOS = "https://developers.google.com/youtube/v3/docs/videos"
VIDEOS_INSERT = "https://developers.google.com/youtube/v3/docs/videos/insert"
THUMBNAILS_SET = "https://developers.google.com/youtube/v3/docs/thumbnails/set"

# Text: the description's "maximum length of 5000 bytes" (VIDEOS, snippet.description), and the
# title's 100 characters (snippet.title), which the publisher cuts the title to.
MAX_DESCRIPTION_BYTES = 5000
MAX_TITLE_CHARS = 100

# The video (VIDEOS_INSERT): "Maximum file size: 256GB; Accepted Media MIME types: video/*,
# application/octet-stream". The publisher checks neither (YouTube refuses what it cannot take);
# 256 GB is read as 10^9 bytes a GB, the smaller reading. The API reference gives no duration
# limit: YouTube Help's "12 hours" (15 minutes until the channel is verified) depends on the
# channel and is not stated here.
VIDEO_FORMATS = ("video/*",)
MAX_VIDEO_BYTES = 256 * 1000 ** 3

# An image next to the video becomes its thumbnail (thumbnails.set, THUMBNAILS_SET: "Maximum file
# size: 2MB; Accepted Media MIME types: image/jpeg, image/png"). The publisher checks both before
# the call; a thumbnail that fails never fails the run. (Google's newer REST reference page for
# the same method says 50 MB; the publisher keeps the 2 MB of the v3 reference.)
THUMBNAIL_FORMATS = ("image/jpeg", "image/png")
MAX_THUMBNAIL_BYTES = 2 * MB

# One kind: our options have no kind. A Short is not a kind Soku selects: YouTube classifies an
# upload as a Short from the video itself, through the same videos.insert.
POST_KINDS = (
    PostKind("video", "One video uploaded to the channel: the text becomes its description, the title comes "
                      "from options.youtube.title or the text's first line, and an image sent with it becomes "
                      "its thumbnail.",
             media=(MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, source=VIDEOS_INSERT),
                    MediaRule("image", THUMBNAIL_FORMATS, MAX_THUMBNAIL_BYTES, source=THUMBNAILS_SET)),
             min_media=1, max_media=2, source=VIDEOS_INSERT),
)

# Capability -> scopes beyond publishing (`youtube.upload`), as the connector requests them.
# Delete: videos.delete takes `youtube`, `youtube.force-ssl` or `youtubepartner`, not
# `youtube.upload` (developers.google.com/youtube/v3/docs/videos/delete, "Authorization"); Soku
# asks for force-ssl. Metrics: insights.py reads videos.list / channels.list `statistics`, which
# Soku authorizes with `youtube.readonly` (developers.google.com/youtube/v3/docs/videos/list,
# "Authorization"). First comment: commentThreads.insert takes `youtube.force-ssl` only
# (developers.google.com/youtube/v3/docs/commentThreads/insert, "Authorization"), which the
# connector already asks for (for delete).
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
READONLY = "https://www.googleapis.com/auth/youtube.readonly"
SCOPE_NEEDS = {"delete": (FORCE_SSL,), "metrics": (READONLY,), "firstComment": (FORCE_SSL,)}

# YouTube's text becomes the video description (title comes from options or the text):
# "maximum length of 5000 bytes and may contain all valid UTF-8 characters except < and >"
# (developers.google.com/youtube/v3/docs/videos, snippet.description); the title is "100
# characters" (snippet.title), cut by the publisher. We count the description's UTF-8 bytes.
# 2 publisher tasks a second: an upload costs 1600 of the project's 10000 daily quota units
# (developers.google.com/youtube/v3/determine_quota_cost), so bursts gain nothing.
MANIFEST = PlatformRules("YouTube", MAX_DESCRIPTION_BYTES, False, True, False, True, 0, text_unit="bytes",
                         text_source=VIDEOS, post_kinds=POST_KINDS, scope_needs=SCOPE_NEEDS,
                         dispatch_per_second=2,
                         # Refreshing takes Soku's client secret: Google's token endpoint takes
                         # client_secret with the refresh token.
                         refresh_uses_client_secret=True)
