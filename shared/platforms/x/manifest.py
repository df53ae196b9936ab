"""What X accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind, ThreadRule

# Media per post, which the publisher also holds to (publisher.LIMITS reads these): "up to 4
# photos, 1 animated GIF or 1 video in a Post" (docs.x.com/x-api/media/quickstart/best-practices).
MAX_IMAGES = 4
MAX_VIDEOS = 1

_MEDIA_PAGE = "https://docs.x.com/x-api/media"  # "Size restrictions for uploading via API"
_BEST_PRACTICES = "https://docs.x.com/x-api/media/quickstart/best-practices"
# Formats: the `media_type` values X's OpenAPI document allows on INITIALIZE
# (InitializeMediaUploadRequest; xdevplatform/xdk specs/openapi.json, devstack/contracts/facts/x.json),
# narrowed to what Soku stores (shared/services/media/sniff.py). The publisher sends the stored
# type as is (a GIF as `tweet_gif`) and checks no size: X refuses what is over its figures.
# Durations: left None. X's pages disagree (0.5-140 s on older pages, up to 20 min on newer ones,
# longer for Premium users; reference/platform-apis.md §1 and §10) and the publisher checks none.
_IMAGE = MediaRule("image", ("image/jpeg", "image/png", "image/webp"), max_bytes=5 * 1024 * 1024,
                   source=_MEDIA_PAGE)
_GIF = MediaRule("image", ("image/gif",), max_bytes=15 * 1024 * 1024, source=_MEDIA_PAGE)
_VIDEO = MediaRule("video", ("video/mp4", "video/quicktime", "video/webm"), max_bytes=512 * 1024 * 1024,
                   source=_MEDIA_PAGE)  # "Video: 512 MB (when using media_category=amplify_video)"

POST = PostKind(
    "post", "A post (tweet): the text, with up to 4 images, or one GIF or one video.",
    media=(_IMAGE, _GIF, _VIDEO), min_media=0, max_media=MAX_IMAGES, source=_BEST_PRACTICES)

# Weighted length of twitter-text v3 (shared/text_counting.py): emoji sequence 2, URL 23,
# CJK 2. docs.x.com/fundamentals/counting-characters; github.com/twitter/twitter-text
MANIFEST = PlatformRules(
    "X", 280, False, False, True, True, MAX_IMAGES, weighted_text=True,
    text_source="https://docs.x.com/fundamentals/counting-characters",
    post_kinds=(POST,),
    # DELETE /2/tweets/:id needs tweet.write (docs.x.com/x-api/posts/manage-tweets, "Delete a
    # Post"); the metrics reader's GET /2/tweets/:id and GET /2/users/:id need tweet.read and
    # users.read (docs.x.com, "Post lookup by ID", "User lookup by ID"; insights.py). All are in
    # the connector's default scopes (connector.XProvider.default_scopes).
    scope_needs={"delete": ("tweet.write",), "metrics": ("tweet.read", "users.read")},
    # Refreshing takes Soku's client secret: X's token endpoint authenticates a confidential client with
    # its secret (HTTP Basic) on refresh.
    refresh_uses_client_secret=True,
    # A thread is a chain of replies: each reply's `reply.in_reply_to_tweet_id` is the post before
    # it (docs.x.com/x-api/posts/manage-tweets, "Create or Edit Post": `reply`; X's OpenAPI
    # document's CreatePostsReply, devstack/contracts/facts/x.json).
    thread=ThreadRule("reply.in_reply_to_tweet_id", source="https://docs.x.com/x-api/posts/manage-tweets"))
