"""Instagram (Graph API content publishing): containers, status polling, media_publish. The flow of
both account types: InstagramPublisher here is the Facebook Login one (graph.facebook.com, the
Page token); instagram_login_publisher.py changes only host, token and renewal for Instagram Login.

Flow (reference/platform-apis.md §2). Instagram pulls every image and video
itself from a public URL, so "uploading" is creating a *container*
(`POST /{ig-user-id}/media` with `image_url` / `video_url` = the media's
public delivery URL) and polling `GET /{container}?fields=status_code,status`
until it is FINISHED:

- feed image: `image_url` + `caption`;
- carousel (2-10 items, `kind: feed`): a child container per item with
  `is_carousel_item=true` (videos as `media_type=VIDEO`), each polled to
  FINISHED, then `media_type=CAROUSEL&children=…&caption=…`;
- reel: `media_type=REELS`, `video_url`, `caption`, `share_to_feed`,
  `thumb_offset` (ms). A single video in the feed is a reel shared to the feed
  (`VIDEO` was retired as a feed type in 2023);
- story: `media_type=STORIES` with `image_url` or `video_url` (no caption).

Before anything, `GET /{ig-user-id}/content_publishing_limit` is read: when the
rolling 24 h quota is used up the run is released with a retry-later error
(`publishing_quota_exhausted`), as it is when `media_publish` answers 2207042.
Publishing is `POST /{ig-user-id}/media_publish?creation_id=…`, then
`GET /{media-id}?fields=permalink` is the post URL. An optional first comment
(`POST /{media-id}/comments`) follows; its failure never fails the run.

Resumability: every container id is checkpointed as soon as it exists, so a
retry re-checks those containers instead of creating new ones (FINISHED ones
are reused; EXPIRED ones, and ones that failed for a transient reason, are
recreated). `media_publish` has no idempotency key, so it goes through
`ctx.create_once`; an interrupted publish is reconciled from the container's
own status (PUBLISHED or not) and the account's recent media (or stories).

Authorization (Facebook Login for Business): the account's access token is the
Page token of the Facebook Page the Instagram account is linked to, and the
refresh slot holds the long-lived *user* token it was read with. There is no
refresh grant: renewing means re-exchanging the user token
(`fb_exchange_token`) and reading the Page token again from `/me/accounts`.
Refused → the user must reconnect.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.instagram.manifest import (
    MAX_CAPTION,
    MAX_CAROUSEL,
    MAX_IMAGE_BYTES,
    MAX_REEL_BYTES,
    MAX_STORY_VIDEO_BYTES,
    MIN_CAROUSEL,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.first_comment import post_first_comment
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.platforms.meta_graph.publishing import as_int as _int
from shared.platforms.meta_graph.publishing import await_containers, find_after_container, listed_since
from shared.platforms.meta_graph.publishing import graph_error as _graph_error
from shared.platforms.meta_graph.publishing import graph_message
from shared.platforms.meta_graph.publishing import parse_timestamp as _parse_timestamp
from shared.platforms.meta_graph.publishing import regain_seconds as _regain_seconds
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import open_media
from shared.services.publishing.reconcile import caption_matches, in_window

# Graph API version of every call; configurable like the hosts (SOKU_INSTAGRAM_GRAPH_VERSION).
DEFAULT_GRAPH_VERSION = "v23.0"


@dataclass(frozen=True)
class InstagramLimits:
    lookup_page_size: int = 100  # media / stories a page when reconciling an interrupted publish
    # The media figures are the manifest's (manifest.py, with their sources).
    max_caption: int = MAX_CAPTION  # also ≤30 hashtags and ≤20 @mentions (Instagram checks those)
    min_carousel: int = MIN_CAROUSEL
    max_carousel: int = MAX_CAROUSEL
    max_image_bytes: int = MAX_IMAGE_BYTES  # JPEG only
    max_reel_bytes: int = MAX_REEL_BYTES  # MP4/MOV, 3 s-15 min
    max_story_video_bytes: int = MAX_STORY_VIDEO_BYTES  # 3-60 s
    container_ttl_s: float = 24 * 3600  # unpublished containers EXPIRE after 24 h
    # Then the attempt ends retryable and the next one only polls again (the
    # containers are checkpointed); leaves room inside the function's 540 s.
    processing_timeout_s: float = 4 * 60
    first_poll_interval_s: float = 0.5
    max_poll_interval_s: float = 30.0
    publish_not_ready_tries: int = 5  # media_publish answering 2207027: poll again, then retry publishing
    rate_limit_backoff_s: float = 60.0  # when Graph gives no usage header to go by


LIMITS = InstagramLimits()
# An image container's alt_text: 1,000 characters [unverified: Meta's IG User Media reference names
# the field but no length that we could read; 1,000 is the limit of Instagram's own alt text box,
# as third-party guides report it]. The sandbox refuses longer (devstack/sandboxes/instagram/containers.py).
MAX_ALT_TEXT = 1000

# Graph error codes and Instagram subcodes (the `{error: {message, type, code,
# error_subcode, error_user_msg, fbtrace_id}}` envelope). Subcodes are checked
# first: 2207051 comes with code 4, which alone would mean "rate limited".
_RECONNECT_CODES = {190, 102}  # expired (463) / invalidated (460) / app removed (458) token
_PERMISSION_CODES = {10} | set(range(200, 300))  # a permission the user must grant again
_RATE_LIMIT_CODES = {4, 17, 32, 613, 341, 368}  # app/user/page throttling; 368 temporary block
_TRANSIENT_CODES = {1, 2, -1, -2}
_QUOTA_SUBCODES = {2207042}  # daily publishing limit
_NOT_READY_SUBCODES = {2207027}  # media not ready: keep polling [unverified]
_FETCH_SUBCODES = {2207003, 2207082, 2207052}  # download timed out / could not be fetched: retry
_RECREATE_SUBCODES = {2207020, 2207032, 2207053}  # container expired / creation or upload failed: new container
_REJECTED_SUBCODES = {  # not retryable: the platform's message is the answer
    2207001: "publish_rejected",  # spam, per the reference; Meta's current table says "server error" [conflicting]
    2207026: "media_processing_failed",  # video format
    2207009: "media_processing_failed", 36003: "media_processing_failed",  # aspect ratio
    2207004: "media_processing_failed",  # image too large
    2207005: "media_processing_failed",  # image format
    2207057: "media_processing_failed",  # thumb_offset outside the video
    2207010: "text_too_long",  # caption too long
    2207050: "publish_rejected", 2207051: "publish_rejected",  # account / activity restricted
}
_DUPLICATE_CODES = {506}  # [unverified for Instagram] Graph's duplicate-post code
_ERROR_SUBCODE_IN_STATUS = re.compile(r"\b(2207\d{3}|36003)\b")


def graph_version() -> str:
    return os.environ.get("SOKU_INSTAGRAM_GRAPH_VERSION") or DEFAULT_GRAPH_VERSION


def _message(error: dict[str, Any]) -> str:
    return graph_message(error, "Instagram")


class MediaNotReady(RetryableError):
    """media_publish answered 2207027: the container is not FINISHED yet."""


class ContainerGone(RetryableError):
    """The container expired or broke on Instagram's side: a new one must be made."""


