"""What a Discord webhook message accepts (text limit, attachments, embeds), with sources:
`POST /v1/posts` checks it up front through `shared.platforms.RULES`.

The figures the publisher and the options enforce are defined here once and read by
publisher.py and options.py; nothing here imports them back.
"""

from __future__ import annotations

from shared.platforms import MediaRule, PlatformRules, PostKind

MiB = 1024 * 1024

EXECUTE_WEBHOOK = "https://discord.com/developers/docs/resources/webhook#execute-webhook"
UPLOADING_FILES = "https://discord.com/developers/docs/reference#uploading-files"
EMBED_LIMITS = "https://discord.com/developers/docs/resources/message#embed-object-embed-limits"

# Text: `content`, "the message contents (up to 2000 characters)" (EXECUTE_WEBHOOK); Discord's
# OpenAPI document (discord/discord-api-spec, IncomingWebhookRequestPartial) gives it as
# `maxLength: 2000`, which counts code points (JSON Schema), so "characters" is what we count.
MAX_CONTENT = 2000

# Attachments: `files[n]`, and `attachments` "maxItems: 10" in the same schema: ten files a
# message. Each file: "The default limit is 10 MiB for all users, but may be higher ... by the
# server's Boost Tier" (UPLOADING_FILES); a webhook cannot know its server's tier, so 10 MiB,
# the figure that holds everywhere. The whole request: "The maximum request size when sending a
# message is 25 MiB" (discord.com/developers/docs/resources/message#create-message).
MAX_FILES = 10
MAX_FILE_BYTES = 10 * MiB
MAX_REQUEST_BYTES = 25 * MiB

# Discord shows any file; these are the types Soku stores (shared/services/media/sniff.py) that
# its clients show inline (images and videos embed in the message).
IMAGE_FORMATS = ("image/jpeg", "image/png", "image/gif", "image/webp")
VIDEO_FORMATS = ("video/mp4", "video/quicktime", "video/webm")

# Embeds (EMBED_LIMITS): "title 256 characters", "description 4096 characters", and "the
# combined sum of characters in all title, description, ... across all embeds attached to a
# message must not exceed 6000 characters"; `embeds` "array of up to 10 embed objects"
# (EXECUTE_WEBHOOK). Soku sends at most one embed (options.py).
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_TOTAL = 6000

# Overrides (EXECUTE_WEBHOOK, and the OpenAPI schema): `username` 1-80 characters, `avatar_url`
# at most 2048, `thread_name` at most 100 ("name of thread to create (requires the webhook
# channel to be a forum or media channel)").
MAX_USERNAME = 80
MAX_AVATAR_URL = 2048
MAX_THREAD_NAME = 100

POST_KINDS = (
    PostKind("message", f"A message from the channel's webhook: the text (up to {MAX_CONTENT} characters) with up "
                        f"to {MAX_FILES} images, or one video, attached as files, and optionally one embed.",
             media=(MediaRule("image", IMAGE_FORMATS, MAX_FILE_BYTES, source=UPLOADING_FILES),
                    MediaRule("video", VIDEO_FORMATS, MAX_FILE_BYTES, source=UPLOADING_FILES)),
             min_media=0, max_media=MAX_FILES, source=EXECUTE_WEBHOOK),
)

# "Discord", 2000 characters, text not required (a message of files alone is fine: "at least
# one of content, embeds, components, file, or poll", EXECUTE_WEBHOOK), media not required,
# images and video, 10 images. The webhook's token is its whole authorization: no scopes.
# 2 publisher tasks a second: a webhook's execute bucket answers `X-RateLimit-Limit: 5` per 2 s
# window (discord.com/developers/docs/topics/rate-limits, which says to read the headers rather
# than hard-code them: the publisher honours each 429's `retry_after`), and one account is one
# channel, so Soku keeps well under it.
MANIFEST = PlatformRules("Discord", MAX_CONTENT, False, False, True, True, MAX_FILES,
                         text_source=EXECUTE_WEBHOOK, post_kinds=POST_KINDS, dispatch_per_second=2)
