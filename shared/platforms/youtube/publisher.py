"""YouTube (Data API v3): resumable `videos.insert`, processing status, thumbnail.

Flow (reference/platform-apis.md §6). YouTube posts are videos; the post's
text is the description and the title comes from the `title` option or the
text's first line. Both the upload host (`/upload/youtube/v3/…`) and the data
API (`/youtube/v3/…`) are www.googleapis.com, configured as `youtube_upload`.

- **Insert = the create.** `POST /upload/youtube/v3/videos?uploadType=resumable
  &part=snippet,status` with `X-Upload-Content-Length`/`-Type` and the video
  resource opens a session whose URI comes back in `Location`; the URI is
  checkpointed before any byte is sent. The bytes go in `PUT <session>` chunks
  of 8 MiB (multiples of 256 KiB except the last) with `Content-Range`,
  streamed from Cloud Storage one chunk at a time. `308` + `Range: bytes=0-N`
  means "continue from N+1"; `200/201` carries the video resource. The video
  exists once the last byte lands, so initiation and upload together are the
  create and run inside `ctx.create_once`.
- **Resume, never duplicate.** An attempt that finds a session in the
  checkpoint first probes it with an empty `PUT` and `Content-Range: bytes
  */total`: `308` resumes from the returned offset, `200/201` means the upload
  already completed (the video id is taken from the answer), `404/410` means
  the session expired and a new one starts from byte 0 (no video exists for an
  incomplete session). `find_existing` is that probe; without a session (or
  with an expired one) it reads the channel's uploads playlist
  (`channels.list?mine=true` → `playlistItems.list`, 2 quota units, where
  `search.list` would cost 100) for a video with the same title and
  description published after the create was armed.
- **Processing.** `videos.list?part=status,processingDetails` is polled until
  `uploadStatus=processed` / `processingStatus=succeeded`; `failed` or
  `rejected` fail the run with `failureReason` / `rejectionReason`
  (`rejectionReason=duplicate` → `duplicate_content`).
- **Thumbnail.** When the post carries an image next to the video, it is set
  with `POST /upload/youtube/v3/thumbnails/set?videoId=`. A thumbnail that
  fails never fails the run: the outcome is recorded in the run's checkpoint
  (`thumbnail`), shown in the run's result, and logged.

- **First comment.** `options.youtube.firstComment`, once processed: commentThreads.insert,
  once (publishing/first_comment.py); like the thumbnail, its failure never fails the run.

Errors come as `{"error": {code, message, errors: [{reason, domain}]}}`:
`quotaExceeded` / `uploadLimitExceeded` are retryable with `retry_after` = the
time to the next midnight Pacific (when YouTube resets daily quotas),
`rateLimitExceeded` / `userRateLimitExceeded` are retryable, 401 means the
token must be refreshed (the runner does it once, then reconnect), and
`invalidTitle`, `invalidDescription`, `invalidTags`, `invalidCategoryId`, … are
permanent. Google does not rotate refresh tokens: `refresh` keeps the stored
one, and `invalid_grant` (revoked, expired, 6 months idle) means reconnect.
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.youtube.manifest import MAX_THUMBNAIL_BYTES, MAX_TITLE_CHARS, MB, THUMBNAIL_FORMATS
from shared.platforms.google.oauth import refresh_classifier
from shared.services.publishing.first_comment import post_first_comment
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import StoredMedia, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, before_window, in_window, normalise

log = logging.getLogger("soku.publisher.youtube")


@dataclass(frozen=True)
class YouTubeLimits:
    chunk_bytes: int = 8 * 1024 * 1024  # Postiz's size; every chunk but the last must be a multiple of…
    chunk_granularity: int = 256 * 1024  # …256 KiB (the resumable protocol)
    # What YouTube accepts, as its manifest states it (manifest.py, with sources).
    max_title_chars: int = MAX_TITLE_CHARS  # snippet.title; the description (≤5000 bytes) is YouTube's to check
    max_thumbnail_bytes: int = MAX_THUMBNAIL_BYTES  # thumbnails.set
    thumbnail_types: tuple[str, ...] = THUMBNAIL_FORMATS
    # Polling videos.list; then the attempt ends retryable and the next one only polls again,
    # leaving room inside the publisher function's 540 s.
    processing_timeout_s: float = 4 * 60
    first_poll_s: float = 0.5
    max_poll_interval_s: float = 10.0
    lookup_window: int = 50  # uploads a page when reconciling an interrupted insert (the most maxResults allows)
    quota_timezone: str = "America/Los_Angeles"  # daily quotas reset at midnight Pacific

    def __post_init__(self) -> None:
        if self.chunk_bytes % self.chunk_granularity:
            raise ValueError("YouTube upload chunks must be a multiple of 256 KiB")


LIMITS = YouTubeLimits()

_QUOTA_REASONS = {"quotaExceeded", "uploadLimitExceeded", "dailyLimitExceeded"}
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
_AUTH_REASONS = {"authError"}
_METADATA_REASONS = {"invalidTitle", "invalidDescription", "invalidTags", "invalidCategoryId",
                     "invalidPublishAt", "invalidRecordingDetails", "invalidVideoMetadata", "mediaBodyRequired"}
_TRANSIENT_REASONS = {"backendError", "internalError"}
_TAG = re.compile(r"<[^>]+>")


# -- error taxonomy ---------------------------------------------------------------------
def _google_error(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def _reasons(error: dict[str, Any]) -> list[str]:
    return [str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict) and e.get("reason")]


def _text(error: dict[str, Any] | None, response: httpx.Response) -> str:
    """The platform's own message (its quota message carries an HTML link: keep the words)."""
    if error is None:
        return response.text[:300] or f"HTTP {response.status_code}"
    message = error.get("message")
    if not message:
        first = next(iter(error.get("errors") or []), {})
        message = first.get("message") if isinstance(first, dict) else None
    return _TAG.sub("", str(message)) if message else f"HTTP {response.status_code}"


