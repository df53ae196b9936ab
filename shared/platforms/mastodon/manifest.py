"""What a Mastodon server accepts by default (text limit and its unit, media), with sources:
`POST /v1/posts` checks it up front through `shared.platforms.RULES`.

Every Mastodon server sets its own limits and publishes them in `GET /api/v2/instance`
(`configuration.statuses.max_characters`, `.max_media_attachments`,
`configuration.media_attachments.image_size_limit`, `.video_size_limit`,
`.supported_mime_types`: docs.joinmastodon.org/methods/instance/#v2 and
docs.joinmastodon.org/entities/Instance/#configuration). Submission cannot know which server
an account is on, so it checks the figures of a stock server (below); the publisher reads the
account's own server's figures at run time (instance.py) and refuses what is over them.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind, ThreadRule
from shared.platforms.mastodon.text import length as status_length

MB = 1024 * 1024

POSTING = "https://docs.joinmastodon.org/user/posting/"
INSTANCE = "https://docs.joinmastodon.org/entities/Instance/#configuration"
CREATE_STATUS = "https://docs.joinmastodon.org/methods/statuses/#create"
MEDIA_V2 = "https://docs.joinmastodon.org/methods/media/#v2"
# The server's own counting: app/validators/status_length_validator.rb in mastodon/mastodon
# (MAX_CHARS = 500, URL_PLACEHOLDER_CHARS = 23, the spoiler text counted with the text, the
# domain of a remote mention not counted, grapheme clusters counted).
LENGTH_VALIDATOR = "https://github.com/mastodon/mastodon/blob/main/app/validators/status_length_validator.rb"

# Text: "500 characters" by default, "All links count as 23 characters, no matter how long they
# actually are" (POSTING; `characters_reserved_per_url: 23` in INSTANCE). The content warning
# (`spoiler_text`) counts toward the same limit (LENGTH_VALIDATOR). Servers may raise it.
MAX_CHARACTERS = 500
URL_CHARACTERS = 23
TEXT_UNIT = "characters (a link counts 23, the content warning counts too)"

# Media: "up to 4 images", or one video or audio file, never mixed (POSTING, "Media";
# `max_media_attachments: 4` in INSTANCE). Sizes: "Images: 16MB, Videos: 99MB" since 4.2
# (POSTING; INSTANCE's example `image_size_limit: 16777216`, `video_size_limit: 103809024`).
MAX_IMAGES = 4
MAX_VIDEOS = 1
MAX_IMAGE_BYTES = 16 * MB
MAX_VIDEO_BYTES = 99 * MB
# Formats: POSTING lists JPEG, PNG, GIF, WEBP, HEIC/HEIF and AVIF images, MP4, M4V, MOV and WEBM
# video; narrowed to what Soku stores (shared/services/media/sniff.py). A GIF is converted to a
# looping video by the server (POSTING) but is posted as an image.
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif", "image/webp")
VIDEO_FORMATS = ("video/mp4", "video/quicktime", "video/webm")

POST_KINDS = (
    PostKind("status", f"A status: the text (with an optional content warning), with up to {MAX_IMAGES} images "
                       "or one video, uploaded to the account's server.",
             media=(MediaRule("image", IMAGE_FORMATS, MAX_IMAGE_BYTES, source=POSTING),
                    MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, source=POSTING)),
             min_media=0, max_media=MAX_IMAGES, source=CREATE_STATUS),
)

# Capability -> scopes beyond publishing (`write:statuses`, `write:media`). Deleting a status is
# `DELETE /api/v1/statuses/:id`, OAuth scope `write:statuses` (docs.joinmastodon.org/methods/
# statuses/#delete); metrics read `GET /api/v1/statuses/:id` (`read:statuses`) and
# `GET /api/v1/accounts/verify_credentials` (`read:accounts`; docs.joinmastodon.org/methods/
# accounts/#verify_credentials). All are in the connector's default scopes.
SCOPE_NEEDS = {"delete": ("write:statuses",), "metrics": ("read:statuses", "read:accounts")}

# "Mastodon", 500 characters, text not required (a status of media alone is fine: "status ...
# Text content of the status. If media_ids is provided, this becomes optional", CREATE_STATUS),
# media not required, images and video, 4 images.
# 2 publisher tasks a second: Mastodon's default limit is 300 requests per 5 minutes per account
# and 30 media uploads per 30 minutes (docs.joinmastodon.org/api/rate-limits/), and most servers
# are small, run by volunteers: Soku does not hurry them.
MANIFEST = PlatformRules("Mastodon", MAX_CHARACTERS, False, False, True, True, MAX_IMAGES, text_unit=TEXT_UNIT,
                         text_source=POSTING, post_kinds=POST_KINDS, scope_needs=SCOPE_NEEDS,
                         dispatch_per_second=2, text_counter=status_length,
                         # A thread: each status's `in_reply_to_id` is the status before it
                         # (docs.joinmastodon.org/methods/statuses/#create).
                         thread=ThreadRule("in_reply_to_id",
                                           source="https://docs.joinmastodon.org/methods/statuses/#create"))
