"""Discord: a message from the channel's webhook, `POST /api/v10/webhooks/{id}/{token}?wait=true`.

Flow (discord.com/developers/docs/resources/webhook#execute-webhook): one request makes the
message. Text only (and the options: `username`, `avatar_url`, `thread_name`, `flags`, one
embed) goes as JSON; with media, as multipart: `payload_json` holding that JSON plus its
`attachments` (`{id: n, filename}`), and each file as `files[n]`
(discord.com/developers/docs/reference#uploading-files). `wait=true` makes Discord answer the
created message ("waits for server confirmation of message send before response, and returns
the created message body"; without it a message that is not saved "does not return an error").
The result is the message: `postId` its id, `url` `https://discord.com/channels/{guild}/{channel}/{message}`.
A message that started a thread (`threadName`, forum channels) lives in that thread, which
Discord's message routes must be told (`thread_id`): its `postId` is `{thread}:{message}`.

Files are read from Cloud Storage whole into the request (not in ranges, as the chunked uploads
of other platforms are): Discord takes at most 10 files of 10 MiB and 25 MiB a request
(manifest.py), so 25 MiB is the most held at once, and the files' sizes are checked against
those figures before a byte is read or sent.

Exactly once. Discord's webhooks take no idempotency key: `nonce` / `enforce_nonce` dedupe
"Create Message" (a bot's `POST /channels/{id}/messages`, discord/discord-api-docs#6647), and
Discord said then that "webhooks and interaction webhooks are a bit more intricate, so nothing
imminently coming for those"; Execute Webhook's schema in Discord's OpenAPI document
(discord/discord-api-spec, IncomingWebhookRequestPartial) has no nonce, and Discord ignores one
sent to a webhook (HuyaneMatsu/hata#60). A webhook can read back only messages whose id it
knows (`GET /webhooks/{id}/{token}/messages/{message.id}`): it cannot list the channel. So:
- the create goes through `ctx.create_once`, and the message id is checkpointed the moment the
  answer arrives (`ctx.accepted`); an attempt that died after that reads the message back by
  id and records it;
- a create whose answer never came (a timeout, a dropped connection, a 5xx after the request
  went out) may have posted, and nothing can tell: the run is not sent again and ends
  `unconfirmed` (`publish_outcome_unknown`), as TikTok's lost pull init does; the user looks at
  the channel and retries if the message is missing;
- a create refused before it was sent (the connection never opened) or refused by Discord
  (4xx, 429) made nothing, and the next attempt creates.

Errors: Discord answers `{"code", "message"}` (and `errors`, the form's field-by-field
reasons, for 50035 Invalid Form Body); 429 carries `retry_after` (seconds, a float) and the
`Retry-After` / `X-RateLimit-Reset-After` headers (discord.com/developers/docs/topics/rate-limits).
Unknown Webhook (10015, 404) and Invalid Webhook Token (50027, 401) mean the webhook is gone:
the account needs reconnecting with a new URL.
"""

from __future__ import annotations

import json
import mimetypes
from datetime import datetime
from typing import Any

import httpx

from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.discord.connector import API_VERSION
from shared.platforms.discord.manifest import (
    MAX_CONTENT,
    MAX_EMBED_TOTAL,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REQUEST_BYTES,
    MiB,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
    UnconfirmedError,
)
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import open_media

# Message flags (discord.com/developers/docs/resources/message#message-object-message-flags);
# a webhook may set only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS (and IS_COMPONENTS_V2).
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12

# JSON error codes (discord.com/developers/docs/topics/opcodes-and-status-codes#json).
UNKNOWN_WEBHOOK = 10015
UNKNOWN_MESSAGE = 10008
INVALID_WEBHOOK_TOKEN = 50027
REQUEST_TOO_LARGE = 40005
INVALID_FORM_BODY = 50035
EMPTY_MESSAGE = 50006

# Failures of an HTTP request that was never sent: the connection never opened, or no pooled
# connection was free. Discord cannot have made a message from it.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reasons(errors: Any, path: str = "") -> list[str]:
    """50035's `errors` tree (`{"content": {"_errors": [{"code", "message"}]}}`) as `field: message`s."""
    found: list[str] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "_errors" and isinstance(value, list):
                found += [f"{path or 'body'}: {e.get('message')}" for e in value if isinstance(e, dict)]
            else:
                found += _reasons(value, f"{path}.{key}" if path else str(key))
    return found


def error_text(response: httpx.Response) -> str:
    body = _body(response)
    words = str(body.get("message") or response.text[:300] or f"HTTP {response.status_code}")
    reasons = _reasons(body.get("errors"))
    return f"{words} ({'; '.join(reasons)})" if reasons else words


def _code(response: httpx.Response) -> int | None:
    code = _body(response).get("code")
    return code if isinstance(code, int) else None


