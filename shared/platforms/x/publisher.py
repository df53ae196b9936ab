"""X (API v2): chunked media upload with processing status, then POST /2/tweets.

Flow (reference/platform-apis.md §1): every media item goes through the
chunked flow (initialize → append segments → finalize → STATUS until
`succeeded`), which also covers images and lets a retry resume after the last
appended segment. X has no idempotency key for tweets, so the create goes
through `ctx.create_once`, and an interrupted create is reconciled by reading
the user's recent tweets: one by this user (author_id), created inside the
attempt's window (start_time, then created_at), whose text renders ours once
both are normalised (`reconcile.x_text_matches`: X returns links as t.co links,
`&<>` as entities, and a media tweet with a t.co link appended).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.x.manifest import MAX_IMAGES, MAX_VIDEOS
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import open_media
from shared.services.publishing.reconcile import SKEW, in_window, x_text_matches


@dataclass(frozen=True)
class XLimits:
    segment_bytes: int = 4 * 1024 * 1024  # docs: ≤5 MB recommended, 8 MB max
    max_images: int = MAX_IMAGES  # the manifest's figures (manifest.py)
    max_videos: int = MAX_VIDEOS
    processing_timeout_s: float = 7 * 60  # Postiz's cap; X suggests check_after_secs
    max_poll_interval_s: float = 10.0


LIMITS = XLimits()
# Pages of 100 tweets read when looking for an interrupted create (X serves the 3,200 newest).
LOOKUP_PAGES = 10
MAX_ALT_TEXT = 1000  # CreateMediaMetadataMetadataAltText.text maxLength, X's OpenAPI document
_DUPLICATE = "duplicate content"
_NOT_RETRYABLE_MARKERS = ("usage-capped", "user-suspended", "duplicate-rules", "maximum of 4 items")


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        for key in ("detail", "title", "error_description", "error"):
            if isinstance(body.get(key), str):
                return body[key]
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message") or errors[0].get("detail") or errors[0])
    return response.text[:300]


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    text = _error_text(response)
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset")
        retry_after = None
        if reset and reset.isdigit():
            retry_after = max(0.0, int(reset) - clock.now().timestamp())
        return RetryableError(f"X rate limit: {text}", code="rate_limited", retry_after=retry_after)
    if status == 401 or "Unsupported Authentication" in text:
        return NeedsReconnectError(f"X rejected the account's authorization: {text}")
    if status == 403 and _DUPLICATE in text.lower():
        return PermanentError(text, code="duplicate_content")
    if status >= 500:
        return RetryableError(f"X is unavailable ({status}): {text}", code="platform_unavailable")
    if any(marker in text for marker in _NOT_RETRYABLE_MARKERS) or 400 <= status < 500:
        return PermanentError(f"X refused the post: {text}", code="publish_rejected")
    return None


class XPublisher:
    platform = Platform.X
    # How long a listing may trail a create (X's timelines and search are eventually
    # consistent): publishing/base.py waits it out before trusting a lookup's miss. No platform
    # publishes a figure; this is our margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self) -> str:
        return get_settings().platform_hosts["x_api"]

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"})

    def post_url(self, post_id: str) -> str:
        return f"{get_settings().platform_hosts['x_web']}/i/web/status/{post_id}"

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        settings = get_settings()
        client = PlatformHttp(_refresh_classify)
        response = client.request("POST", f"{settings.platform_hosts['x_oauth']}/2/oauth2/token", data={
            "grant_type": "refresh_token",
            "refresh_token": account.tokens.refresh_token or "",
            "client_id": settings.platform_client_ids.get("x", ""),
        }, auth=_client_auth("x"))
        body = response.json()
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 7200))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        items = self._media_items(ctx)
        media_ids = [self._upload(ctx, http, index, item) for index, item in enumerate(items)]
        payload: dict[str, Any] = {"text": ctx.content.text}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        if ctx.reply_to is not None:
            # A thread's reply answers the post before it (X's OpenAPI document: CreatePostsReply).
            payload["reply"] = {"in_reply_to_tweet_id": ctx.reply_to.parent.post_id}

        def create() -> PublishedPost:
            response = http.request("POST", f"{self._api()}/2/tweets", json=payload)
            post_id = created_post_id(response.json())
            return PublishedPost(post_id, self.post_url(post_id))

        return ctx.create_once(create)

    @staticmethod
    def _media_items(ctx: PublishContext) -> list[dict]:
        if ctx.content.media_type == "video":
            return ctx.content.videos[: LIMITS.max_videos]
        if ctx.content.media_type == "image":
            return ctx.content.images[: LIMITS.max_images]
        return []

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        http = self.http(ctx.account)
        user = ctx.account.platform_user_id
        since = (armed_at - SKEW).strftime("%Y-%m-%dT%H:%M:%SZ")
        has_media = bool(self._media_items(ctx))
        # A thread's reply is looked for in its thread alone: X gives every post of a thread the
        # first post's id as its `conversation_id`, so the same words posted elsewhere never count.
        conversation = ctx.reply_to.root.post_id if ctx.reply_to is not None else None
        matches = []
        for tweet in self._timeline_since(http, user, since, conversation is not None):
            created = _parse_created_at(tweet.get("created_at"))
            if (str(tweet.get("author_id") or user) == str(user) and in_window(created, armed_at)
                    and (conversation is None or str(tweet.get("conversation_id")) == conversation)
                    and x_text_matches(ctx.content.text, tweet.get("text") or "", has_media)):
                matches.append((created, str(tweet["id"])))
        if not matches:
            return None
        _, post_id = min(matches)  # the first one made after the create was armed
        return PublishedPost(post_id, self.post_url(post_id))

    def _timeline_since(self, http: PlatformHttp, user: str, since: str, conversations: bool = False) -> Iterator[dict]:
        """The user's tweets since `since`, newest first, every page: a busy account (many runs
        publishing at once) can have more tweets in the window than one page holds. A user's
        timeline lists their replies too (docs.x.com, GET /2/users/:id/tweets: "Replies are
        included" unless `exclude=replies`). `conversations`: with each tweet's conversation_id."""
        # `post.fields`: the name X's OpenAPI document (version 2.167) gives the field list; it
        # lists no `tweet.fields`, and its values no `author_id` (devstack/contracts/facts/x.json):
        # the timeline is the user's own, so a tweet without one is the user's.
        params = {"max_results": 100, "start_time": since,
                  "post.fields": "created_at,conversation_id" if conversations else "created_at"}
        for _ in range(LOOKUP_PAGES):
            body = http.request("GET", f"{self._api()}/2/users/{user}/tweets", params=params).json()
            tweets, token = timeline_page(body)
            yield from tweets
            if not token:
                return
            params = params | {"pagination_token": token}

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /2/tweets/:id` → `{"data": {"deleted": true}}` (docs.x.com/x-api/posts/manage-tweets,
        "Delete a Post": scope tweet.write, 50 requests per 15 min per user). An id X does not know
        answers 404 with the `resource-not-found` problem (docs.x.com/x-api/fundamentals/
        response-codes-and-errors): the post is already gone."""
        http = for_deletion(self.http(account), "X", _tweet_gone)
        response = http.request("DELETE", f"{self._api()}/2/tweets/{post_id}")
        if not was_deleted(response.json() if response.content else {}):
            raise PermanentError(f"X did not delete the post: {_error_text(response)}", code="publish_rejected")

    # -- media ------------------------------------------------------------------------
    def _upload(self, ctx: PublishContext, http: PlatformHttp, index: int, item: dict) -> str:
        uploads: dict[str, Any] = ctx.checkpoint.setdefault("uploads", {})
        state = uploads.get(str(index))
        if state and state.get("ready"):
            return state["mediaId"]  # uploaded and processed by an earlier attempt
        media = open_media(item)
        base = f"{self._api()}/2/media/upload"
        if not state or self._expired(state):
            category = "tweet_video" if item.get("kind") == "video" else (
                "tweet_gif" if media.content_type == "image/gif" else "tweet_image")
            response = http.request("POST", f"{base}/initialize", json={
                "media_type": media.content_type, "total_bytes": media.size, "media_category": category})
            data = upload_session(response.json())
            state = {"mediaId": data["id"], "nextSegment": 0, "finalized": False, "ready": False,
                     "expiresAt": (clock.now() + timedelta(seconds=int(data.get("expires_after_secs", 86400)))).isoformat()}
            uploads[str(index)] = state
            ctx.save(uploads=uploads)
        media_id = state["mediaId"]
        if not state["finalized"]:
            start = state["nextSegment"] * LIMITS.segment_bytes
            for offset, chunk in media.chunks(LIMITS.segment_bytes, start=start):
                segment = offset // LIMITS.segment_bytes
                http.request("POST", f"{base}/{media_id}/append",
                             data={"segment_index": str(segment)},
                             files={"media": ("chunk", chunk, "application/octet-stream")})
                state["nextSegment"] = segment + 1
                ctx.save(uploads=uploads)  # a retry resumes after this segment
            response = http.request("POST", f"{base}/{media_id}/finalize")
            state["finalized"] = True
            ctx.save(uploads=uploads)
            info = processing_info(response.json())
        else:
            info = {"state": "pending", "check_after_secs": 0}
        if info:
            self._wait_until_processed(ctx, http, media_id, info)
        if item.get("altText") and item.get("kind") == "image" and not state.get("altTextSet"):
            # The media's alt text (PATCH /v1/media/{id}), before the tweet attaches the media:
            # POST /2/media/metadata (X's OpenAPI document, CreateMediaMetadataRequest: at most 1,000
            # characters). Setting it twice sets the same text, so a retry may repeat it.
            http.request("POST", f"{self._api()}/2/media/metadata", json={
                "id": media_id, "metadata": {"alt_text": {"text": item["altText"][:MAX_ALT_TEXT]}}})
            state["altTextSet"] = True
        state["ready"] = True
        ctx.save(uploads=uploads)
        return media_id

    @staticmethod
    def _expired(state: dict) -> bool:
        return datetime.fromisoformat(state["expiresAt"]) <= clock.now() + timedelta(minutes=5)

    def _wait_until_processed(self, ctx: PublishContext, http: PlatformHttp, media_id: str, info: dict) -> None:
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        errors: list[dict] = []
        while True:
            state = info.get("state")
            if state == "succeeded":
                return
            if state == "failed":
                # Why: `processing_info.error` (v1.1's STATUS), or the answer's `errors` (Problem),
                # where X's OpenAPI document puts it (processing_info has only state/progress).
                error = info.get("error") or next(iter(errors), {})
                why = error.get("message") or error.get("detail") or error.get("name") or "failed"
                raise PermanentError(f"X could not process the media: {why}", code="media_processing_failed")
            if clock.now() > deadline:
                raise RetryableError("X is still processing the media; will check again", code="media_processing")
            ctx.sleep(min(float(info.get("check_after_secs", 1)), LIMITS.max_poll_interval_s))
            response = http.request("GET", f"{self._api()}/2/media/upload",
                                    params={"command": "STATUS", "media_id": media_id})
            body = response.json()
            info = processing_info(body) or {"state": "succeeded"}
            errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]


# -- reading X's answers (tests/test_recorded_answers.py feeds recorded real answers through these) --
def created_post_id(body: dict) -> str:
    """`POST /2/tweets` → 201 `{"data": {"id", "text"}}`: the new tweet's id."""
    return body["data"]["id"]


def timeline_page(body: dict) -> tuple[list[dict], str | None]:
    """One page of `GET /2/users/:id/tweets`: (tweets, `meta.next_token` or None on the last page)."""
    return body.get("data") or [], (body.get("meta") or {}).get("next_token")


def was_deleted(body: dict) -> bool:
    """`DELETE /2/tweets/:id` → `{"data": {"deleted": true}}`."""
    return bool((body.get("data") or {}).get("deleted"))


def upload_session(body: dict) -> dict:
    """`POST /2/media/upload/initialize` → `{"data": {"id", "media_key", "expires_after_secs"}}`."""
    return body["data"]


def processing_info(body: dict) -> dict | None:
    """FINALIZE's and STATUS's `data.processing_info` (None: nothing left to process)."""
    return (body.get("data") or {}).get("processing_info")


def _parse_created_at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _tweet_gone(response: httpx.Response) -> bool:
    if response.status_code == 404:
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "resource-not-found" in str(body.get("type") or "")


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    if response.status_code in (400, 401):
        return NeedsReconnectError(f"X refused to refresh the account's authorization: {_error_text(response)}")
    return None


def _client_auth(platform: str) -> tuple[str, str] | None:
    settings = get_settings()
    client_id = settings.platform_client_ids.get(platform)
    secret = settings.platform_client_secrets.get(platform)
    return (client_id, secret) if client_id and secret else None


PUBLISHER = XPublisher  # what the registry (shared/platforms/loader.py) instantiates
