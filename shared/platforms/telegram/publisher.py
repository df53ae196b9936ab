"""Telegram (Bot API): one call sends the post, its files uploaded in the same request.

What is sent (core.telegram.org/bots/api), to the account's chat (`chat_id`, its numeric id):
- text only: `sendMessage` (JSON) with `text`, and `link_preview_options` when asked;
- one photo or one video: `sendPhoto` / `sendVideo` (multipart/form-data: the file under
  `photo` / `video`), the text as `caption`;
- 2-10 photos: `sendMediaGroup` (multipart: `media` is the JSON array of InputMediaPhoto, each
  `attach://<name>` of a file part), the text as the first item's caption, which Telegram's
  apps show under the album.
No `parse_mode` is sent: the text is shown as written (a `<b>` stays `<b>`), and what Telegram
counts "after entities parsing" is the text itself. Files are read from Cloud Storage as the
request streams them (`StoredMediaFile`), never whole.

Errors (bot_api.py reads the envelope): 429 is retried after `parameters.retry_after`; 401 (the
token was revoked or regenerated), 403 (the bot was removed from the chat or lost its rights),
`chat not found` and a group upgraded to a supergroup (`parameters.migrate_to_chat_id`: the chat
has a new id) need the account reconnected; any other 4xx is permanent, in Telegram's words; 5xx
and transport failures are retryable.

Exactly once. Telegram has no idempotency key and no way for a bot to read what it sent (no
history, no search: a bot sees only the updates sent to it), so an interrupted send cannot be
looked up. The create is armed as on every platform (`ctx.create_once`), and Telegram's answer,
the message ids, is checkpointed the moment it arrives (`ctx.accepted`). When a later attempt
finds the create armed without those ids, the send's outcome is unknown (the process died, or
the answer was lost: a timeout, a dropped connection, a 5xx after the request left): the message
may well be in the chat. It is never sent again: the run ends `unconfirmed`
(`publish_outcome_unknown`), saying so, and the user, who can see the chat, decides (a
`POST /v1/posts/{id}/retry` of an unconfirmed run sends it again). A refusal (4xx, 429) proves
nothing was sent, so it disarms the create and a retry sends.

The post id is the message's id, or for an album the ids of its messages joined by commas (the
first is the album's link): deleting an album deletes every message of it. A message link is
`https://t.me/<username>/<id>` in a public chat, and `https://t.me/c/<id without -100>/<id>` in
a private channel or supergroup (core.telegram.org/api/links#message-links); a basic group's
messages have no link (url null).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from shared.platforms import Platform
from shared.platforms.telegram import bot_api
from shared.platforms.telegram.manifest import (
    MAX_CAPTION,
    MAX_GROUP,
    MAX_PHOTO_BYTES,
    MAX_TEXT,
    MAX_VIDEO_BYTES,
    MIN_GROUP,
    PHOTO_FORMATS,
    VIDEO_FORMATS,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import NotDeletable, PostGone
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
    UnconfirmedError,
)
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import StoredMedia, StoredMediaFile, open_media
from shared.text_counting import utf16_length

# Message links (core.telegram.org/api/links#message-links): t.me/<username>/<id>, and for a
# private channel or supergroup t.me/c/<channel id>/<id>, the channel id being the chat id
# without its -100 prefix (the Bot API's ids of channels and supergroups are -100<channel id>).
TME = "https://t.me"
_CHANNEL_PREFIX = "-100"
# deleteMessage: "A message can only be deleted if it was sent less than 48 hours ago"
# (core.telegram.org/bots/api#deletemessage); deleteMessages takes 1-100 ids (#deletemessages).
DELETE_WINDOW_HOURS = 48
MAX_DELETE_IDS = 100
_RECONNECT_WORDS = ("chat not found", "bot was kicked", "bot is not a member", "bot was blocked",
                    "have no rights to send", "not enough rights", "need administrator rights",
                    "chat_write_forbidden")


@dataclass(frozen=True)
class TelegramLimits:
    max_text: int = MAX_TEXT  # UTF-16 code units (manifest.py)
    max_caption: int = MAX_CAPTION
    max_photo_bytes: int = MAX_PHOTO_BYTES
    max_video_bytes: int = MAX_VIDEO_BYTES
    min_group: int = MIN_GROUP
    max_group: int = MAX_GROUP
    read_bytes: int = 4 * 1024 * 1024  # bytes read from Cloud Storage at a time while a file streams


LIMITS = TelegramLimits()
PHOTO_TYPES = set(PHOTO_FORMATS)
VIDEO_TYPES = set(VIDEO_FORMATS)


def error_for(answer: bot_api.Answer | None, status: int) -> PublishError | None:
    """A Bot API refusal → the taxonomy; None for an answer that is no refusal (or no envelope: the
    shared status rules, publishing/http.default_classify, sort it)."""
    if answer is None:
        return None
    if answer.ok and status < 300:
        return None
    code = answer.error_code or status
    words = bot_api.redact(answer.description or f"error {code}")
    lowered = words.lower()
    if code == 429:
        return RetryableError(f"Telegram rate limit: {words}", code="rate_limited",
                              retry_after=bot_api.retry_after(answer))
    if code == 401:
        return NeedsReconnectError(f"Telegram no longer accepts the bot's token ({words}): it was revoked or "
                                   "regenerated with @BotFather; connect the chat again with the bot's current token")
    if answer.parameters.get("migrate_to_chat_id") is not None:
        return NeedsReconnectError(f"The group became a supergroup with the chat id "
                                   f"{answer.parameters['migrate_to_chat_id']} ({words}): connect it again with that id")
    if code == 403 or any(marker in lowered for marker in _RECONNECT_WORDS):
        return NeedsReconnectError(f"Telegram refused the bot in this chat ({words}): add the bot back (in a channel, "
                                   "as an administrator allowed to post) and connect the chat again")
    if code >= 500:
        return RetryableError(f"Telegram is unavailable ({code}): {words}", code="platform_unavailable")
    if "too long" in lowered:
        return PermanentError(f"Telegram refused the message: {words}", code="text_too_long")
    if "too big" in lowered or "too large" in lowered or code == 413:
        return PermanentError(f"Telegram refused the file: {words}", code="media_too_large")
    return PermanentError(f"Telegram refused the message: {words}", code="publish_rejected")


def classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300 and (answer := bot_api.read(response)) is not None and answer.ok:
        return None
    return error_for(bot_api.read(response), response.status_code)


def _flag(value: bool) -> str:
    return "true" if value else "false"


class TelegramPublisher:
    platform = Platform.TELEGRAM
    # Nothing is looked up (a bot cannot read what it sent): find_existing answers from the
    # checkpoint alone, so there is no listing to wait for.
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    def http(self, account: Account) -> PlatformHttp:
        # The token is in each URL (bot_api.api_url), not in a header.
        return PlatformHttp(classify)

    @staticmethod
    def _url(account: Account, method: str) -> str:
        return bot_api.api_url(account.tokens.access_token, method)

    @staticmethod
    def post_url(account: Account, message_id: int | str) -> str | None:
        username = account.data.get("chatUsername")
        if username:
            return f"{TME}/{username}/{message_id}"
        chat_id = str(account.platform_user_id)
        if chat_id.startswith(_CHANNEL_PREFIX):
            return f"{TME}/c/{chat_id[len(_CHANNEL_PREFIX):]}/{message_id}"
        return None  # a basic group: its messages have no link

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        # Bot tokens do not expire and have no refresh token; the runner asks only when one exists.
        raise NeedsReconnectError("A Telegram bot token cannot be renewed: connect the chat again with the "
                                  "bot's current token")

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        send = self._plan(ctx)  # every check first: nothing is armed for a post Telegram would refuse

        def create() -> PublishedPost:
            response = send(http)
            messages = _messages(response)
            ids = [int(m["message_id"]) for m in messages]
            # From here Telegram has the message: a retry must find these ids, never send again.
            ctx.accepted(messageIds=ids, sentAt=messages[0].get("date"))
            return self._post(ctx.account, ids)

        return ctx.create_once(create)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        ids = ctx.checkpoint.get("messageIds")
        if ids:
            return self._post(ctx.account, [int(i) for i in ids])  # answered and recorded before the attempt died
        raise UnconfirmedError(
            "Telegram was sent this post but Soku never learned whether it was posted (the answer was lost, or "
            "Telegram failed after receiving it), and a bot cannot look up the messages it sent; it is not sent "
            "again, so it cannot be posted twice. Check the chat, and retry the post if it is missing.",
            code="publish_outcome_unknown")

    def _post(self, account: Account, ids: list[int]) -> PublishedPost:
        return PublishedPost(",".join(str(i) for i in ids), self.post_url(account, ids[0]))

    def _common(self, ctx: PublishContext) -> dict[str, Any]:
        options = ctx.content.options or {}
        fields: dict[str, Any] = {"chat_id": ctx.account.platform_user_id}
        if options.get("disableNotification"):
            fields["disable_notification"] = True
        if options.get("protectContent"):
            fields["protect_content"] = True
        if options.get("messageThreadId") is not None:
            fields["message_thread_id"] = int(options["messageThreadId"])
        return fields

    def _plan(self, ctx: PublishContext):
        """The send this post is, checked against Telegram's limits; a function of the HTTP client."""
        text = ctx.content.text or ""
        fields = self._common(ctx)
        images, videos = ctx.content.images, ctx.content.videos
        account = ctx.account
        if ctx.content.media_type == "text" or not (images or videos):
            if not text.strip():
                raise PermanentError("A Telegram text message needs text", code="text_required")
            if utf16_length(text) > LIMITS.max_text:
                raise PermanentError(f"Telegram messages are limited to {LIMITS.max_text} characters; this text has "
                                     f"{utf16_length(text)}", code="text_too_long")
            body = fields | {"text": text}
            if (ctx.content.options or {}).get("disableLinkPreview"):
                body["link_preview_options"] = {"is_disabled": True}
            return lambda http: http.request("POST", self._url(account, "sendMessage"), json=body)
        if utf16_length(text) > LIMITS.max_caption:
            raise PermanentError(f"Telegram captions are limited to {LIMITS.max_caption} characters; this text has "
                                 f"{utf16_length(text)}", code="text_too_long")
        caption = {"caption": text} if text else {}
        items = videos[:1] if ctx.content.media_type == "video" else images
        if len(items) > LIMITS.max_group:
            raise PermanentError(f"Telegram albums take {LIMITS.min_group} to {LIMITS.max_group} photos; this post "
                                 f"has {len(items)}", code="too_many_media")
        files = [self._open(item, index) for index, item in enumerate(items)]
        if len(files) == 1:
            kind, media = files[0]
            method, part = ("sendVideo", "video") if kind == "video" else ("sendPhoto", "photo")
            data = _form(fields | caption | ({"supports_streaming": True} if kind == "video" else {}))

            def single(http: PlatformHttp) -> httpx.Response:
                return http.request("POST", self._url(account, method), data=data,
                                    files={part: (f"{part}.{_ext(media)}", StoredMediaFile(media, LIMITS.read_bytes), media.content_type)})
            return single
        described = [{"type": kind, "media": f"attach://file{index}", **(caption if index == 0 else {})}
                     for index, (kind, _) in enumerate(files)]
        data = _form(fields | {"media": json.dumps(described, ensure_ascii=False)})

        def group(http: PlatformHttp) -> httpx.Response:
            parts = {f"file{index}": (f"file{index}.{_ext(media)}", StoredMediaFile(media, LIMITS.read_bytes), media.content_type)
                     for index, (_, media) in enumerate(files)}
            return http.request("POST", self._url(account, "sendMediaGroup"), data=data, files=parts)
        return group

    @staticmethod
    def _open(item: dict, index: int) -> tuple[str, StoredMedia]:
        media = open_media(item)
        kind = "video" if item.get("kind") == "video" else "photo"
        content_type = media.content_type.lower()
        if kind == "video":
            if content_type not in VIDEO_TYPES:
                raise PermanentError(f"Telegram plays MPEG4 videos (video/mp4); this one is {media.content_type}",
                                     code="unsupported_media")
            if media.size > LIMITS.max_video_bytes:
                raise PermanentError(f"Telegram takes videos up to {LIMITS.max_video_bytes // 1_000_000} MB from a bot; "
                                     f"this one is {media.size / 1_000_000:.1f} MB", code="media_too_large")
        else:
            if content_type not in PHOTO_TYPES:
                raise PermanentError(f"Telegram takes JPEG, PNG or WebP photos; image {index + 1} is "
                                     f"{media.content_type}", code="unsupported_media")
            if media.size > LIMITS.max_photo_bytes:
                raise PermanentError(f"Telegram takes photos up to {LIMITS.max_photo_bytes // 1_000_000} MB; image "
                                     f"{index + 1} is {media.size / 1_000_000:.1f} MB", code="media_too_large")
        return kind, media

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`deleteMessage` for one message, `deleteMessages` for an album's (#deletemessage,
        #deletemessages; both answer `true`). "A message can only be deleted if it was sent less
        than 48 hours ago": Telegram then answers 400 `message can't be deleted`, and no request can
        change that. `message to delete not found`: already deleted (deleteMessages skips ids it
        cannot find, so an album gone already reads as deleted)."""
        ids = [int(i) for i in post_id.split(",") if i.strip()]
        if not ids or len(ids) > MAX_DELETE_IDS:
            raise PermanentError(f"{post_id!r} is not a Telegram message id", code="publish_rejected")
        http = PlatformHttp(_delete_classify)
        chat = account.platform_user_id
        if len(ids) == 1:
            response = http.request("POST", self._url(account, "deleteMessage"),
                                    json={"chat_id": chat, "message_id": ids[0]})
        else:
            response = http.request("POST", self._url(account, "deleteMessages"),
                                    json={"chat_id": chat, "message_ids": ids})
        answer = bot_api.read(response)
        if answer is None or answer.result is not True:
            raise PermanentError("Telegram did not delete the message", code="publish_rejected")


def _delete_classify(response: httpx.Response) -> PublishError | None:
    answer = bot_api.read(response)
    if response.status_code < 300 or answer is None:
        return classify(response)
    words = bot_api.redact(answer.description).lower()
    if "not found" in words and "chat" not in words:
        return PostGone("Telegram has no such message (already deleted)")
    if "can't be deleted" in words or "cannot be deleted" in words:
        return NotDeletable(
            f"Telegram refused to delete the message ({answer.description}): a bot can delete its messages only "
            f"within {DELETE_WINDOW_HOURS} hours of sending them (core.telegram.org/bots/api#deletemessage). "
            "An administrator of the chat can still delete it in a Telegram app.", code="delete_window_passed")
    return classify(response)


def _messages(response: httpx.Response) -> list[dict[str, Any]]:
    """The sent Message (sendMessage, sendPhoto, sendVideo) or Messages (sendMediaGroup)."""
    answer = bot_api.read(response)
    result = answer.result if answer is not None else None
    messages = result if isinstance(result, list) else [result]
    if not messages or not all(isinstance(m, dict) and isinstance(m.get("message_id"), int) for m in messages):
        # Telegram said ok (2xx) but the answer names no message: it was sent, which one is unknown.
        raise UnconfirmedError("Telegram accepted the post but its answer named no message; check the chat",
                               code="publish_outcome_unknown")
    return messages


def _form(fields: dict[str, Any]) -> dict[str, str]:
    """Multipart form fields: Telegram reads booleans as `true`/`false`, numbers as text."""
    return {k: _flag(v) if isinstance(v, bool) else str(v) for k, v in fields.items()}


def _ext(media: StoredMedia) -> str:
    return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4"}.get(
        media.content_type.lower(), "bin")


PUBLISHER = TelegramPublisher  # what the registry (shared/platforms/loader.py) instantiates