def classify(response: httpx.Response) -> PublishError | None:
    """Instagram's Graph error bodies → the taxonomy (keyed on subcode, then code, then status)."""
    status = response.status_code
    if status < 300:
        return None
    error = _graph_error(response)
    if error is None:
        return None  # no Graph envelope: default_classify sorts the bare status
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    text = _message(error)
    if subcode in _QUOTA_SUBCODES:
        return RetryableError(f"Instagram publishing quota used up: {text} The post will be retried later.",
                              code="publishing_quota_exhausted")
    if subcode in _NOT_READY_SUBCODES:
        return MediaNotReady(f"Instagram has not finished processing the media: {text}", code="media_processing")
    if subcode in _FETCH_SUBCODES:
        # The object exists in our bucket (open_media checked), so this is our delivery
        # failing to serve it to Instagram in time: worth retrying, and the reason is kept.
        return RetryableError(f"Instagram could not fetch the media: {text}", code="media_fetch_failed")
    if subcode in _RECREATE_SUBCODES:
        return ContainerGone(f"Instagram dropped the media container: {text}", code="container_expired")
    if subcode in _REJECTED_SUBCODES:
        return PermanentError(text, code=_REJECTED_SUBCODES[subcode])
    if code in _DUPLICATE_CODES or (subcode is None and "duplicate" in text.lower()):
        return PermanentError(text, code="duplicate_content")
    if code in _RECONNECT_CODES:
        return NeedsReconnectError(f"Instagram rejected the account's authorization: {error.get('message') or text}")
    if code in _PERMISSION_CODES:
        return NeedsReconnectError(f"Instagram says a permission is missing; reconnect the account: {text}")
    if code in _RATE_LIMIT_CODES or status == 429:
        return RetryableError(f"Instagram rate limit: {text}", code="rate_limited",
                              retry_after=_regain_seconds(response) or retry_after_seconds(response)
                              or LIMITS.rate_limit_backoff_s)
    if status >= 500 or error.get("is_transient") is True or code in _TRANSIENT_CODES:
        return RetryableError(f"Instagram is unavailable ({status}): {text}", code="platform_unavailable")
    if status >= 300:
        return PermanentError(f"Instagram refused the post: {text}", code="publish_rejected")
    return None