def rate_limit_wait(response: httpx.Response) -> float | None:
    """Seconds to wait after a 429: the body's `retry_after` (a float, the precise figure), else the
    `Retry-After` header, else `X-RateLimit-Reset-After` (discord.com/developers/docs/topics/rate-limits,
    "Exceeding A Rate Limit": "rely on the Retry-After header or retry_after field")."""
    value = _body(response).get("retry_after")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return max(0.0, float(value))
    header = retry_after_seconds(response)
    if header is not None:
        return header
    try:
        return max(0.0, float(response.headers.get("X-RateLimit-Reset-After", "")))
    except ValueError:
        return None


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    text, code = error_text(response), _code(response)
    if status == 429:
        scope = response.headers.get("X-RateLimit-Scope") or ("global" if _body(response).get("global") else "")
        return RetryableError(f"Discord rate limit{f' ({scope})' if scope else ''}: {text}", code="rate_limited",
                              retry_after=rate_limit_wait(response))
    if code in (UNKNOWN_WEBHOOK, INVALID_WEBHOOK_TOKEN) or status == 401:
        return NeedsReconnectError(f"Discord no longer accepts this webhook ({text}): it was deleted or its token "
                                   "reset; connect the channel again with its new webhook URL")
    if status == 413 or code == REQUEST_TOO_LARGE:
        return PermanentError(f"Discord refused the files as too large: {text}", code="media_too_large")
    if status >= 500:
        return RetryableError(f"Discord is unavailable ({status}): {text}", code="platform_unavailable")
    if 400 <= status < 500:
        return PermanentError(f"Discord refused the message: {text}", code="publish_rejected")
    return None


def _extension(content_type: str) -> str:
    # Discord shows a file inline by its name's extension, so each file is named after its type.
    return {"image/jpeg": ".jpg", "video/quicktime": ".mov"}.get(content_type) or \
        mimetypes.guess_extension(content_type) or ".bin"


