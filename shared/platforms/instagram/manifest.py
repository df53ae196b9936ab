"""What Instagram accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`."""

from __future__ import annotations

from shared.platforms import AccountType, MediaRule, PlatformRules, PostKind

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

# Instagram API with Instagram Login (developers.facebook.com/documentation/instagram-platform/
# instagram-api-with-instagram-login: "This API setup does not require a Facebook Page to be linked
# to the Instagram professional account"; Business Login for Instagram, …/instagram-api-with-
# instagram-login/business-login: the `instagram_business_*` scopes). Its scopes per capability:
# comments take `instagram_business_manage_comments`, media insights
# `instagram_business_manage_insights` (IG Media Insights, …/reference/instagram-media/insights,
# "Instagram API with Instagram Login" column).
INSTAGRAM_LOGIN_SCOPE_NEEDS = {"metrics": ("instagram_business_manage_insights",),
                               "firstComment": ("instagram_business_manage_comments",)}
FACEBOOK_LOGIN = AccountType(
    "facebook_login", "Instagram professional account linked to a Facebook Page",
    "An Instagram business or creator account linked to a Facebook Page, connected through "
    "Facebook Login (graph.facebook.com). The default.",
    login="facebook_login", aliases=("instagram_business",),
    differences=("Needs a Facebook Page linked to the Instagram account; the person connecting "
                 "manages that Page.",
                 "One Facebook login connects every Instagram account linked to the Pages it manages.",
                 "Disconnecting revokes the Facebook login (DELETE /me/permissions) when no other "
                 "connected Facebook or Instagram account uses it."),
    selectable=True)
INSTAGRAM_LOGIN = AccountType(
    "instagram_login", "Instagram professional account without a Facebook Page",
    "An Instagram business or creator account connected through Instagram Login (Business Login "
    "for Instagram, graph.instagram.com): no Facebook Page needed.",
    login="instagram_login",
    differences=("No Facebook Page needed: the person signs in with the Instagram account itself.",
                 "One login connects that one Instagram account.",
                 "Scopes are Instagram Login's own: instagram_business_basic, "
                 "instagram_business_content_publish, instagram_business_manage_comments (first "
                 "comment), instagram_business_manage_insights (metrics).",
                 "Soku renews the 60-day token itself (ig_refresh_token) without its app secret.",
                 "Disconnecting only forgets the token: Instagram Login documents no revocation "
                 "endpoint; the person removes the app in Instagram's settings."),
    scope_needs=INSTAGRAM_LOGIN_SCOPE_NEEDS, selectable=True)

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
    refresh_uses_client_secret=True,
    account_types=(FACEBOOK_LOGIN, INSTAGRAM_LOGIN))
