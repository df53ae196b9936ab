"""Mastodon: media through `POST /api/v2/media` (processed asynchronously), then
`POST /api/v1/statuses` with an `Idempotency-Key`, on the account's own server.

Flow (docs.joinmastodon.org/methods/media/ and methods/statuses/):

1. The server's limits, `GET /api/v2/instance` (instance.py, cached 10 minutes): the status is
   counted as the server counts it (text.py: a link 23, the content warning included) against
   its `max_characters`, and the media against its count, sizes and types. Submission checked
   the stock figures (manifest.py); a server with other figures is held to its own here.
2. Each image or video: `POST /api/v2/media` (multipart `file`, streamed from Cloud Storage) →
   200 with `url` when processed at once, or 202 with `url: null` while the server processes it
   ("the full-size file is still processing ... Use GET /api/v1/media/:id to check the status";
   since 4.0.0 images answer 200, video, gifv and audio 202); `GET /api/v1/media/:id` answers 206
   while processing, 200 with `url` when done. Each id is checkpointed, and once processed
   marked ready, so a retry neither uploads again nor waits again. A server deletes media no
   status uses after a day (app/lib/vacuum/media_attachments_vacuum.rb: `TTL = 1.day`), so an upload older than
   MEDIA_REUSE_S is done again.
3. `POST /api/v1/statuses` {status, media_ids, spoiler_text, visibility, sensitive, language}
   inside `ctx.create_once`, with `Idempotency-Key` derived from the run: "Provide this header
   with any arbitrary string to prevent duplicate submissions of the same status. ... Idempotency
   keys are stored for up to 1 hour" (methods/statuses/#create; PostStatusService answers the
   status the key made instead of making another). So the same run's create is the same status however often it is sent
   within the hour: Mastodon's own exactly-once. Beyond the hour, or when the lookup below
   finds it first, `create_once`'s reconciliation holds.
4. Reconciling an armed create: the account's own statuses, newest first
   (`GET /api/v1/accounts/:id/statuses`, `exclude_reblogs`, paged by `max_id`), made in the
   window, whose text (HTML `content` back to text), content warning and media count are ours.

Delete: `DELETE /api/v1/statuses/:id` (`write:statuses`); 404 "Record not found": already gone.
Tokens: Mastodon's do not expire and have no refresh token (connector.py): a 401 is a revoked
grant, and the account needs reconnecting.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared import clock
from shared.platforms import Platform
from shared.platforms.mastodon import instance as servers
from shared.platforms.mastodon import text as counting
from shared.platforms.mastodon.http import classify
from shared.platforms.mastodon.manifest import MB
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, RetryableError
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import StoredMediaFile, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, before_window, in_window, normalise


@dataclass(frozen=True)
class MastodonLimits:
    first_poll_s: float = 0.5  # media processing: the first wait, doubling up to max_poll_s
    max_poll_s: float = 8.0
    processing_timeout_s: float = 5 * 60  # then the attempt ends retryable and the next one polls again
    media_reuse_s: float = 20 * 3600  # under the server's 1-day cleanup of unattached media
    page_size: int = 40  # statuses per page: the API's maximum (methods/accounts/#statuses, `limit` max 40)


LIMITS = MastodonLimits()

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_REMOTE_MENTION = re.compile(r"(?<![\w/])(@[A-Za-z0-9_]+)@[\w.-]+\w")


def plain(content: str | None) -> str:
    """A status's HTML `content` as its text: paragraphs and line breaks back to newlines, tags
    dropped (a link's full URL survives in its `invisible` spans), entities unescaped."""
    text = _PARAGRAPH.sub("\n\n", content or "")
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))


def text_key(text: str | None) -> str:
    """Text compared across the round trip: normalised, and a remote mention `@bob@host` as
    `@bob`, since the server renders a mention it resolved by the local part alone."""
    return _REMOTE_MENTION.sub(r"\1", normalise(text))


def idempotency_key(ctx: PublishContext) -> str:
    """Stable for the run across attempts and retries: the run's document path, hashed (no ids
    of ours go to the server in clear). A context built outside the runner keeps a random one
    in its checkpoint."""
    seed = ctx.run_path
    if not seed:
        seed = ctx.checkpoint.get("idempotencySeed")
        if not seed:
            seed = secrets.token_hex(16)
            ctx.save(idempotencySeed=seed)
    return "soku-" + hashlib.sha256(f"soku mastodon status\n{seed}".encode()).hexdigest()[:40]


