"""What Telegram accepts (text limit and its unit, media), with sources: `POST /v1/posts` checks
it up front through `shared.platforms.RULES`.

Soku posts to a channel or group as a bot, through the Bot API (core.telegram.org/bots/api).
The figures the publisher enforces are defined here once and read by publisher.py and the
sandbox (devstack/sandboxes/telegram); nothing here imports them back.
"""

from __future__ import annotations

from shared.platforms import UTF16_UNIT, MediaRule, PlatformRules, PostKind

BOT_API = "https://core.telegram.org/bots/api"
SEND_MESSAGE = f"{BOT_API}#sendmessage"
SEND_PHOTO = f"{BOT_API}#sendphoto"
SEND_VIDEO = f"{BOT_API}#sendvideo"
SEND_MEDIA_GROUP = f"{BOT_API}#sendmediagroup"
SENDING_FILES = f"{BOT_API}#sending-files"
MESSAGE_ENTITY = f"{BOT_API}#messageentity"
DELETE_MESSAGE = f"{BOT_API}#deletemessage"

# Text. sendMessage's `text`: "Text of the message to be sent, 1-4096 characters after entities
# parsing" (SEND_MESSAGE); a photo's, a video's or a media group item's `caption`: "0-1024
# characters after entities parsing" (SEND_PHOTO, SEND_VIDEO, #inputmediaphoto). Soku sends no
# `parse_mode`, so nothing is parsed away: the text Telegram counts is the text as given. Telegram
# measures text in UTF-16 code units (MessageEntity's offset and length are "in UTF-16 code units",
# MESSAGE_ENTITY), so an emoji outside the BMP counts 2, and so do we.
MAX_TEXT = 4096
MAX_CAPTION = 1024

# Files, uploaded with multipart/form-data: "10 MB max size for photos, 50 MB for other files"
# (SENDING_FILES; sendVideo: "Bots can currently send video files of up to 50 MB in size"). "MB"
# is read as 10^6 bytes, the stricter reading. sendPhoto also asks that "the photo's width and
# height must not exceed 10000 in total" and their "ratio must be at most 20": Telegram checks
# those (PHOTO_INVALID_DIMENSIONS), Soku does not read pixels.
MAX_PHOTO_BYTES = 10_000_000
MAX_VIDEO_BYTES = 50_000_000

# Formats. sendVideo: "Telegram clients support MPEG4 videos (other formats may be sent as
# Document)". [unverified] The Bot API names no photo formats; JPEG, PNG and WebP are what its
# clients send as photos (a GIF would be an animation, sendAnimation, which Soku does not send).
PHOTO_FORMATS = ("image/jpeg", "image/png", "image/webp")
VIDEO_FORMATS = ("video/mp4",)

# sendMediaGroup's `media`: "A JSON-serialized array describing messages to be sent, must include
# 2-10 items" (SEND_MEDIA_GROUP). A Soku post carries one video at most, so an album is photos.
MIN_GROUP = 2
MAX_GROUP = 10

_PHOTO = MediaRule("image", PHOTO_FORMATS, MAX_PHOTO_BYTES, source=SENDING_FILES)
_VIDEO = MediaRule("video", VIDEO_FORMATS, MAX_VIDEO_BYTES, source=SEND_VIDEO)

POST_KINDS = (
    PostKind("message", f"A text message (sendMessage), up to {MAX_TEXT} characters.", source=SEND_MESSAGE),
    PostKind("photo", f"One photo (sendPhoto), the text as its caption, up to {MAX_CAPTION} characters.",
             media=(_PHOTO,), min_media=1, max_media=1, source=SEND_PHOTO, max_text=MAX_CAPTION),
    PostKind("video", f"One MPEG4 video (sendVideo), the text as its caption, up to {MAX_CAPTION} characters.",
             media=(_VIDEO,), min_media=1, max_media=1, source=SEND_VIDEO, max_text=MAX_CAPTION),
    PostKind("album", f"An album of {MIN_GROUP} to {MAX_GROUP} photos (sendMediaGroup), the text as the first "
                      f"photo's caption, up to {MAX_CAPTION} characters (Telegram shows it under the album).",
             media=(_PHOTO,), min_media=MIN_GROUP, max_media=MAX_GROUP, source=SEND_MEDIA_GROUP, max_text=MAX_CAPTION),
)

# No scopes: a bot may do what its rights in the chat allow (connector.py checks it can post). A bot
# that can post can delete its own messages for 48 hours (DELETE_MESSAGE); the Bot API has no
# message metrics (insights.py).
# 1 publisher task a second: a bot may send "no more than 20 messages per minute to the same group" and
# should avoid "more than one message per second" to one chat (core.telegram.org/bots/faq, "My bot is
# hitting limits"); a 429 beyond that carries `retry_after`, which the runner honours.
MANIFEST = PlatformRules("Telegram", MAX_TEXT, False, False, True, True, MAX_GROUP, text_unit=UTF16_UNIT,
                         text_source=SEND_MESSAGE, post_kinds=POST_KINDS, dispatch_per_second=1)
