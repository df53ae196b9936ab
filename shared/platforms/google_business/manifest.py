"""What Google Business Profile accepts for a local post (text limit and its unit, media), with
sources: `POST /v1/posts` checks it up front through `shared.platforms.RULES`.

The figures the publisher enforces are defined here once and read by publisher.py; nothing here
imports it back.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

MB = 1024 * 1024

# The v4 REST reference of accounts.locations.localPosts (LocalPost: languageCode, summary,
# callToAction, media, topicType, event, offer; the answer's name, searchUrl, state).
LOCAL_POSTS = "https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts"
# Google's guide to posts through the API ("Create posts on Google"), and the Business Profile
# help page on photo requirements.
POSTS_GUIDE = "https://developers.google.com/my-business/content/posts-data"
PHOTO_GUIDELINES = "https://support.google.com/business/answer/6103862"

# `summary`: "The description/body of the local post"; Business Profile posts are limited to
# 1,500 characters (Google's posts guide and help page). Counted as code points ("characters").
MAX_SUMMARY = 1500

# Photos (PHOTO_GUIDELINES): "Format: JPG or PNG. Size: Between 10 KB and 5 MB." A local post
# carries its media as `media[]` MediaItems with `mediaFormat: PHOTO` and a `sourceUrl` Google
# fetches; Soku sends at most one (the posts editor shows one image a post). Video in posts is
# not offered: Google's API takes a VIDEO mediaFormat but documents no post video limits, so Soku
# does not publish it (a video post is refused at submission).
IMAGE_FORMATS = ("image/jpeg", "image/png")
MIN_IMAGE_BYTES = 10 * 1024
MAX_IMAGE_BYTES = 5 * MB
MAX_IMAGES = 1

_PHOTO = MediaRule("image", IMAGE_FORMATS, MAX_IMAGE_BYTES, source=PHOTO_GUIDELINES)
POST_KINDS = (
    PostKind("standard", "A \"What's new\" update (topicType STANDARD): the text as its summary, an optional "
                         "photo and an optional call-to-action button.",
             media=(_PHOTO,), min_media=0, max_media=MAX_IMAGES, source=LOCAL_POSTS),
    PostKind("event", "An event (topicType EVENT): options.google_business.event gives its title and start and "
                      "end; the text is its description.",
             media=(_PHOTO,), min_media=0, max_media=MAX_IMAGES, source=LOCAL_POSTS),
    PostKind("offer", "An offer (topicType OFFER): a title and period (options.google_business.event, which "
                      "Google requires for offers too) and the coupon code, redeem link and terms "
                      "(options.google_business.offer).",
             media=(_PHOTO,), min_media=0, max_media=MAX_IMAGES, source=LOCAL_POSTS),
)

# Text is required: Google lets an EVENT or OFFER post go without a summary, but a STANDARD post
# is its summary, and submission cannot see the post kind the options pick, so Soku takes the
# conservative rule for every kind. One scope covers publishing, reading back and deleting
# (`https://www.googleapis.com/auth/business.manage`): nothing beyond it.
# 2 publisher tasks a second: the Business Profile APIs' default quota is 300 requests a minute
# per project (developers.google.com/my-business/content/limits [unverified: read in Google's
# docs, not checked against the project's console]); a publish takes one to three calls.
MANIFEST = PlatformRules("Google Business Profile", MAX_SUMMARY, True, False, True, False, MAX_IMAGES,
                         text_source=LOCAL_POSTS, post_kinds=POST_KINDS, dispatch_per_second=2,
                         # Google's token endpoint takes client_secret with the refresh token.
                         refresh_uses_client_secret=True)
