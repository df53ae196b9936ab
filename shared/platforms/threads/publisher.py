"""Threads (graph.threads.net): media containers, status polling, threads_publish.

Flow (reference/platform-apis.md §4): Threads pulls media itself from a public
URL, so "uploading" is creating a *container* (`POST /{user}/threads` with
`image_url` / `video_url` = the media's public delivery URL) and polling
`GET /{container}?fields=status,error_message` until it is FINISHED. A
carousel is 2–20 child containers (`is_carousel_item=true`), each FINISHED,
then a CAROUSEL container listing them. Publishing is
`POST /{user}/threads_publish?creation_id=…`, then `GET /{id}?fields=permalink`
gives the post URL.

Resumability: every container id is checkpointed as soon as it exists, so a
retry re-checks those containers instead of creating new ones (and only
recreates one Threads reports EXPIRED; a container lives 24 h). Threads has
no idempotency key for publishing, so the publish goes through
`ctx.create_once`; an interrupted publish is reconciled from the container's
own status (PUBLISHED or not) and the profile's recent threads.

Authorization: Threads has no separate refresh token; a long-lived access
token (60 days) refreshes *itself* with `GET /refresh_access_token
?grant_type=th_refresh_token`, and an expired one cannot be refreshed (the
user must reconnect). The runner only refreshes accounts whose tokens carry a
refresh token, so refreshed Threads tokens carry the access token in that slot.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.threads.manifest import (
    MAX_CAROUSEL,
    MAX_IMAGE_BYTES,
    MAX_TEXT,
    MAX_VIDEO_BYTES,
    MIN_CAROUSEL,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.platforms.meta_graph.publishing import as_int as _int
from shared.platforms.meta_graph.publishing import await_containers, delete_object, find_after_container, listed_since
from shared.platforms.meta_graph.publishing import parse_timestamp as _parse_timestamp
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import open_media
from shared.services.publishing.reconcile import in_window, normalise

API_VERSION = "v1.0"


@dataclass(frozen=True)
class ThreadsLimits:
    lookup_page_size: int = 100  # threads a page when reconciling (the edge's maximum `limit`)
    # The text and media figures are the manifest's (manifest.py, with their sources).
    max_text: int = MAX_TEXT  # emojis count as their UTF-8 bytes (submission counts the same way)
    min_carousel: int = MIN_CAROUSEL
    max_carousel: int = MAX_CAROUSEL
    posts_per_day: int = 250  # rolling 24 h, a carousel counts as one; the platform's figure wins
    max_image_bytes: int = MAX_IMAGE_BYTES  # JPEG/PNG
    max_video_bytes: int = MAX_VIDEO_BYTES  # MOV/MP4, ≤5 min
    container_ttl_s: float = 24 * 3600  # unpublished containers EXPIRE after 24 h
    processing_timeout_s: float = 5 * 60  # Meta: poll "for no more than 5 minutes"
    first_poll_interval_s: float = 0.5
    max_poll_interval_s: float = 30.0
    rate_limit_backoff_s: float = 60.0  # Graph rate-limit errors carry no retry-after


LIMITS = ThreadsLimits()

# Graph error codes (the `{error: {message, type, code, error_subcode, fbtrace_id}}` envelope).
_RECONNECT_CODES = {190, 102, 463, 467}
_RATE_LIMIT_CODES = {4, 17, 32, 613}
_TRANSIENT_CODES = {1, 2}
_QUOTA_SUBCODES = {2207042}  # [unverified for Threads] Instagram's "publishing limit reached"
_FETCH_SUBCODES = {2207052}  # [unverified for Threads] Instagram's "media could not be fetched"
_DUPLICATE_CODES = {506}  # [unverified for Threads] Graph's duplicate-post code


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"message": response.text[:300]}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    if isinstance(body, dict):
        return {"message": str(body.get("error_message") or body.get("message") or body)[:300]}
    return {"message": response.text[:300]}


def classify(response: httpx.Response) -> PublishError | None:
    """Threads' Graph-style error bodies → the taxonomy (keyed on `code`, not only on status)."""
    status = response.status_code
    if status < 300:
        return None
    error = _graph_error(response)
    message = str(error.get("message") or error.get("error_user_msg") or f"HTTP {status}")
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    lowered = message.lower()
    if code in _RECONNECT_CODES or status == 401:
        return NeedsReconnectError(f"Threads rejected the account's authorization: {message}")
    if subcode in _QUOTA_SUBCODES or "publishing limit" in lowered:
        return RetryableError(f"Threads publishing quota used up: {message}", code="publishing_quota_exhausted")
    if code in _RATE_LIMIT_CODES or status == 429:
        return RetryableError(f"Threads rate limit: {message}", code="rate_limited",
                              retry_after=retry_after_seconds(response) or LIMITS.rate_limit_backoff_s)
    if code in _DUPLICATE_CODES or "duplicate" in lowered:
        return PermanentError(message, code="duplicate_content")
    if subcode in _FETCH_SUBCODES or "could not be fetched" in lowered:
        # The object exists in our bucket (open_media checked), so this is our delivery
        # failing to serve it to Threads: worth retrying, and the reason is kept.
        return RetryableError(f"Threads could not fetch the media: {message}", code="media_fetch_failed")
    if status >= 500 or error.get("is_transient") is True or code in _TRANSIENT_CODES:
        return RetryableError(f"Threads is unavailable ({status}): {message}", code="platform_unavailable")
    if "at most 500 characters" in lowered:
        return PermanentError(message, code="text_too_long")
    if 400 <= status < 500:
        return PermanentError(f"Threads refused the post: {message}", code="publish_rejected")
    return None


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    error = classify(response)
    if isinstance(error, PermanentError):
        # Too young, wrong grant, missing permission: only reconnecting helps.
        return NeedsReconnectError(f"Threads refused to refresh the account's authorization: {error.message}")
    return error