def refresh_classifier(login: str) -> Callable[[httpx.Response], PublishError | None]:
    """A renewal's refusals: throttling and outages are retried, anything else means reconnecting
    (`login` names which: "Facebook Login", "Instagram Login")."""
    def refresh_classify(response: httpx.Response) -> PublishError | None:
        if response.status_code < 300:
            return None
        error = classify(response)
        if isinstance(error, RetryableError) and error.code in ("platform_unavailable", "rate_limited"):
            return error
        return NeedsReconnectError(f"Instagram ({login}) refused to renew the account's authorization: "
                                   f"{error.message if error else response.text[:300]}")

    return refresh_classify


_refresh_classify = refresh_classifier("Facebook Login")


def _status_subcode(status: str | None) -> int | None:
    match = _ERROR_SUBCODE_IN_STATUS.search(status or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _Plan:
    kind: str  # "IMAGE" | "CAROUSEL" | "REELS" | "STORIES"
    items: list[dict]
    caption: str | None
    in_feed: bool = False  # a reel made from `kind: feed` (a single video in the feed)


class InstagramPublisher:
    """An account connected through Facebook Login (the `facebook_login` account type): the Page
    token on graph.facebook.com. instagram_login_publisher.py is the same flow on
    graph.instagram.com with the Instagram User token; `Instagram` below picks one per account."""
    platform = Platform.INSTAGRAM
    # How long a listing may trail a create (the account's `/media` edge): publishing/base.py
    # waits it out before trusting a lookup's miss. No platform publishes a figure; this is our
    # margin.
    listing_lag_s = 30.0
    graph_host = "instagram_graph"  # Settings.platform_hosts: SOKU_INSTAGRAM_GRAPH_BASE
    auth_scheme = "OAuth"  # Graph API's `Authorization: OAuth <token>`

    # -- plumbing -------------------------------------------------------------------
    def _graph(self, path: str) -> str:
        return f"{get_settings().platform_hosts[self.graph_host]}/{graph_version()}/{path}"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"{self.auth_scheme} {account.tokens.access_token}"})

    def refresh_margin(self, account: Account) -> timedelta | None:
        """How long before expiry the token is renewed (None: the runner's default, minutes)."""
        return None

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        """Re-exchange the long-lived user token (`fb_exchange_token`), then read the Page
        token of the Page this Instagram account is linked to (`/me/accounts`)."""
        user_token = account.tokens.refresh_token
        if not user_token:
            raise NeedsReconnectError("The Instagram account's authorization cannot be renewed; reconnect it")
        settings = get_settings()
        client = PlatformHttp(_refresh_classify)
        exchanged = client.request("GET", self._graph("oauth/access_token"), params={
            "grant_type": "fb_exchange_token",
            "client_id": settings.platform_client_ids.get("instagram") or settings.platform_client_ids.get(
                "facebook", ""),
            "client_secret": settings.platform_client_secrets.get("instagram")
            or settings.platform_client_secrets.get("facebook", ""),
            "fb_exchange_token": user_token,
        }).json()
        new_user_token = exchanged.get("access_token") or user_token
        pages = client.request("GET", self._graph("me/accounts"), params={
            "fields": "id,access_token,instagram_business_account", "limit": 100},
            headers={"Authorization": f"OAuth {new_user_token}"}).json()
        for page in pages.get("data") or []:
            linked = (page.get("instagram_business_account") or {}).get("id")
            if str(linked) == str(account.platform_user_id) and page.get("access_token"):
                # Page tokens read with a long-lived user token do not expire.
                return Tokens(page["access_token"], new_user_token, None)
        raise NeedsReconnectError("The connected Facebook user no longer manages a Page linked to this "
                                  "Instagram account; reconnect it")

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        plan = self._plan(ctx)
        if "createArmedAt" not in ctx.checkpoint:  # a reconciling retry must not be stopped by its own post
            self._check_quota(http, ctx.account)
        creation_id = self._prepare_containers(ctx, http, plan)
        user = ctx.account.platform_user_id

        def create() -> PublishedPost:
            response = self._media_publish(ctx, http, user, creation_id)
            media_id = created_id(response.json())
            ctx.accepted(publishedId=media_id)  # published: a retry only needs the permalink
            return self._published(http, media_id)

        post = ctx.create_once(create)
        self._first_comment(ctx, http, post)
        return post

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        http = self.http(ctx.account)
        if ctx.checkpoint.get("publishedId"):
            return self._published(http, ctx.checkpoint["publishedId"])
        found = find_after_container(
            ctx.checkpoint, lambda container_id: self._status(http, container_id),
            lambda post: self._find_on_account(http, ctx, armed_at, story=post.get("mediaType") == "STORIES"),
            "Instagram reports the post as published but it is not listed on the account yet")
        if found is not None:
            ctx.save(publishedId=found.post_id)
        return found

    # -- what to publish ----------------------------------------------------------------
    def _plan(self, ctx: PublishContext) -> _Plan:
        content = ctx.content
        options = content.options or {}
        kind = options.get("kind")
        items = [m for m in content.media if m.get("kind") in ("image", "video")]
        caption = content.text or None
        if not items:
            raise PermanentError("Instagram needs an image or a video; this post has neither", code="invalid_media")
        if kind is None:
            kind = "reel" if content.media_type == "video" and content.videos else "feed"
        if kind == "story":
            if len(items) != 1:
                raise PermanentError(f"An Instagram story is one image or one video; this post has {len(items)} "
                                     "media items", code="invalid_media")
            return _Plan("STORIES", items, None)  # stories carry no caption
        if kind == "reel":
            if not content.videos:
                raise PermanentError("An Instagram reel needs a video; this post has none", code="invalid_media")
            return _Plan("REELS", content.videos[:1], caption)
        # feed
        if len(items) >= LIMITS.min_carousel:
            if len(items) > LIMITS.max_carousel:
                raise PermanentError(f"An Instagram carousel takes at most {LIMITS.max_carousel} items; this post "
                                     f"has {len(items)}", code="invalid_media")
            return _Plan("CAROUSEL", items, caption)
        if items[0].get("kind") == "video":
            return _Plan("REELS", items, caption, in_feed=True)  # a feed video is a reel shared to the feed
        return _Plan("IMAGE", items, caption)

    def _media_params(self, item: dict, plan_kind: str) -> dict[str, str]:
        """The container parameters for one item; checks what Instagram would refuse anyway."""
        media = open_media(item)  # checks the object exists; Instagram pulls it from public_url
        video = item.get("kind") == "video"
        if video:
            cap = LIMITS.max_story_video_bytes if plan_kind == "STORIES" else LIMITS.max_reel_bytes
        else:
            cap = LIMITS.max_image_bytes
        if media.size > cap:
            what = "story videos" if video and plan_kind == "STORIES" else ("videos" if video else "images")
            raise PermanentError(f"Instagram accepts {what} up to {cap // (1024 * 1024)} MB; "
                                 f"this one is {media.size / (1024 * 1024):.1f} MB", code="media_too_large")
        return {"video_url" if video else "image_url": media.public_url}

    def _container_makers(self, ctx: PublishContext, plan: _Plan) -> tuple[dict[str, Callable[[], dict]], bool]:
        options = ctx.content.options or {}
        caption = {"caption": plan.caption} if plan.caption else {}
        if plan.kind == "CAROUSEL":
            def child(item: dict) -> dict[str, str]:
                params = self._media_params(item, "CAROUSEL") | {"is_carousel_item": "true"}
                if item.get("kind") == "video":
                    params["media_type"] = "VIDEO"  # a carousel item's type; VIDEO survives only here
                return params | _alt_text(item)

            return {str(i): (lambda item=item: child(item)) for i, item in enumerate(plan.items)}, True
        item = plan.items[0]
        if plan.kind == "STORIES":
            return {"post": lambda: self._media_params(item, "STORIES") | {"media_type": "STORIES"}}, False
        if plan.kind == "REELS":
            def reel() -> dict[str, str]:
                params = self._media_params(item, "REELS") | {"media_type": "REELS"} | caption
                share = options.get("shareToFeed")
                if share is None and plan.in_feed:
                    share = True  # asked for the feed: a reel that does not show there would not do
                if share is not None:
                    params["share_to_feed"] = "true" if share else "false"
                if options.get("thumbOffsetMs") is not None:
                    params["thumb_offset"] = str(int(options["thumbOffsetMs"]))
                return params

            return {"post": reel}, False
        return {"post": lambda: self._media_params(item, "IMAGE") | caption | _alt_text(item)}, False

    # -- the steps --------------------------------------------------------------------
    def _check_quota(self, http: PlatformHttp, account: Account) -> None:
        response = http.request("GET", self._graph(f"{account.platform_user_id}/content_publishing_limit"),
                                params={"fields": "quota_usage,config"})
        usage, total, hours = publishing_quota(response.json())
        # Without the platform's total the figure is unknown (25, 50 or 100 by source):
        # media_publish's own 2207042 then decides.
        if usage is not None and total is not None and usage >= total:
            raise RetryableError(
                f"Instagram publishing quota used up: {usage} of {total} posts in the last {hours} hours "
                f"(a rolling window); the post will be retried later",
                code="publishing_quota_exhausted")

    def _prepare_containers(self, ctx: PublishContext, http: PlatformHttp, plan: _Plan) -> str:
        """Create (or reuse) every container and wait until all are FINISHED; return the post's."""
        containers: dict[str, Any] = ctx.checkpoint.setdefault("containers", {})
        makers, carousel = self._container_makers(ctx, plan)
        if not carousel:
            return self._ready(ctx, http, makers, extra={"mediaType": plan.kind})["post"]
        ids = self._ready(ctx, http, makers)
        child_ids = [ids[str(i)] for i in range(len(plan.items))]
        post = containers.get("post")
        if post and post.get("children") != child_ids:
            containers.pop("post")  # a child was recreated: the carousel must list the new one
            ctx.save(containers=containers)
        params = {"media_type": "CAROUSEL", "children": ",".join(child_ids)} | (
            {"caption": plan.caption} if plan.caption else {})
        return self._ready(ctx, http, {"post": lambda: params},
                           extra={"children": child_ids, "mediaType": "CAROUSEL"})["post"]

    def _create_container(self, ctx: PublishContext, http: PlatformHttp, key: str, params: dict[str, str],
                          extra: dict | None = None) -> None:
        response = http.request("POST", self._graph(f"{ctx.account.platform_user_id}/media"), data=params)
        containers = ctx.checkpoint["containers"]
        containers[key] = {"id": created_id(response.json()), "createdAt": clock.now().isoformat(),
                           "status": "IN_PROGRESS"} | (extra or {})
        ctx.save(containers=containers)  # a retry re-checks this container instead of making another

    def _ready(self, ctx: PublishContext, http: PlatformHttp, makers: dict[str, Callable[[], dict]],
               extra: dict | None = None) -> dict[str, str]:
        """Ensure a container per key exists and is FINISHED (polling with backoff); their ids."""
        return await_containers(
            ctx, makers, create=lambda key, params: self._create_container(ctx, http, key, params, extra),
            status=lambda container_id: self._status(http, container_id),
            on_error=lambda key, detail: self._container_failed(ctx, key, detail), limits=LIMITS, platform_name="Instagram")

    def _container_failed(self, ctx: PublishContext, key: str, detail: str | None) -> None:
        containers = ctx.checkpoint["containers"]
        subcode = _status_subcode(detail)
        message = detail or "ERROR"
        if subcode in _FETCH_SUBCODES or subcode in _RECREATE_SUBCODES:
            containers.pop(key)  # an ERROR container is final: the next attempt makes a new one
            ctx.save(containers=containers)
            code = "media_fetch_failed" if subcode in _FETCH_SUBCODES else "container_expired"
            raise RetryableError(f"Instagram could not process the media: {message}", code=code)
        ctx.save(containers=containers)
        raise PermanentError(f"Instagram could not process the media: {message}", code="media_processing_failed")

    def _status(self, http: PlatformHttp, container_id: str) -> tuple[str, str | None]:
        response = http.request("GET", self._graph(container_id), params={"fields": "status_code,status"})
        return container_status(response.json())

    def _media_publish(self, ctx: PublishContext, http: PlatformHttp, user: str, creation_id: str) -> httpx.Response:
        """`media_publish`; answered "not ready" (2207027), poll the container and try again."""
        delay = LIMITS.first_poll_interval_s
        for attempt in range(LIMITS.publish_not_ready_tries):
            try:
                return http.request("POST", self._graph(f"{user}/media_publish"), params={"creation_id": creation_id})
            except MediaNotReady:
                if attempt == LIMITS.publish_not_ready_tries - 1:
                    raise
                ctx.sleep(delay)
                delay = min(delay * 2, LIMITS.max_poll_interval_s)
                status, detail = self._status(http, creation_id)
                if status == "ERROR":
                    self._container_failed(ctx, "post", detail)
            except ContainerGone:
                containers = ctx.checkpoint.get("containers") or {}
                containers.pop("post", None)  # the next attempt makes (and waits for) a new one
                ctx.save(containers=containers)
                raise
        raise AssertionError("unreachable")

    def _published(self, http: PlatformHttp, media_id: str) -> PublishedPost:
        try:
            response = http.request("GET", self._graph(media_id), params={"fields": "permalink"})
        except PermanentError:
            return PublishedPost(media_id, None)  # published for sure; only the URL is unknown
        return PublishedPost(media_id, permalink_of(response.json()))

    def _first_comment(self, ctx: PublishContext, http: PlatformHttp, post: PublishedPost) -> None:
        """`POST /{ig-media-id}/comments {message}` once (IG Media Comments reference); an armed
        comment is looked for first among the media's comments (publishing/first_comment.py)."""
        def send(text: str) -> str:
            response = http.request("POST", self._graph(f"{post.post_id}/comments"), data={"message": text})
            return str(response.json()["id"])

        def find(text: str) -> str | None:
            existing = http.request("GET", self._graph(f"{post.post_id}/comments"),
                                    params={"fields": "id,text,timestamp", "limit": 50}).json()
            return next((str(c["id"]) for c in existing.get("data") or [] if c.get("text") == text), None)

        post_first_comment(ctx, send, find)

    def _find_on_account(self, http: PlatformHttp, ctx: PublishContext, armed_at: datetime,
                         story: bool) -> PublishedPost | None:
        """The account's own media (its `/media` or `/stories` edge) made in the window whose
        caption is ours once normalised, a mention's `@` optional: Instagram leaves it out of
        `caption` for readers without admin-equivalent tasks on the linked Page. A story has no
        caption, so the first story in the window is taken."""
        edge = "stories" if story else "media"
        # Every page back to the window (a busy account has more media in it than one page):
        # both edges are cursor-paged, newest first (developers.facebook.com/docs/
        # instagram-platform, IG User Media and IG User Stories: "cursor-based pagination").
        # `limit` 100 is Graph's usual cap; Instagram documents no other [unverified].
        matches = []
        for entry in listed_since(http, self._graph(f"{ctx.account.platform_user_id}/{edge}"),
                                  {"fields": "id,caption,timestamp,permalink"}, armed_at,
                                  time_field="timestamp", limit=LIMITS.lookup_page_size):
            created = _parse_timestamp(entry.get("timestamp"))
            if not in_window(created, armed_at):
                continue
            if story or caption_matches(ctx.content.text, entry.get("caption")):
                matches.append((created, str(entry["id"]), entry.get("permalink")))
        if not matches:
            return None
        _, media_id, permalink = min(matches)  # the first one made after the publish was armed
        return PublishedPost(media_id, permalink)