class MastodonPublisher:
    platform = Platform.MASTODON
    # How long the account's listing may trail a create: none. It is read from the server's
    # database (AccountStatusesFilter), not an eventually consistent index, and a create sent
    # again within the hour carries the same Idempotency-Key, so even a miss makes no second
    # status. CREATE_REACH_S (publishing/base.py) still covers a create in flight.
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    @staticmethod
    def root(account: Account) -> str:
        root = account.data.get("instanceUrl")
        if not isinstance(root, str) or not root:
            raise NeedsReconnectError("This Mastodon account has no server on record; connect it again")
        return root

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"},
                            client=servers.client())

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        # Mastodon access tokens are valid until revoked and come without a refresh token
        # (docs.joinmastodon.org/entities/Token/): a refused one cannot be renewed.
        raise NeedsReconnectError("Mastodon tokens do not expire and cannot be refreshed; the server refused this "
                                  "one, so the access was revoked: connect the account again")

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        root = self.root(ctx.account)
        http = self.http(ctx.account)
        limits = servers.limits(root, classify)
        options = ctx.content.options or {}
        spoiler = options.get("spoilerText") or None
        server = servers.host_of(root)
        used = counting.length(ctx.content.text, spoiler, limits.characters_per_url)
        if used > limits.max_characters:
            raise PermanentError(
                f"{server} takes statuses of at most {limits.max_characters} characters (a link counts "
                f"{limits.characters_per_url}, the content warning counts too); this one has {used}",
                code="text_too_long")
        items = self._media_items(ctx, limits, server)
        media_ids = [self._upload(ctx, http, root, index, item) for index, item in enumerate(items)]
        payload: dict[str, Any] = {"status": ctx.content.text}
        if media_ids:
            payload["media_ids"] = media_ids
        if ctx.reply_to is not None:
            payload["in_reply_to_id"] = ctx.reply_to.parent.post_id  # a thread's reply answers the post before it
        if spoiler:
            payload["spoiler_text"] = spoiler
        for option, field in (("visibility", "visibility"), ("sensitive", "sensitive"), ("language", "language")):
            if options.get(option) is not None:
                payload[field] = options[option]
        key = idempotency_key(ctx)

        def create() -> PublishedPost:
            response = http.request("POST", f"{root}/api/v1/statuses", json=payload, headers={"Idempotency-Key": key})
            status = response.json()
            if not isinstance(status, dict) or not status.get("id"):
                raise RetryableError("The Mastodon server answered the status create without an id",
                                     code="publish_outcome_unknown")
            return _published(status)

        return ctx.create_once(create)

    def _media_items(self, ctx: PublishContext, limits: servers.Limits, server: str) -> list[dict]:
        """One video, or the images (a server takes no mix: manifest.py), within the server's count."""
        content = ctx.content
        if content.media_type == "video" and content.videos:
            items = content.videos[:1]
        elif content.media_type in ("image", "video") and content.images:
            items = content.images
        else:
            return []
        if len(items) > limits.max_media:
            raise PermanentError(f"{server} takes at most {limits.max_media} images per status; this post has "
                                 f"{len(items)}", code="too_many_media")
        return items

    # -- media ------------------------------------------------------------------------
    def _upload(self, ctx: PublishContext, http: PlatformHttp, root: str, index: int, item: dict) -> str:
        uploads: dict[str, Any] = ctx.checkpoint.setdefault("media", {})
        state = uploads.get(str(index))
        reusable_since = clock.now() - timedelta(seconds=LIMITS.media_reuse_s)
        if state and datetime.fromisoformat(state["uploadedAt"]) < reusable_since:
            state = None  # the server may have cleaned the unattached upload away: upload again
        if state and state.get("ready"):
            return state["id"]
        if not state:
            media = open_media(item)
            cap = servers.limits(root, classify)
            limit = cap.video_bytes if item.get("kind") == "video" else cap.image_bytes
            if media.size > limit:
                raise PermanentError(f"{servers.host_of(root)} takes {item.get('kind', 'file')}s up to "
                                     f"{limit // MB} MB; this one is {media.size} bytes", code="media_too_large")
            if cap.mime_types and media.content_type not in cap.mime_types:
                raise PermanentError(f"{servers.host_of(root)} does not take {media.content_type} files",
                                     code="media_unsupported")
            ext = (media.content_type.split("/")[-1] or "bin").split(";")[0]
            name = f"soku-{item.get('mediaId') or index}.{ext}"
            try:
                # `description`: the media's alt text (PATCH /v1/media/{id}), methods/media/#v2.
                alt = {"description": item["altText"]} if item.get("altText") else None
                response = http.request("POST", f"{root}/api/v2/media", data=alt,
                                        files={"file": (name, StoredMediaFile(media), media.content_type)})
            except PermanentError as error:
                raise PermanentError(f"The Mastodon server could not take the media: {error.message}",
                                     code="media_processing_failed") from None
            body = response.json()
            # 200: processed already (`url` set); 202: "the full-size file is still processing" (methods/media/#v2).
            state = {"id": str(body["id"]), "ready": response.status_code == 200 and bool(body.get("url")),
                     "uploadedAt": clock.now().isoformat()}
            uploads[str(index)] = state
            ctx.save(media=uploads)  # a retry polls this upload instead of uploading again
        if not state["ready"]:
            self._wait_until_processed(ctx, http, root, state["id"])
            state["ready"] = True
            ctx.save(media=uploads)
        return state["id"]

    def _wait_until_processed(self, ctx: PublishContext, http: PlatformHttp, root: str, media_id: str) -> None:
        """`GET /api/v1/media/:id`: 206 "Partial content" ("The media attachment is still being
        processed"), 200 with `url` when done (docs.joinmastodon.org/methods/media/#get); a failed
        processing is a 422."""
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        delay = LIMITS.first_poll_s
        while True:
            ctx.sleep(delay)
            try:
                response = http.request("GET", f"{root}/api/v1/media/{media_id}")
            except PermanentError as error:
                raise PermanentError(f"The Mastodon server could not process the media: {error.message}",
                                     code="media_processing_failed") from None
            if response.status_code == 200 and response.json().get("url"):
                return
            if clock.now() > deadline:
                raise RetryableError("The Mastodon server is still processing the media; will check again",
                                     code="media_processing")
            delay = min(delay * 2, LIMITS.max_poll_s)

    # -- reconciliation ------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        root = self.root(ctx.account)
        http = self.http(ctx.account)
        wanted = text_key(ctx.content.text)
        spoiler = text_key((ctx.content.options or {}).get("spoilerText"))
        media = len((ctx.checkpoint.get("media") or {}))
        # A thread's reply counts only under the post it answers (`in_reply_to_id`).
        parent = ctx.reply_to.parent.post_id if ctx.reply_to is not None else None
        url = f"{root}/api/v1/accounts/{ctx.account.platform_user_id}/statuses"
        params: dict[str, Any] = {"limit": LIMITS.page_size, "exclude_reblogs": "true"}
        matches = []
        for _ in range(LOOKUP_PAGES):
            page = http.request("GET", url, params=params).json()
            statuses = [s for s in page if isinstance(s, dict)] if isinstance(page, list) else []
            for status in statuses:
                created = _created_at(status)
                if (in_window(created, armed_at) and text_key(plain(status.get("content"))) == wanted
                        and text_key(status.get("spoiler_text")) == spoiler
                        and (parent is None or str(status.get("in_reply_to_id")) == parent)
                        and len(status.get("media_attachments") or []) == media):
                    matches.append((created, status))
            if len(statuses) < LIMITS.page_size or any(before_window(_created_at(s), armed_at) for s in statuses):
                break  # the last page, or one that reached back before the window
            params = params | {"max_id": statuses[-1]["id"]}
        if not matches:
            return None
        _, status = min(matches, key=lambda match: match[0])  # the first one made after the arming
        return _published(status)

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /api/v1/statuses/:id` → the deleted status (docs.joinmastodon.org/methods/statuses/#delete,
        `write:statuses`; 30 deletions per 30 minutes, api/rate-limits/). 404 "Record not found": the
        status is gone already."""
        http = for_deletion(self.http(account), "Mastodon", lambda response: response.status_code == 404)
        http.request("DELETE", f"{self.root(account)}/api/v1/statuses/{post_id}")


def _published(status: dict) -> PublishedPost:
    return PublishedPost(str(status["id"]), status.get("url") or status.get("uri"))


def _created_at(status: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(status["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None


PUBLISHER = MastodonPublisher  # what the registry (shared/platforms/loader.py) instantiates