class DiscordPublisher:
    platform = Platform.DISCORD
    # No listing: a message is read back by the id Discord answered, and a create whose answer
    # was lost is never made again (above). Only CREATE_REACH_S is waited (publishing/base.py).
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    def http(self, account: Account) -> PlatformHttp:
        # No Authorization header: the webhook's token is in the path ("does not require authentication").
        return PlatformHttp(classify)

    @staticmethod
    def _webhook(account: Account) -> str:
        base = get_settings().platform_hosts["discord_api"].rstrip("/")
        return f"{base}/api/{API_VERSION}/webhooks/{account.platform_user_id}/{account.tokens.access_token}"

    @staticmethod
    def post_url(account: Account, channel_id: str, message_id: str) -> str:
        """The message's link, as Discord's "Copy Message Link" gives it."""
        base = get_settings().platform_hosts["discord_api"].rstrip("/")
        return f"{base}/channels/{account.data.get('guildId') or '@me'}/{channel_id}/{message_id}"

    def _published(self, account: Account, message: dict[str, Any]) -> PublishedPost:
        message_id, channel_id = str(message["id"]), str(message.get("channel_id") or account.data.get("channelId"))
        in_thread = channel_id != str(account.data.get("channelId") or channel_id)
        post_id = f"{channel_id}:{message_id}" if in_thread else message_id
        return PublishedPost(post_id, self.post_url(account, channel_id, message_id))

    @staticmethod
    def _message_route(post_id: str) -> tuple[str, dict[str, str]]:
        """`/messages/{id}` and its `thread_id` for a postId (`{thread}:{message}` in a thread)."""
        thread, _, message = post_id.rpartition(":")
        return f"/messages/{message}", ({"thread_id": thread} if thread else {})

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        raise NeedsReconnectError("A Discord webhook's token cannot be renewed: connect the channel again with "
                                  "its webhook URL")

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        payload = self._payload(ctx)
        items = self._media_items(ctx)

        def create() -> PublishedPost:
            # Read inside the create: an attempt that finds an earlier create armed never gets here
            # (create_once looks first), so media deleted since cannot fail a run Discord may have
            # posted. A file refused here disarms the create: nothing was sent.
            files = self._files(items)
            if files:
                # `id` is the `n` of `files[n]`, a snowflake placeholder: a string, as snowflakes are.
                attachments = [{"id": str(n), "filename": name} for n, (name, _, _) in enumerate(files)]
                request: dict[str, Any] = {
                    "data": {"payload_json": json.dumps(payload | {"attachments": attachments})},
                    "files": [(f"files[{n}]", file) for n, file in enumerate(files)]}
            else:
                request = {"json": payload}
            try:
                response = http.request("POST", self._webhook(ctx.account), params={"wait": "true"}, **request)
            except RetryableError as error:
                if isinstance(error.__cause__, _NEVER_SENT):
                    ctx.save(createArmedAt=None)  # the request never left: no message can exist
                raise
            message = _body(response)
            if not message.get("id"):
                raise UnconfirmedError("Discord answered the message without its id, so Soku cannot confirm it was "
                                       "posted; check the channel, and retry the post if it is missing")
            # From here the message exists: saved before anything else can fail.
            ctx.accepted(discordMessage={"id": str(message["id"]), "channelId": str(message.get("channel_id") or "")})
            return self._published(ctx.account, message)

        return ctx.create_once(create)

    def _payload(self, ctx: PublishContext) -> dict[str, Any]:
        text = ctx.content.text or ""
        if len(text) > MAX_CONTENT:  # submission refuses it first; this guards what Discord would refuse anyway
            raise PermanentError(f"Discord allows at most {MAX_CONTENT} characters in a message; this text has "
                                 f"{len(text)}", code="text_too_long")
        options = ctx.content.options or {}
        payload: dict[str, Any] = {}
        if text:
            payload["content"] = text
        for option, field in (("username", "username"), ("avatarUrl", "avatar_url"), ("threadName", "thread_name")):
            if options.get(option):
                payload[field] = options[option]
        flags = (SUPPRESS_EMBEDS if options.get("suppressEmbeds") else 0) | \
                (SUPPRESS_NOTIFICATIONS if options.get("suppressNotifications") else 0)
        if flags:
            payload["flags"] = flags
        embed = {k: v for k, v in (options.get("embed") or {}).items() if v is not None}
        if embed:
            if len(embed.get("title") or "") + len(embed.get("description") or "") > MAX_EMBED_TOTAL:
                raise PermanentError(f"Discord allows at most {MAX_EMBED_TOTAL} characters in a message's embeds",
                                     code="publish_rejected")
            payload["embeds"] = [embed]
        if not text and not embed and not ctx.content.media:
            raise PermanentError("Discord cannot send an empty message: give it text, media or an embed",
                                 code="publish_rejected")
        return payload

    @staticmethod
    def _media_items(ctx: PublishContext) -> list[dict]:
        if ctx.content.media_type == "video":
            return ctx.content.videos[:1]
        if ctx.content.media_type == "image":
            return ctx.content.images
        return []

    @staticmethod
    def _files(items: list[dict]) -> list[tuple[str, bytes, str]]:
        """(filename, bytes, content type) of each item, checked against Discord's limits first."""
        if len(items) > MAX_FILES:
            raise PermanentError(f"Discord takes at most {MAX_FILES} files a message; this post has {len(items)}",
                                 code="too_many_media")
        stored = [open_media(item) for item in items]
        for n, media in enumerate(stored, 1):
            if media.size > MAX_FILE_BYTES:
                raise PermanentError(f"Discord takes files of at most {MAX_FILE_BYTES // MiB} MiB (without a server "
                                     f"boost); file {n} has {media.size / MiB:.1f} MiB", code="media_too_large")
        if sum(m.size for m in stored) > MAX_REQUEST_BYTES:
            raise PermanentError(f"Discord takes at most {MAX_REQUEST_BYTES // MiB} MiB of files a message; these "
                                 f"have {sum(m.size for m in stored) / MiB:.1f} MiB", code="media_too_large")
        return [(f"{n}{_extension(m.content_type)}", m.read(0, m.size), m.content_type)
                for n, m in enumerate(stored, 1)]

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The message an interrupted create made: read back by the id checkpointed when Discord
        answered. Without one, the answer was lost and nothing can find the message (a webhook
        cannot list its channel): never sent again, the run ends unconfirmed."""
        saved = ctx.checkpoint.get("discordMessage")
        if not saved:
            raise UnconfirmedError(
                "Discord was sent this message but the answer was lost, and a webhook cannot look up a message "
                "whose id it was not told; it is not sent again, so it cannot be posted twice. Check the channel, "
                "and retry the post if the message is missing.", code="publish_outcome_unknown")
        channel = saved.get("channelId") or str(ctx.account.data.get("channelId") or "")
        known = self._published(ctx.account, {"id": saved["id"], "channel_id": channel})
        route, params = self._message_route(known.post_id)
        try:
            message = _body(self.http(ctx.account).request("GET", self._webhook(ctx.account) + route, params=params))
        except (PermanentError, NeedsReconnectError):
            # Discord made it (it answered with its id), and it, or the webhook, is gone since
            # (deleted in the channel): still this run's post, never made again.
            return known
        return self._published(ctx.account, message) if message.get("id") else known

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /webhooks/{id}/{token}/messages/{message.id}` → 204 ("Deletes a message that was created
        by the webhook", discord.com/developers/docs/resources/webhook#delete-webhook-message); one
        Discord no longer has answers `404 {"code": 10008, "message": "Unknown Message"}`: gone already."""
        http = for_deletion(self.http(account), "Discord", _message_gone)
        route, params = self._message_route(post_id)
        http.request("DELETE", self._webhook(account) + route, params=params)


def _message_gone(response: httpx.Response) -> bool:
    return response.status_code == 404 and _code(response) == UNKNOWN_MESSAGE


PUBLISHER = DiscordPublisher  # what the registry (shared/platforms/loader.py) instantiates
