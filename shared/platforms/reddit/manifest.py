"""What Reddit accepts, with sources: `POST /v1/posts` checks it up front through
`shared.platforms.RULES`, and the subreddit's own rules through preflight.py.

A Reddit post is a title and one of: a body (a self post), a link, an image, a gallery of
images, a video (with a poster image). The title is `options.reddit.title`, else the text's first line (compose.py); the
text (after that first line, when it became the title) is the body.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

# Reddit's API reference (www.reddit.com/dev/api#POST_api_submit): `kind` one of link, self,
# image, video, videogif; `title` "title of the submission. up to 300 characters long"; `text`
# raw markdown of a self post; `url` a valid URL; `sr` the subreddit's name; `flair_id`,
# `flair_text` (up to 64 characters), `nsfw`, `spoiler`, `sendreplies`, `resubmit`.
_API = "https://www.reddit.com/dev/api#POST_api_submit"
# PRAW (github.com/praw-dev/praw, commit 7b69758126d5a105ab7083ee49a3f6f400963ca9):
# praw/models/reddit/subreddit/subreddit.py `submit` (galleries through
# `api/submit_gallery_post.json`, images through `_submit_media` after
# praw/models/media.py's `PostMedia._upload`: `api/media/asset.json`, then the S3 form).
_PRAW = ("https://github.com/praw-dev/praw/blob/7b69758126d5a105ab7083ee49a3f6f400963ca9/"
         "praw/models/reddit/subreddit/subreddit.py")
# A self post's body is at most 40,000 characters (Reddit's SUBMIT form answers TOO_LONG
# "this is too long (max: 40000)"; r/help "How long can a post be?").
# [unverified against a live account]
_TEXT = "https://support.reddithelp.com/hc/en-us/articles/360043504051"
# Reddit's media guidance (support.reddithelp.com "What kinds of media can I post?"): JPEG,
# PNG, GIF images up to 20 MB; galleries of up to 20 images. [unverified against a live account]
_MEDIA = "https://support.reddithelp.com/hc/en-us/articles/360043035052"
# Videos: PRAW's `Subreddit.submit(video=...)` (_PRAW: the video leased with its mimetype through
# `api/media/asset.json`, a poster through the same lease, then `api/submit` `kind` video|videogif,
# `url` the video's asset URL, `video_poster_url` the poster's). MP4 or MOV, up to 15 minutes: the
# Reddit admins' announcement of native video, quoted by r/videos' moderators ("Upload videos (MP4
# or MOV, up to 15 minutes long) directly to Reddit"; _VIDEO_ANNOUNCEMENT). 1 GB: Reddit's figure
# for video ads (_VIDEO_SPECS, read in a copy of Reddit's ads help page: "Maximum file size 1 GB",
# "MP4 or MOV", "2 seconds to 15 minutes"); Reddit's help centre page on video posts was not found
# in the sources at hand. [unverified: 1 GB for posts, against a live account]
_VIDEO_ANNOUNCEMENT = "https://www.reddit.com/r/videos/comments/6rfcyt/were_taking_part_in_the_video_beta/"
_VIDEO_SPECS = "https://papaya-kheer-4b8a70.netlify.app/advertise/ad-types/unit-specs/video-specs"

MAX_TITLE = 300
MAX_TEXT = 40_000
MAX_FLAIR_TEXT = 64
MAX_GALLERY = 20
MB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * MB
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif")
VIDEO_FORMATS = ("video/mp4", "video/quicktime")
MAX_VIDEO_BYTES = 1024 * MB
MAX_VIDEO_S = 15 * 60

_IMAGE = MediaRule("image", IMAGE_FORMATS, max_bytes=MAX_IMAGE_BYTES, source=_MEDIA)
_VIDEO = MediaRule("video", VIDEO_FORMATS, max_bytes=MAX_VIDEO_BYTES, max_duration_s=MAX_VIDEO_S,
                   source=_VIDEO_ANNOUNCEMENT)

# The kinds as compose.kind_of decides them.
SELF = PostKind("self", "A text post: the title and the body (markdown).", max_text=MAX_TEXT, source=_API)
LINK = PostKind("link", "A link post (`options.reddit.url`): the title and the link, no body.", source=_API)
IMAGE = PostKind("image", "An image post: the title and one image (uploaded to Reddit's media storage).",
                 media=(_IMAGE,), min_media=1, max_media=1, source=_PRAW)
GALLERY = PostKind("gallery", f"A gallery of 2-{MAX_GALLERY} images, with an optional body.", media=(_IMAGE,),
                   min_media=2, max_media=MAX_GALLERY, source=_PRAW)
VIDEO = PostKind("video", "A video post: the title, one MP4 or MOV video (up to 15 minutes) and its poster (an image "
                 "next to the video, else a plain poster Soku makes), optionally a body; `options.reddit.videogif` "
                 "posts it as a silent videogif.", media=(_VIDEO, _IMAGE), min_media=1, max_media=2, source=_PRAW)

MANIFEST = PlatformRules(
    "Reddit", MAX_TEXT, False, False, True, True, MAX_GALLERY,
    text_unit="characters", text_source=_TEXT,
    post_kinds=(SELF, LINK, IMAGE, GALLERY, VIDEO),
    # OAuth scopes per endpoint (www.reddit.com/dev/api, each endpoint's scope): /api/del `edit`,
    # /api/info `read`.
    scope_needs={"delete": ("edit",), "metrics": ("read",)},
    # Reddit's limits are per OAuth client id: 100 queries a minute averaged over 10 minutes
    # (github.com/reddit-archive/reddit/wiki/API "Rules"): 1 publish a second leaves room.
    dispatch_per_second=1,
    # Refreshing (POST /api/v1/access_token, grant_type=refresh_token) is Basic-authenticated
    # with the app's id and secret (github.com/reddit-archive/reddit/wiki/OAuth2).
    refresh_uses_client_secret=True,
    preflight=True,  # preflight.py: the subreddit's flair, title, body and video rules at submission
)