class _TokenRedaction(logging.Filter):
    """httpx logs request URLs at INFO; Threads takes the token as a query parameter."""

    _TOKEN = re.compile(r"(access_token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._TOKEN.sub(r"\1***", str(a)) if "access_token=" in str(a) else a
                                for a in record.args)
        return True


if not any(isinstance(f, _TokenRedaction) for f in logging.getLogger("httpx").filters):
    logging.getLogger("httpx").addFilter(_TokenRedaction())


class ThreadsHttp(PlatformHttp):
    """PlatformHttp that sends the account's current token the documented way (`access_token`)."""

    def __init__(self, account: Account) -> None:
        super().__init__(classify)
        self.account = account

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        params = dict(kwargs.pop("params", None) or {})
        params["access_token"] = self.account.tokens.access_token
        return super().request(method, url, params=params, **kwargs)


class ThreadsPublisher:
    platform = Platform.THREADS
    # How long a listing may trail a create (the profile's `/threads` edge): publishing/base.py
    # waits it out before trusting a lookup's miss. No platform publishes a figure; this is our
    # margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _host(self) -> str:
        return get_settings().platform_hosts["threads_api"]

    def _api(self) -> str:
        return f"{self._host()}/{API_VERSION}"

    def http(self, account: Account) -> PlatformHttp:
        return ThreadsHttp(account)

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        client = PlatformHttp(_refresh_classify)
        response = client.request("GET", f"{self._host()}/refresh_access_token", params={
            "grant_type": "th_refresh_token", "access_token": account.tokens.access_token})
        body = response.json()
        access = body["access_token"]
        # No separate refresh token on Threads: the access token refreshes itself, and the
        # runner refreshes only tokens that carry one, so it goes in that slot too.
        return Tokens(access, access, clock.now() + timedelta(seconds=int(body.get("expires_in", 5184000))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        # A reconciling retry must not be stopped by its own post; a thread's reply counts against
        # the replies' own quota (1,000 a day: `reply_quota_usage`), far above a thread's length.
        if "createArmedAt" not in ctx.checkpoint and ctx.reply_to is None:
            self._check_quota(http, ctx.account)
        creation_id = self._prepare_containers(ctx, http)
        user = ctx.account.platform_user_id

        def create() -> PublishedPost:
            response = http.request("POST", f"{self._api()}/{user}/threads_publish",
                                    params={"creation_id": creation_id})
            media_id = str(response.json()["id"])
            ctx.accepted(publishedId=media_id)  # published: a retry only needs the permalink
            return self._published(http, media_id)

        return ctx.create_once(create)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        http = self.http(ctx.account)
        if ctx.checkpoint.get("publishedId"):
            return self._published(http, ctx.checkpoint["publishedId"])
        return find_after_container(
            ctx.checkpoint, lambda container_id: self._status(http, container_id),
            lambda post: self._find_in_profile(http, ctx, armed_at),
            "Threads reports the post as published but it is not listed on the profile yet")

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /{threads-media-id}` → `{"success": true, "deleted_id": …}`
        (developers.facebook.com/docs/threads/posts/delete-posts: needs the `threads_delete`
        permission; 100 deletions per 24 h per profile). A post that no longer exists answers
        Graph's code 100 / subcode 33, confirmed by a read (graph.delete_object)."""
        delete_object(lambda: self.http(account), "Threads", f"{self._api()}/{post_id}")

    # -- the steps --------------------------------------------------------------------
    def _check_quota(self, http: PlatformHttp, account: Account) -> None:
        response = http.request("GET", f"{self._api()}/{account.platform_user_id}/threads_publishing_limit",
                                params={"fields": "quota_usage,config"})
        rows = response.json().get("data") or [{}]
        usage = _int(rows[0].get("quota_usage"))
        total = _int((rows[0].get("config") or {}).get("quota_total")) or LIMITS.posts_per_day
        if usage is not None and usage >= total:
            raise RetryableError(
                f"Threads publishing quota used up: {usage} of {total} posts in the last 24 hours "
                f"(a rolling window); the post will be retried later",
                code="publishing_quota_exhausted")

    @staticmethod
    def _kind(ctx: PublishContext) -> str:
        """The post container's media_type. In a video post other images are dropped:
        Threads has no cover image, and a carousel would turn the video into one item of many."""
        content = ctx.content
        if content.media_type == "video" and content.videos:
            return "VIDEO"
        if content.media_type == "image" and len(content.images) >= LIMITS.min_carousel:
            return "CAROUSEL"
        if content.media_type == "image" and content.images:
            return "IMAGE"
        return "TEXT"

    def _media_params(self, item: dict, kind: str) -> dict[str, str]:
        media = open_media(item)  # checks the object exists; Threads pulls it from public_url
        cap = LIMITS.max_video_bytes if kind == "VIDEO" else LIMITS.max_image_bytes
        if media.size > cap:
            raise PermanentError(f"Threads accepts {kind.lower()}s up to {cap // (1024 * 1024)} MB; "
                                 f"this one is {media.size / (1024 * 1024):.1f} MB", code="media_too_large")
        field = "video_url" if kind == "VIDEO" else "image_url"
        return {"media_type": kind, field: media.public_url}

    def _prepare_containers(self, ctx: PublishContext, http: PlatformHttp) -> str:
        """Create (or reuse) every container and wait until all are FINISHED; return the post's."""
        kind = self._kind(ctx)
        text = ctx.content.text
        containers: dict[str, Any] = ctx.checkpoint.setdefault("containers", {})
        if kind == "CAROUSEL":
            images = ctx.content.images[: LIMITS.max_carousel]  # submission refuses more than 20

            def child(index: int) -> dict[str, str]:
                return self._media_params(images[index], "IMAGE") | {"is_carousel_item": "true"}

            ids = self._ready(ctx, http, {str(i): (lambda i=i: child(i)) for i in range(len(images))})
            child_ids = [ids[str(i)] for i in range(len(images))]
            post = containers.get("post")
            if post and post.get("children") != child_ids:
                containers.pop("post")  # a child was recreated: the carousel must list the new one
            params = {"media_type": "CAROUSEL", "children": ",".join(child_ids)} | ({"text": text} if text else {})
            return self._ready(ctx, http, {"post": lambda: params}, extra={"children": child_ids})["post"]
        if kind == "TEXT":
            make = lambda: {"media_type": "TEXT", "text": text}  # noqa: E731
        else:
            item = ctx.content.videos[0] if kind == "VIDEO" else ctx.content.images[0]
            make = lambda: self._media_params(item, kind) | ({"text": text} if text else {})  # noqa: E731
        return self._ready(ctx, http, {"post": make})["post"]

    def _create_container(self, ctx: PublishContext, http: PlatformHttp, key: str, params: dict[str, str],
                          extra: dict | None = None) -> None:
        if key == "post" and ctx.reply_to is not None:
            # A thread's reply: the post's container names the post it answers (a carousel's
            # items do not: they are parts of the reply, not replies).
            params = params | {"reply_to_id": ctx.reply_to.parent.post_id}
        response = http.request("POST", f"{self._api()}/{ctx.account.platform_user_id}/threads", params=params)
        containers = ctx.checkpoint["containers"]
        containers[key] = {"id": str(response.json()["id"]), "createdAt": clock.now().isoformat(),
                           "status": "IN_PROGRESS"} | (extra or {})
        ctx.save(containers=containers)  # a retry re-checks this container instead of making another

    def _ready(self, ctx: PublishContext, http: PlatformHttp, makers: dict[str, Callable[[], dict]],
               extra: dict | None = None) -> dict[str, str]:
        """Ensure a container per key exists and is FINISHED (polling with backoff); their ids."""
        return await_containers(
            ctx, makers, create=lambda key, params: self._create_container(ctx, http, key, params, extra),
            status=lambda container_id: self._status(http, container_id),
            on_error=lambda key, detail: self._container_failed(ctx, key, detail), limits=LIMITS, platform_name="Threads")

    def _container_failed(self, ctx: PublishContext, key: str, message: str | None) -> None:
        ctx.save(containers=ctx.checkpoint["containers"])
        raise PermanentError(f"Threads could not process the media: {message or 'ERROR'}",
                             code="media_processing_failed")

    def _status(self, http: PlatformHttp, container_id: str) -> tuple[str, str | None]:
        response = http.request("GET", f"{self._api()}/{container_id}", params={"fields": "status,error_message"})
        body = response.json()
        return str(body.get("status") or "IN_PROGRESS"), body.get("error_message")

    def _published(self, http: PlatformHttp, media_id: str) -> PublishedPost:
        response = http.request("GET", f"{self._api()}/{media_id}", params={"fields": "permalink"})
        return PublishedPost(media_id, response.json().get("permalink"))

    def _find_in_profile(self, http: PlatformHttp, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        if ctx.reply_to is not None:
            return self._find_reply(http, ctx, armed_at)
        since = armed_at - timedelta(seconds=5)
        # Every page back to the window: the user threads edge is cursor-paged, newest first,
        # at most 100 a page (developers.facebook.com/docs/threads, "Retrieve a List of All a
        # User's Threads": `limit` default 25, max 100; `after`/`before` cursors).
        params = {"fields": "id,text,timestamp,permalink", "since": str(int(since.timestamp()))}
        wanted = normalise(ctx.content.text)
        for thread in listed_since(http, f"{self._api()}/{ctx.account.platform_user_id}/threads", params,
                                   armed_at, time_field="timestamp", limit=LIMITS.lookup_page_size):
            if not in_window(_parse_timestamp(thread.get("timestamp")), armed_at):
                continue
            if normalise(thread.get("text")) == wanted:
                return PublishedPost(str(thread["id"]), thread.get("permalink"))
        return None

    def _find_reply(self, http: PlatformHttp, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """A thread's reply is looked for among the replies to the post it answers:
        `GET /{threads-media-id}/replies`, top-level replies, newest first by default
        (developers.facebook.com/documentation/threads/reference/reply-management), ours by
        `is_reply_owned_by_me`."""
        params = {"fields": "id,text,timestamp,permalink,is_reply_owned_by_me"}
        wanted = normalise(ctx.content.text)
        for reply in listed_since(http, f"{self._api()}/{ctx.reply_to.parent.post_id}/replies", params,
                                  armed_at, time_field="timestamp", limit=LIMITS.lookup_page_size):
            if (reply.get("is_reply_owned_by_me") is not False
                    and in_window(_parse_timestamp(reply.get("timestamp")), armed_at)
                    and normalise(reply.get("text")) == wanted):
                return PublishedPost(str(reply["id"]), reply.get("permalink"))
        return None


PUBLISHER = ThreadsPublisher  # what the registry (shared/platforms/loader.py) instantiates
