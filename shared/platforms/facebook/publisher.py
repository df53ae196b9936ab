"""Facebook Pages (Graph API): feed posts, photos, resumable video uploads and reels.

Flow (reference/platform-apis.md §3). The account's `platformUserId` is the
Page id and its access token is the Page token; the stored refresh token is
the long-lived *user* token the Page token was derived from (it is what
`fb_exchange_token` and the resumable upload API take).

- Text / link: `POST /{page}/feed {message, link?}`; `link` is the first URL
  in the text, so Facebook renders its preview card.
- One photo: `POST /{page}/photos {url, caption}`. Facebook pulls the image
  from our public media URL; nothing is uploaded by us.
- Several photos: each `POST /{page}/photos {url, published:false}` (ids
  checkpointed, so a retry never uploads one twice), then
  `POST /{page}/feed {message, attached_media:[{media_fbid}]}`.
  A media's alt text is each photo's `alt_text_custom` (both ways).
- Video: the resumable upload API. `POST /{app-id}/uploads` opens a session
  (checkpointed); `POST /upload:<sid>` streams the bytes from Cloud Storage
  starting at the session's `file_offset`, which a retry reads back with
  `GET /upload:<sid>`, so it resumes where Facebook stopped, never from 0;
  the returned handle is published with `POST graph-video/{page}/videos`,
  then `GET /{video}?fields=status` is polled until `video_status` is `ready`.
- Reels: used when the account document has `preferReels: true` and the text
  has no link (a reel cannot carry a link; whether the video is vertical is not
  known here, so the account owner opts in). `POST /{page}/video_reels
  upload_phase=start` → `{video_id, upload_url}`; the bytes go to `upload_url`
  (rupload) with `offset`/`file_size`, resuming from the uploaded byte count
  the video's status reports; `upload_phase=finish&video_state=PUBLISHED`.

Once published, `options.facebook.firstComment` is posted by the Page under the post
(`POST /{post-id}/comments`), once: publishing/first_comment.py.

Every create (feed post, published photo, video, reel finish) runs through
`ctx.create_once`; an interrupted one is reconciled by reading the Page's
feed (or its videos) for a post with the same text made after the create was
armed. Graph errors come in one envelope, `{"error": {code, error_subcode,
message, error_user_msg, is_transient}}`, sorted by `classify` below.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.facebook.manifest import MAX_PHOTOS
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.first_comment import post_first_comment
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.platforms.meta_graph.publishing import graph_error as _graph_error
from shared.platforms.meta_graph.publishing import delete_object, graph_message, listed_since
from shared.platforms.meta_graph.publishing import parse_timestamp as _parse_time
from shared.platforms.meta_graph.publishing import regain_seconds as _regain_seconds
from shared.services.publishing.http import PlatformHttp
from shared.services.publishing.media import StoredMedia, open_media
from shared.services.publishing.reconcile import in_window, normalise

# Graph API version of every call; configurable like the hosts (SOKU_FACEBOOK_GRAPH_VERSION).
DEFAULT_GRAPH_VERSION = "v23.0"


@dataclass(frozen=True)
class FacebookLimits:
    lookup_page_size: int = 100  # feed / videos entries a page when reconciling (Graph's maximum)
    max_photos: int = MAX_PHOTOS  # per multi-photo post: the manifest's figure (manifest.py)
    read_chunk_bytes: int = 4 * 1024 * 1024  # bytes read from Cloud Storage at a time while streaming
    # Then the attempt ends retryable and the next one only polls again; leaves the upload
    # room inside the publisher function's 540 s.
    processing_timeout_s: float = 4 * 60
    first_poll_s: float = 0.5  # Facebook gives no check-after hint: back off 0.5, 1, 2, … s
    max_poll_interval_s: float = 10.0


LIMITS = FacebookLimits()
_URL = re.compile(r"https?://\S+", re.IGNORECASE)

# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
_AUTH_CODES = {190, 102}  # expired / invalidated / malformed token
_PERMISSION_CODES = {10} | set(range(200, 300))  # a permission the user must grant again
_DUPLICATE = {506, 1366051}  # duplicate status; photos already posted (code or subcode)
_RATE_LIMIT = {4, 17, 32, 613, 80001, 368, 1390008}  # app/user/page limits, temporary block, posting too fast
_TRANSIENT = {1, 2}
_MEDIA_REJECTED = {324, 352, 1363030, 1363040, 6000, 6001}  # unreadable image/video, bad format, upload problem
_NOT_RETRYABLE = {1404078, 4854002}  # Page Publishing Authorization needed; identity check


def graph_version() -> str:
    return os.environ.get("SOKU_FACEBOOK_GRAPH_VERSION") or DEFAULT_GRAPH_VERSION


def _message(error: dict[str, Any]) -> str:
    return graph_message(error, "Facebook")


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    error = _graph_error(response)
    if error is None:
        return None  # no Graph envelope: default_classify sorts the bare status
    code = error.get("code")
    subcode = error.get("error_subcode")
    codes = {c for c in (code, subcode) if isinstance(c, int)}
    text = _message(error)
    if codes & _DUPLICATE:
        return PermanentError(text, code="duplicate_content")
    if codes & _RATE_LIMIT:
        return RetryableError(f"Facebook rate limit: {text}", code="rate_limited",
                              retry_after=_regain_seconds(response))
    if codes & _NOT_RETRYABLE:
        return PermanentError(f"Facebook refused the post: {text}", code="publish_rejected")
    if codes & _AUTH_CODES:
        return NeedsReconnectError(f"Facebook rejected the Page's authorization: {error.get('message') or text}")
    if code in _PERMISSION_CODES:
        return NeedsReconnectError(f"Facebook says a permission is missing; reconnect the Page: {text}")
    if codes & _MEDIA_REJECTED:
        return PermanentError(f"Facebook could not process the media: {text}", code="media_processing_failed")
    if codes & _TRANSIENT or error.get("is_transient") or status >= 500:
        return RetryableError(f"Facebook is unavailable ({status}): {text}", code="platform_unavailable")
    if status >= 300:
        return PermanentError(f"Facebook refused the post: {text}", code="publish_rejected")
    return None


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    error = _graph_error(response)
    if response.status_code >= 500 or (error and (error.get("is_transient") or error.get("code") in _TRANSIENT)):
        return classify(response)
    return NeedsReconnectError("Facebook refused to renew the Page's authorization: "
                               f"{_message(error) if error else response.text[:300]}")


class FacebookPublisher:
    platform = Platform.FACEBOOK
    # How long a listing may trail a create (the Page's `/feed` and `/videos` edges):
    # publishing/base.py waits it out before trusting a lookup's miss. No platform publishes a
    # figure; this is our margin. Without the wait, the crash soak's 10 s lag made posts twice.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _graph(self, path: str) -> str:
        return f"{get_settings().platform_hosts['facebook_graph']}/{graph_version()}/{path}"

    def _video_api(self, path: str) -> str:
        return f"{get_settings().platform_hosts['facebook_video']}/{graph_version()}/{path}"

    def _absolute(self, url: str | None, post_id: str) -> str:
        web = get_settings().platform_hosts["facebook_web"]
        if not url:
            return f"{web}/{post_id}"
        return url if "://" in url else f"{web}{url if url.startswith('/') else '/' + url}"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"OAuth {account.tokens.access_token}"})

    @staticmethod
    def _user_auth(account: Account) -> dict[str, str]:
        """The resumable upload API takes the *user* token; fall back to the Page token."""
        return {"Authorization": f"OAuth {account.tokens.refresh_token or account.tokens.access_token}"}

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        """Page tokens do not expire; renewing one means re-exchanging the long-lived
        user token (`fb_exchange_token`) and reading the Page's token with it."""
        user_token = account.tokens.refresh_token
        if not user_token:
            raise NeedsReconnectError("The Facebook Page's authorization cannot be renewed; reconnect it")
        settings = get_settings()
        client = PlatformHttp(_refresh_classify)
        exchanged = client.request("GET", self._graph("oauth/access_token"), params={
            "grant_type": "fb_exchange_token",
            "client_id": settings.platform_client_ids.get("facebook", ""),
            "client_secret": settings.platform_client_secrets.get("facebook", ""),
            "fb_exchange_token": user_token,
        }).json()
        new_user_token = exchanged.get("access_token") or user_token
        page = client.request("GET", self._graph(account.platform_user_id), params={"fields": "access_token"},
                              headers={"Authorization": f"OAuth {new_user_token}"}).json()
        if not page.get("access_token"):
            raise NeedsReconnectError("The connected Facebook user no longer manages this Page; reconnect it")
        return Tokens(page["access_token"], new_user_token, None)

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        post = self._publish(ctx, http)
        self._first_comment(ctx, http, post)
        return post

    def _publish(self, ctx: PublishContext, http: PlatformHttp) -> PublishedPost:
        content = ctx.content
        if content.media_type == "video" and content.videos:
            if self._as_reel(ctx):
                return self._publish_reel(ctx, http, content.videos[0])
            return self._publish_video(ctx, http, content.videos[0])
        if content.media_type == "image" and content.images:
            images = content.images[: LIMITS.max_photos]
            if len(images) == 1:
                return self._publish_photo(ctx, http, images[0])
            return self._publish_photos(ctx, http, images)
        return self._publish_feed(ctx, http, {})

    @staticmethod
    def _as_reel(ctx: PublishContext) -> bool:
        return bool(ctx.account.data.get("preferReels")) and not _URL.search(ctx.content.text)

    def _publish_feed(self, ctx: PublishContext, http: PlatformHttp, extra: dict[str, Any]) -> PublishedPost:
        page = ctx.account.platform_user_id
        payload: dict[str, Any] = {"message": ctx.content.text, "published": True, **extra}
        link = _URL.search(ctx.content.text)
        if link and "attached_media" not in extra:
            payload["link"] = link.group(0)

        def create() -> PublishedPost:
            response = http.request("POST", self._graph(f"{page}/feed"), params={"fields": "id,permalink_url"},
                                    json=payload)
            body = response.json()
            return PublishedPost(body["id"], self._permalink(http, body["id"], body.get("permalink_url")))

        return ctx.create_once(create)

    def _publish_photo(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> PublishedPost:
        page = ctx.account.platform_user_id
        media = open_media(item)

        def create() -> PublishedPost:
            # No `fields`: the answer is the created Photo's, and a Photo has neither `post_id` nor
            # `permalink_url` (Meta's Graph spec, facebook-business-sdk-codegen api_specs/specs/Photo.json);
            # the default answer is `{id, post_id}` (Page Photos reference), the URL is the post's.
            response = http.request("POST", self._graph(f"{page}/photos"),
                                    json={"url": media.public_url, "caption": ctx.content.text, "published": True}
                                    | _alt_text(item))
            body = response.json()
            post_id = body.get("post_id") or body["id"]
            return PublishedPost(post_id, self._permalink(http, post_id, None))

        return ctx.create_once(create)

    def _publish_photos(self, ctx: PublishContext, http: PlatformHttp, items: list[dict]) -> PublishedPost:
        page = ctx.account.platform_user_id
        photos: dict[str, str] = ctx.checkpoint.setdefault("photos", {})
        for index, item in enumerate(items):
            if str(index) in photos:
                continue  # uploaded (unpublished) by an earlier attempt
            media = open_media(item)
            response = http.request("POST", self._graph(f"{page}/photos"),
                                    json={"url": media.public_url, "published": False} | _alt_text(item))
            photos[str(index)] = response.json()["id"]
            ctx.save(photos=photos)
        attached = [{"media_fbid": photos[str(i)]} for i in range(len(items))]
        return self._publish_feed(ctx, http, {"attached_media": attached})

    def _permalink(self, http: PlatformHttp, post_id: str, given: str | None) -> str:
        """The post's URL; never fails a create that already took effect."""
        if given:
            return self._absolute(given, post_id)
        try:
            body = http.request("GET", self._graph(post_id), params={"fields": "permalink_url"}).json()
            return self._absolute(body.get("permalink_url"), post_id)
        except PublishError:
            return self._absolute(None, post_id)

    # -- first comment ---------------------------------------------------------------------
    def _first_comment(self, ctx: PublishContext, http: PlatformHttp, post: PublishedPost) -> None:
        """`POST /{post-id}/comments {message}` with the Page token, so the Page is its author
        (developers.facebook.com/docs/graph-api/reference/object/comments, "Publishing": the
        answer is the new comment's `{id}`; a video's or reel's id takes the same edge). An armed
        comment is looked for first among the post's comments, by its text and the Page as its
        author (`from`): visitors may have commented the same words (publishing/first_comment.py)."""
        page = str(ctx.account.platform_user_id)

        def send(text: str) -> str:
            response = http.request("POST", self._graph(f"{post.post_id}/comments"), data={"message": text})
            return str(response.json()["id"])

        def find(text: str) -> str | None:
            # Newest first (`order=reverse_chronological`): ours was made moments ago.
            listed = http.request("GET", self._graph(f"{post.post_id}/comments"), params={
                "fields": "id,message,from", "order": "reverse_chronological", "limit": 100}).json()
            return next((str(c["id"]) for c in listed.get("data") or []
                         if c.get("message") == text and str((c.get("from") or {}).get("id")) == page), None)

        post_first_comment(ctx, send, find)

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /{page-post-id}` (a video or reel: `DELETE /{video-id}`) with the Page token →
        `{"success": true}` (developers.facebook.com/docs/graph-api/reference/post, "Deleting";
        …/reference/video, "Deleting"; needs pages_manage_posts). A post that no longer exists
        answers code 100 / subcode 33, confirmed by a read (graph.delete_object)."""
        delete_object(lambda: self.http(account), "Facebook", self._graph(post_id))

    # -- video: resumable upload, then /videos ------------------------------------------
    def _publish_video(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> PublishedPost:
        page = ctx.account.platform_user_id
        handle = self._upload_resumable(ctx, http, item)

        def create() -> PublishedPost:
            response = http.request("POST", self._video_api(f"{page}/videos"), json={
                "fbuploader_video_file_chunk": handle, "description": ctx.content.text, "published": True})
            video_id = response.json()["id"]
            ctx.accepted(created={"id": video_id})  # the answer is known: a retry only waits for processing
            return PublishedPost(video_id, None)

        post = ctx.create_once(create)
        return self._wait_until_ready(ctx, http, post.post_id)

    def _upload_resumable(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> str:
        state: dict[str, Any] = ctx.checkpoint.setdefault("video", {})
        if state.get("handle"):
            return state["handle"]
        media = open_media(item)
        user = self._user_auth(ctx.account)
        offset = 0
        if state.get("session"):
            try:
                probe = http.request("GET", self._graph(state["session"]), headers=user).json()
                offset = int(probe.get("file_offset", 0))
            except PermanentError:
                state.pop("session")  # the session is gone: start a new one
            else:
                if offset >= media.size:
                    state.pop("session")  # complete, but the answer with the handle was lost: upload again
        if not state.get("session"):
            app_id = get_settings().platform_client_ids.get("facebook")
            if not app_id:
                raise PermanentError("Facebook video uploads need the app id (SOKU_FACEBOOK_CLIENT_ID)",
                                     code="platform_misconfigured")
            name = f"{item.get('mediaId') or 'video'}.{media.content_type.split('/')[-1]}"
            response = http.request("POST", self._graph(f"{app_id}/uploads"), headers=user, params={
                "file_name": name, "file_length": media.size, "file_type": media.content_type})
            state.update(session=response.json()["id"], size=media.size)
            ctx.save(video=state)
            offset = 0
        handle = None
        if offset < media.size:
            # One request streams the rest of the file from Cloud Storage, a chunk at a time;
            # if it breaks, Facebook keeps what arrived and the next attempt resumes there.
            state["resumedFrom"] = offset
            ctx.save(video=state)
            response = http.request("POST", self._graph(state["session"]), headers=user | {
                "file_offset": str(offset), "Content-Type": "application/octet-stream",
                "Content-Length": str(media.size - offset)}, content=_stream(media, offset, media.size))
            handle = response.json().get("h")
        if not handle:
            raise RetryableError("Facebook did not confirm the complete video upload; will resume",
                                 code="upload_incomplete")
        state["handle"] = handle
        ctx.save(video=state)
        return handle

    # -- reels ---------------------------------------------------------------------------
    def _publish_reel(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> PublishedPost:
        page = ctx.account.platform_user_id
        state: dict[str, Any] = ctx.checkpoint.setdefault("reel", {})
        if not state.get("videoId"):
            body = http.request("POST", self._graph(f"{page}/video_reels"), json={"upload_phase": "start"}).json()
            state.update(videoId=body["video_id"], uploadUrl=body["upload_url"], uploaded=False)
            ctx.save(reel=state)
        video_id = state["videoId"]
        if not state.get("uploaded"):
            media = open_media(item)
            offset = 0
            if state.get("started"):
                status = self._status(http, video_id).get("status") or {}
                offset = int((status.get("uploading_phase") or {}).get("bytes_transferred") or 0)
            if offset < media.size:
                state.update(started=True, resumedFrom=offset)
                ctx.save(reel=state)
                http.request("POST", state["uploadUrl"], headers={
                    "offset": str(offset), "file_size": str(media.size), "Content-Type": "application/octet-stream",
                    "Content-Length": str(media.size - offset)}, content=_stream(media, offset, media.size))
            state["uploaded"] = True
            ctx.save(reel=state)

        def create() -> PublishedPost:
            http.request("POST", self._graph(f"{page}/video_reels"), params={
                "upload_phase": "finish", "video_id": video_id, "video_state": "PUBLISHED",
                "description": ctx.content.text})
            ctx.accepted(created={"id": video_id})
            return PublishedPost(video_id, None)

        ctx.create_once(create)
        return self._wait_until_ready(ctx, http, video_id)

    # -- processing ----------------------------------------------------------------------
    def _status(self, http: PlatformHttp, video_id: str) -> dict[str, Any]:
        return http.request("GET", self._graph(video_id), params={"fields": "status,permalink_url"}).json()

    def _wait_until_ready(self, ctx: PublishContext, http: PlatformHttp, video_id: str) -> PublishedPost:
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        interval = LIMITS.first_poll_s
        while True:
            body = self._status(http, video_id)
            status = body.get("status") or {}
            state = status.get("video_status")
            if state == "ready":
                return PublishedPost(video_id, self._absolute(body.get("permalink_url"), video_id))
            if state == "error":
                raise PermanentError(f"Facebook could not process the video: {_status_error(status)}",
                                     code="media_processing_failed")
            if clock.now() > deadline:
                raise RetryableError("Facebook is still processing the video; will check again",
                                     code="media_processing")
            ctx.sleep(interval)
            interval = min(interval * 2, LIMITS.max_poll_interval_s)

    # -- reconciliation ------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        created = ctx.checkpoint.get("created")
        if created:
            return PublishedPost(created["id"], None)
        http = self.http(ctx.account)
        page = ctx.account.platform_user_id
        reel = ctx.checkpoint.get("reel") or {}
        if reel.get("videoId"):
            # The reel's id is known before finish: did finish take effect?
            phase = ((self._status(http, reel["videoId"]).get("status") or {}).get("publishing_phase") or {})
            return PublishedPost(reel["videoId"], None) if phase.get("status") not in (None, "not_started") else None
        since = armed_at - timedelta(seconds=5)
        if ctx.checkpoint.get("video"):
            edge, field_name = "videos", "description"
        else:
            edge, field_name = "feed", "message"
        # The feed also holds visitors' posts ("published by this page, or by others on this
        # page": Graph API Page Feed reference), so the author must be the Page itself.
        # Every page back to the window: `limit` is at most 100 on these edges (Graph API Page
        # Feed reference: "a maximum of 100 posts"; Page Videos pages the same way).
        params = {"fields": f"id,{field_name},created_time,permalink_url,from", "since": int(since.timestamp())}
        matches = []
        for entry in listed_since(http, self._graph(f"{page}/{edge}"), params, armed_at,
                                  time_field="created_time", limit=LIMITS.lookup_page_size):
            created = _parse_time(entry.get("created_time"))
            author = str((entry.get("from") or {}).get("id") or page)
            if author != str(page) or not in_window(created, armed_at):
                continue
            if normalise(entry.get(field_name)) == normalise(ctx.content.text):
                matches.append((created, str(entry["id"]), entry.get("permalink_url")))
        if not matches:
            return None
        _, post_id, permalink = min(matches)  # the first one made after the create was armed
        return PublishedPost(post_id, self._absolute(permalink, post_id))


def _alt_text(item: dict) -> dict[str, str]:
    """The media's alt text (PATCH /v1/media/{id}) as the photo's `alt_text_custom`, on a single
    published photo and on each unpublished photo of a multi-photo post (the Page /photos edge of
    the pinned Graph spec, devstack/contracts/facts/facebook.json, lists it). Meta documents no
    length for it, so it is sent whole."""
    alt = item.get("altText")
    return {"alt_text_custom": str(alt)} if alt else {}


def _stream(media: StoredMedia, start: int, end: int) -> Iterator[bytes]:
    """Bytes [start, end) of the stored object, one ranged read at a time."""
    offset = start
    while offset < end:
        stop = min(end, offset + LIMITS.read_chunk_bytes)
        yield media.read(offset, stop)
        offset = stop


def _status_error(status: dict[str, Any]) -> str:
    for phase in ("processing_phase", "uploading_phase", "publishing_phase"):
        errors = (status.get(phase) or {}).get("errors") or []
        if errors and isinstance(errors[0], dict):
            return str(errors[0].get("message") or errors[0])
    return "the video failed processing"


PUBLISHER = FacebookPublisher  # what the registry (shared/platforms/loader.py) instantiates