def seconds_until_quota_reset(now: datetime | None = None) -> tuple[float, datetime]:
    """Seconds until the next midnight Pacific time, and that moment (UTC)."""
    zone = ZoneInfo(LIMITS.quota_timezone)
    local = (now or clock.now()).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return max(0.0, (midnight - local).total_seconds()), midnight.astimezone(timezone.utc)


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    error = _google_error(response)
    reasons = set(_reasons(error)) if error else set()
    text = _text(error, response)
    if reasons & _QUOTA_REASONS:
        seconds, reset = seconds_until_quota_reset()
        reason = sorted(reasons & _QUOTA_REASONS)[0]
        hours, minutes = int(seconds // 3600), int(seconds % 3600 // 60)
        return RetryableError(
            f"YouTube {reason}: {text} The daily quota resets at midnight Pacific time "
            f"({reset.strftime('%Y-%m-%dT%H:%M:%SZ')}, in {hours}h{minutes:02d}m); the upload will be retried then.",
            code="quota_exceeded", retry_after=seconds)
    if reasons & _RATE_REASONS or status == 429:
        return RetryableError(f"YouTube rate limit: {text}", code="rate_limited",
                              retry_after=retry_after_seconds(response))
    if status == 401 or reasons & _AUTH_REASONS:
        return NeedsReconnectError(f"YouTube rejected the channel's authorization: {text}")
    if reasons & _METADATA_REASONS:
        return PermanentError(f"YouTube refused the video's details: {text}", code="publish_rejected")
    if status >= 500 or reasons & _TRANSIENT_REASONS:
        return RetryableError(f"YouTube is unavailable ({status}): {text}", code="platform_unavailable")
    return PermanentError(f"YouTube refused the request ({status}): {text}", code="publish_rejected")


_refresh_classify = refresh_classifier("the channel's")


# -- the upload session: 308 is an answer, 404/410 an expired session ---------------------
class _Incomplete(PublishError):
    """308 Resume Incomplete: not an error; carries the response back to the caller."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__("upload incomplete")
        self.response = response


class SessionExpired(RetryableError):
    code = "upload_session_expired"


def _session_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code == 308:
        return _Incomplete(response)
    if response.status_code in (404, 410):
        return SessionExpired(f"YouTube's upload session expired ({response.status_code})",
                              code="upload_session_expired")
    return classify(response)


class _SessionHttp(PlatformHttp):
    """PlatformHttp for the session URI. The shared layer treats any non-2xx as an
    error, so `308 Resume Incomplete` travels as `_Incomplete` and is returned here."""

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            return super().request(method, url, **kwargs)
        except _Incomplete as incomplete:
            return incomplete.response


def _received_through(response: httpx.Response) -> int:
    """The next byte to send after a 308: `Range: bytes=0-N` → N + 1; no Range → 0."""
    value = response.headers.get("Range", "")
    if value.startswith("bytes=") and "-" in value:
        end = value.split("-", 1)[1].strip()
        if end.isdigit():
            return int(end) + 1
    return 0


# The probe an attempt's find_existing already made ("partial", offset) or ("expired", None),
# handed to that attempt's create() so the session is probed once. Keyed by the attempt's
# context, and gone with it.
_PROBED: "weakref.WeakKeyDictionary[PublishContext, tuple[str, int | None]]" = weakref.WeakKeyDictionary()


class YouTubePublisher:
    platform = Platform.YOUTUBE
    # How long a listing may trail a create (the channel's uploads playlist, which trails an
    # upload longest): publishing/base.py waits it out before trusting a lookup's miss. No
    # platform publishes a figure; this is our margin.
    listing_lag_s = 60.0

    # -- plumbing -------------------------------------------------------------------
    def _host(self) -> str:
        return get_settings().platform_hosts["youtube_upload"]

    def _api(self, path: str) -> str:
        return f"{self._host()}/youtube/v3/{path}"

    def _upload_api(self, path: str) -> str:
        return f"{self._host()}/upload/youtube/v3/{path}"

    def _auth(self, account: Account):
        return lambda: {"Authorization": f"Bearer {account.tokens.access_token}"}

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, self._auth(account))

    def _session_http(self, account: Account) -> PlatformHttp:
        return _SessionHttp(_session_classify, self._auth(account))

    def post_url(self, video_id: str) -> str:
        return f"{get_settings().platform_hosts['youtube_web']}/watch?v={video_id}"

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        if not account.tokens.refresh_token:
            raise NeedsReconnectError("The YouTube channel's authorization cannot be refreshed; reconnect it")
        settings = get_settings()
        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{settings.platform_hosts['google_oauth']}/token", data={
                "grant_type": "refresh_token",
                "refresh_token": account.tokens.refresh_token,
                "client_id": settings.platform_client_ids.get("youtube", ""),
                "client_secret": settings.platform_client_secrets.get("youtube", ""),
            })
        body = response.json()
        # Google does not rotate refresh tokens: keep the stored one unless a new one is given.
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 3599))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        videos = ctx.content.videos
        if not videos:
            raise PermanentError("YouTube needs a video; this post has none", code="invalid_media")
        http = self.http(ctx.account)
        done = ctx.checkpoint.get("video")
        if done:
            post = PublishedPost(done["id"], self.post_url(done["id"]))  # the insert finished earlier
        else:
            media = open_media(videos[0])
            metadata = video_resource(ctx.content.text, ctx.content.options)

            def create() -> PublishedPost:
                video = self._insert(ctx, media, metadata)
                return self._remember(ctx, inserted_video_id(video))

            post = ctx.create_once(create)
            if not ctx.checkpoint.get("video"):
                self._remember(ctx, post.post_id)  # reconciled by find_existing
        video = ctx.checkpoint["video"]
        if not video.get("processed"):
            self._wait_until_processed(ctx, http, post.post_id)
            video["processed"] = True
            ctx.save(video=video)
        if ctx.content.images:
            self._set_thumbnail(ctx, http, post.post_id, ctx.content.images[0])
        self._first_comment(ctx, http, post.post_id)
        return post

    def _first_comment(self, ctx: PublishContext, http: PlatformHttp, video_id: str) -> None:
        """commentThreads.insert (developers.google.com/youtube/v3/docs/commentThreads/insert, 50
        quota units, scope youtube.force-ssl): a top-level comment by the channel → the thread,
        whose top-level comment's id is recorded. An armed comment is looked for first with
        commentThreads.list (newest first): a thread whose comment's author is the video's own
        channel (the thread's `snippet.channelId`) and whose text is ours
        (publishing/first_comment.py). After processing: a video still processing takes comments,
        but a rejected one (which fails the run first) never will."""
        def send(text: str) -> str:
            thread = http.request("POST", self._api("commentThreads"), params={"part": "snippet"}, json={
                "snippet": {"videoId": video_id, "topLevelComment": {"snippet": {"textOriginal": text}}}}).json()
            snippet = thread.get("snippet") or {}
            return str((snippet.get("topLevelComment") or {}).get("id") or thread.get("id") or "")

        def find(text: str) -> str | None:
            listed = http.request("GET", self._api("commentThreads"), params={
                "part": "snippet", "videoId": video_id, "maxResults": 100, "order": "time",
                "textFormat": "plainText"}).json()
            for thread in listed.get("items") or []:
                snippet = thread.get("snippet") or {}
                top = snippet.get("topLevelComment") or {}
                mine = ((top.get("snippet") or {}).get("authorChannelId") or {}).get("value") == snippet.get("channelId")
                if mine and (top.get("snippet") or {}).get("textOriginal") == text:
                    return str(top.get("id") or thread.get("id"))
            return None

        post_first_comment(ctx, send, find)

    def _remember(self, ctx: PublishContext, video_id: str) -> PublishedPost:
        ctx.save(video={"id": video_id, "processed": False})
        return PublishedPost(video_id, self.post_url(video_id))

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /youtube/v3/videos?id=…` → 204 (developers.google.com/youtube/v3/docs/videos/delete:
        50 quota units; needs the `youtube`, `youtube.force-ssl` or `youtubepartner` scope, which
        `youtube.upload` alone does not grant: YouTube then answers 403). 404 `videoNotFound`:
        already gone."""
        http = for_deletion(self.http(account), "YouTube", lambda response: response.status_code == 404)
        http.request("DELETE", self._api("videos"), params={"id": post_id})

    # -- videos.insert: session, probe, chunks ------------------------------------------
    def _insert(self, ctx: PublishContext, media: StoredMedia, metadata: dict[str, Any]) -> dict[str, Any]:
        """Initiate (or resume) the resumable insert and send what YouTube lacks; the video resource."""
        state: dict[str, Any] = ctx.checkpoint.setdefault("upload", {})
        session_http = self._session_http(ctx.account)
        offset: int | None = None
        if state.get("session") and state.get("size") == media.size:
            outcome, value = _PROBED.pop(ctx, None) or self._probe(session_http, state["session"], media.size)
            if outcome == "done":
                return value
            offset = value if outcome == "partial" else None  # expired: a new session, from byte 0
        if offset is None:
            state.pop("session", None)
        for _ in range(2):  # at most one fresh session per attempt after an expiry
            if not state.get("session"):
                state.update(session=self._initiate(ctx, media, metadata), size=media.size, offset=0)
                state["sessions"] = int(state.get("sessions", 0)) + 1
                ctx.save(upload=state)
                offset = 0
            try:
                return self._send(ctx, session_http, state, media, offset or 0)
            except SessionExpired:
                log.info("YouTube upload session expired mid-upload; starting a new one")
                state.pop("session", None)
                ctx.save(upload=state)
        raise RetryableError("YouTube's upload sessions keep expiring; will try again", code="upload_session_expired")

    def _initiate(self, ctx: PublishContext, media: StoredMedia, metadata: dict[str, Any]) -> str:
        content_type = media.content_type if media.content_type.startswith("video/") else "application/octet-stream"
        response = self.http(ctx.account).request(
            "POST", self._upload_api("videos"),
            params={"uploadType": "resumable", "part": "snippet,status"},
            headers={"X-Upload-Content-Length": str(media.size), "X-Upload-Content-Type": content_type,
                     "Content-Type": "application/json; charset=UTF-8"},
            json=metadata)
        location = response.headers.get("Location")
        if not location:
            raise RetryableError("YouTube opened no upload session (no Location header); will retry",
                                 code="platform_unavailable")
        return location

    def _probe(self, session_http: PlatformHttp, session: str, size: int) -> tuple[str, Any]:
        """("done", video) | ("partial", next offset) | ("expired", None)."""
        try:
            response = session_http.request("PUT", session, content=b"",
                                            headers={"Content-Range": f"bytes */{size}", "Content-Length": "0"})
        except SessionExpired:
            return "expired", None
        if response.status_code == 308:
            return "partial", _received_through(response)
        return "done", response.json()

    def _send(self, ctx: PublishContext, session_http: PlatformHttp, state: dict[str, Any],
              media: StoredMedia, offset: int) -> dict[str, Any]:
        size = media.size
        if offset:
            state.setdefault("resumedFrom", []).append(offset)
        state["offset"] = offset
        ctx.save(upload=state)
        stalled = 0
        while offset < size:
            end = min(size, offset + LIMITS.chunk_bytes)
            chunk = media.read(offset, end)  # one chunk in memory at a time
            response = session_http.request("PUT", state["session"], content=chunk, headers={
                "Content-Range": f"bytes {offset}-{end - 1}/{size}", "Content-Length": str(len(chunk)),
                "Content-Type": media.content_type})
            if response.status_code != 308:
                return response.json()  # 200/201: the last byte landed, this is the video
            received = _received_through(response)
            stalled = stalled + 1 if received <= offset else 0
            if stalled >= 3:
                raise RetryableError(f"YouTube accepted no bytes after offset {offset}; will resume",
                                     code="upload_incomplete")
            offset = received
            state["offset"] = offset
            ctx.save(upload=state)  # a retry probes anyway; this is for the record
        # Every byte was acknowledged with 308 but YouTube never answered with the video.
        outcome, value = self._probe(session_http, state["session"], size)
        if outcome == "done":
            return value
        raise RetryableError("YouTube did not confirm the complete upload; will resume", code="upload_incomplete")

    # -- processing -----------------------------------------------------------------------
    def _wait_until_processed(self, ctx: PublishContext, http: PlatformHttp, video_id: str) -> None:
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        interval = LIMITS.first_poll_s
        while True:
            items = http.request("GET", self._api("videos"), params={
                "part": "status,processingDetails", "id": video_id}).json().get("items") or []
            if items:
                status = items[0].get("status") or {}
                details = items[0].get("processingDetails") or {}
                upload_status = status.get("uploadStatus")
                processing = details.get("processingStatus")
                if upload_status == "rejected":
                    reason = status.get("rejectionReason") or "rejected"
                    if reason == "duplicate":
                        raise PermanentError("YouTube rejected the video: duplicate (rejectionReason: duplicate; "
                                             "the channel already has this video)", code="duplicate_content")
                    raise PermanentError(f"YouTube rejected the video (rejectionReason: {reason})",
                                         code="media_processing_failed")
                if upload_status in ("failed", "deleted") or processing in ("failed", "terminated"):
                    reason = (status.get("failureReason") or details.get("processingFailureReason")
                              or upload_status or processing)
                    raise PermanentError(f"YouTube could not process the video (failureReason: {reason})",
                                         code="media_processing_failed")
                if upload_status == "processed" or processing == "succeeded":
                    return
            if clock.now() > deadline:
                raise RetryableError("YouTube is still processing the video; will check again",
                                     code="media_processing")
            ctx.sleep(interval)
            interval = min(interval * 2, LIMITS.max_poll_interval_s)

    # -- thumbnail -------------------------------------------------------------------------
    def _set_thumbnail(self, ctx: PublishContext, http: PlatformHttp, video_id: str, item: dict) -> None:
        """thumbnails.set from the post's image. Its failure is recorded, never fatal."""
        record: dict[str, Any] = dict(ctx.checkpoint.get("thumbnail") or {})
        if record.get("status") in ("set", "failed"):
            return
        try:
            image = open_media(item)
            if image.content_type not in LIMITS.thumbnail_types:
                raise PermanentError(f"YouTube thumbnails must be JPEG or PNG, not {image.content_type}",
                                     code="invalid_media")
            if image.size > LIMITS.max_thumbnail_bytes:
                raise PermanentError(f"YouTube thumbnails must be at most {LIMITS.max_thumbnail_bytes // MB} MB; "
                                     f"this image is {image.size} bytes",
                                     code="invalid_media")
            http.request("POST", self._upload_api("thumbnails/set"), params={"videoId": video_id},
                         headers={"Content-Type": image.content_type}, content=image.read(0, image.size))
        except NeedsReconnectError as error:
            if not record.get("authRetried"):
                # Let the runner refresh the token once; the retry only redoes the thumbnail.
                ctx.save(thumbnail=record | {"authRetried": True})
                raise
            record.update(status="failed", code=error.code, message=error.message)
        except PublishError as error:
            record.update(status="failed", code=error.code, message=error.message)
        else:
            record.update(status="set", mediaId=item.get("mediaId"))
        if record["status"] == "failed":
            log.warning("YouTube video %s published without its thumbnail: %s", video_id, record["message"])
        ctx.save(thumbnail=record)
        ctx.report(thumbnail=record)  # shown in the run's result

    # -- reconciliation --------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        done = ctx.checkpoint.get("video")
        if done:
            return PublishedPost(done["id"], self.post_url(done["id"]))
        state = ctx.checkpoint.get("upload") or {}
        if state.get("session") and state.get("size"):
            outcome, value = self._probe(self._session_http(ctx.account), state["session"], int(state["size"]))
            if outcome == "done":
                return PublishedPost(value["id"], self.post_url(value["id"]))
            _PROBED[ctx] = (outcome, value)
            if outcome == "partial":
                return None  # incomplete: no video exists yet; create() resumes from the offset
            # Expired: the upload may have completed long ago; look for the video itself.
        return self._find_in_uploads(ctx, armed_at)

    def _find_in_uploads(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        http = self.http(ctx.account)
        channels = http.request("GET", self._api("channels"), params={"part": "contentDetails", "mine": "true"})
        playlist = uploads_playlist_of(channels.json())
        if not playlist:
            return None
        metadata = video_resource(ctx.content.text, ctx.content.options)["snippet"]
        for entry in self._uploads_since(http, playlist, armed_at):
            published, title, description, video_id = upload_of(entry)
            if not in_window(published, armed_at):
                continue
            if normalise(title) == normalise(metadata["title"]) and normalise(description) == normalise(
                    metadata["description"]):
                if video_id:
                    return PublishedPost(video_id, self.post_url(video_id))
        return None

    def _uploads_since(self, http: PlatformHttp, playlist: str, armed_at: datetime) -> Iterator[dict]:
        """The uploads playlist's items, newest first, page after page until one was added
        before the window or LOOKUP_PAGES were read: a busy channel can have more uploads in
        the window than one page holds.

        Token paging (developers.google.com/youtube/v3/docs/playlistItems/list): `maxResults`
        0 to 50, the response's `nextPageToken` passed back as `pageToken`; none means the
        last page."""
        params: dict[str, Any] = {"part": "snippet", "playlistId": playlist, "maxResults": LIMITS.lookup_window}
        for _ in range(LOOKUP_PAGES):
            body = http.request("GET", self._api("playlistItems"), params=params).json()
            entries, token = playlist_page(body)
            for entry in entries:
                if before_window(upload_of(entry)[0], armed_at):
                    return
                yield entry
            if not token:
                return
            params = params | {"pageToken": token}


# -- the video resource -------------------------------------------------------------------
def _clean(text: str) -> str:
    """YouTube refuses `<` and `>` in titles and descriptions; use look-alike angle quotes."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def video_title(text: str, options: dict[str, Any]) -> str:
    title = (options.get("title") or "").strip()
    if not title:
        first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
        title = first or "Untitled"
    return _clean(title)[: LIMITS.max_title_chars]


def video_resource(text: str, options: dict[str, Any]) -> dict[str, Any]:
    """The `snippet` and `status` parts sent with videos.insert."""
    snippet: dict[str, Any] = {"title": video_title(text, options), "description": _clean(text or "")}
    if options.get("tags"):
        snippet["tags"] = list(options["tags"])
    if options.get("categoryId"):
        snippet["categoryId"] = str(options["categoryId"])
    status = {"privacyStatus": options.get("privacy") or "public",
              "selfDeclaredMadeForKids": bool(options.get("madeForKids", False))}
    return {"snippet": snippet, "status": status}


# -- reading YouTube's answers (tests/test_recorded_answers.py feeds recorded real answers through these) --
def inserted_video_id(video: dict[str, Any]) -> str:
    """videos.insert's answer is the video resource; its `id` is the post's."""
    return video["id"]


def uploads_playlist_of(body: dict[str, Any]) -> str | None:
    """channels.list(part=contentDetails, mine=true) → the channel's uploads playlist id."""
    items = body.get("items") or []
    return ((items[0].get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads") if items else None


def playlist_page(body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """One page of playlistItems.list: (items, `nextPageToken` or None on the last page)."""
    return body.get("items") or [], body.get("nextPageToken")


def upload_of(entry: dict[str, Any]) -> tuple[datetime | None, str | None, str | None, str | None]:
    """A playlistItem: (snippet.publishedAt, title, description, resourceId.videoId)."""
    snippet = entry.get("snippet") or {}
    return (_parse_time(snippet.get("publishedAt")), snippet.get("title"), snippet.get("description"),
            (snippet.get("resourceId") or {}).get("videoId"))


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


PUBLISHER = YouTubePublisher  # what the registry (shared/platforms/loader.py) instantiates