# -- reading Instagram's answers (tests/test_recorded_answers.py feeds recorded real answers through these) --
def _alt_text(item: dict) -> dict[str, str]:
    """The media's alt text (PATCH /v1/media/{id}) as an image container's `alt_text`: a feed image
    or an image carousel item, never a video, reel or story (Meta added `alt_text` to image
    containers of `POST /{ig-user-id}/media` in 2025; the pinned Graph spec, facts/instagram.json,
    lists it). Cut to MAX_ALT_TEXT characters."""
    alt = item.get("altText")
    if not alt or item.get("kind") != "image":
        return {}
    return {"alt_text": str(alt)[:MAX_ALT_TEXT]}


def created_id(body: dict[str, Any]) -> str:
    """`POST /{ig-user}/media` (a container) and `POST /{ig-user}/media_publish` (the media) → `{"id"}`."""
    return str(body["id"])


def container_status(body: dict[str, Any]) -> tuple[str, str | None]:
    """`GET /{container}?fields=status_code,status` → (status_code, IN_PROGRESS if absent; status)."""
    return str(body.get("status_code") or "IN_PROGRESS"), body.get("status")


def publishing_quota(body: dict[str, Any]) -> tuple[int | None, int | None, int]:
    """`GET /{ig-user}/content_publishing_limit?fields=quota_usage,config` → (posts used, the
    quota, its window in hours)."""
    rows = body.get("data") or [{}]
    config = rows[0].get("config") or {}
    return (_int(rows[0].get("quota_usage")), _int(config.get("quota_total")),
            (_int(config.get("quota_duration")) or 86400) // 3600)


def permalink_of(body: dict[str, Any]) -> str | None:
    """`GET /{ig-media}?fields=permalink` → the post's URL."""
    return body.get("permalink")


# The registry's PUBLISHER is publisher.py's `Instagram`, which picks this class or
# instagram_login_publisher.py's subclass per account.
