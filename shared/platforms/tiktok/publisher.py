"""TikTok (Content Posting API, direct post): creator info, init, chunked upload, status.

Flow (reference/platform-apis.md §5). Every API answer is wrapped as
`{"data": …, "error": {"code", "message", "log_id"}}`; `error.code` is "ok"
on success and is what `classify` sorts on.

1. `POST /v2/post/publish/creator_info/query/` first: the account's
   `privacy_level_options`, whether it has comments / duets / stitches off,
   and its username (for the post URL). The `privacyLevel` option must be one
   of those options (else the run fails with `privacy_level_option_mismatch`
   listing them); without one, SELF_ONLY is used, which is what unaudited apps
   may post.
2. The init, which is the *create* and so runs inside `ctx.create_once`:
   - a video: `POST /v2/post/publish/video/init/` with `source_info`
     FILE_UPLOAD `{video_size, chunk_size, total_chunk_count}` (see
     `plan_chunks`), or PULL_FROM_URL `{video_url}` when the media's host is in
     `SOKU_TIKTOK_VERIFIED_DOMAINS` (domains verified for the app with TikTok);
   - photos: `POST /v2/post/publish/content/init/` with `media_type: PHOTO`,
     `post_mode: DIRECT_POST` and PULL_FROM_URL `{photo_images, photo_cover_index}`
     (photos can only be pulled).
   The `publish_id` (and the upload URL) is checkpointed as soon as the init
   answers.
3. FILE_UPLOAD: `PUT upload_url` per chunk, in order, `Content-Range: bytes
   a-b/total` (206 until the last, 201), each chunk streamed from Cloud
   Storage; the next chunk index is checkpointed after each, and a resumed
   upload first asks TikTok how many bytes it has (`uploaded_bytes`). An
   upload session TikTok no longer accepts (the URL lives an hour, or a chunk
   is answered 403/404/410) is dropped and a new init made, but only once
   TikTok's status says the upload is incomplete or FAILED: nothing can be
   published from an incomplete upload, while a complete one (its last chunk
   landed, its checkpoint did not) is being published and is waited for.
4. `POST /v2/post/publish/status/fetch/` until PUBLISH_COMPLETE or FAILED
   (`fail_reason`; a FAILED publish never posts, so it is dropped from the
   checkpoint and whatever tries next, a POST /retry included, inits anew).
   The public post id (`publicaly_available_post_id`, TikTok's spelling) only
   appears once moderation made the post public: the result is then `postId`
   that id and `url` `<tiktok_web>/@<username>/video/<id>`. A
   private post, or one still in moderation, has no id TikTok will give: its
   `postId` is the `publish_id` (the only handle TikTok has for it, and what its
   status API takes), `url` is null, and `urlUnavailable` says why (`private`,
   `moderation`). Every TikTok result also carries `publishId`, so
   `postId == publishId` means "no video id". SEND_TO_USER_INBOX is not a post:
   the video waits in the creator's inbox for them to finish in the app, so the
   run ends `unconfirmed` (`sent_to_creator_inbox`, with its `publishId`).

Reconciling an interrupted create: TikTok cannot look posts up by text, so
`find_existing` relies on the checkpointed `publish_id` (status is then read
again instead of initializing again). If the init's answer itself was lost, a
FILE_UPLOAD init is safely made again (the lost one never received a byte), but
a PULL_FROM_URL init may have published already. Each attempt's init names its
media by URLs of its own (media/pull_grants.py), which record whether TikTok
fetched them: if it never did, they are revoked (TikTok can never fetch them
now, so that init cannot publish) and the init is made again; if it did, the
post is being made, and the run ends `unconfirmed` (`publish_outcome_unknown`)
rather than risk posting twice: the user, who can see the profile, decides.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.tiktok.manifest import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_DESCRIPTION,
    MAX_PHOTO_TITLE,
    MAX_PHOTOS,
    MAX_VIDEO_BYTES,
    MAX_VIDEO_TITLE,
    MB,
    MIN_PHOTOS,
    PHOTO_FORMATS,
    VIDEO_FORMATS,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
    UnconfirmedError,
)
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.media import pull_grants
from shared.services.publishing.media import StoredMedia, open_media

# Domains (and their subdomains) whose URLs TikTok accepts for PULL_FROM_URL: those verified
# for the app in TikTok's developer portal. Comma- or space-separated; read on every publish.
VERIFIED_DOMAINS_ENV = "SOKU_TIKTOK_VERIFIED_DOMAINS"


@dataclass(frozen=True)
class TikTokLimits:
    # Chunk rules (media transfer guide): chunks 5–64 MB, the last up to 128 MB (it absorbs the
    # trailing bytes), files under 5 MB in one piece, files over 64 MB in several,
    # count = floor(size / chunk_size), 1–1000 chunks. "MB" is read conservatively: the
    # minimum as MiB, the maxima as 10^6 bytes.
    min_chunk_bytes: int = 5 * MB
    max_chunk_bytes: int = 64_000_000
    max_final_chunk_bytes: int = 128_000_000
    max_chunks: int = 1000
    chunk_bytes: int = 10 * MB  # the chunk we aim for (Postiz uses 10 MB); files up to this go whole
    read_bytes: int = 4 * MB  # bytes read from Cloud Storage at a time while a chunk streams
    # What TikTok accepts, as its manifest states it (manifest.py, with sources).
    max_video_bytes: int = MAX_VIDEO_BYTES
    max_photo_bytes: int = MAX_PHOTO_BYTES
    min_photos: int = MIN_PHOTOS
    max_photos: int = MAX_PHOTOS
    max_video_title: int = MAX_VIDEO_TITLE  # UTF-16 code units
    max_photo_title: int = MAX_PHOTO_TITLE
    max_photo_description: int = MAX_PHOTO_DESCRIPTION
    upload_url_ttl_s: float = 3600  # an upload URL is valid for one hour
    max_sessions: int = 3  # upload sessions (inits) per run before giving up
    processing_timeout_s: float = 4 * 60  # then the attempt ends retryable; the next one polls again
    moderation_wait_s: float = 30  # after PUBLISH_COMPLETE, how long to wait for the public post id
    first_poll_s: float = 0.5
    max_poll_interval_s: float = 10.0
    rate_limit_backoff_s: float = 60.0  # TikTok's limits are per minute and carry no Retry-After


LIMITS = TikTokLimits()

PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
DEFAULT_PRIVACY = "SELF_ONLY"
VIDEO_TYPES = set(VIDEO_FORMATS)
PHOTO_TYPES = set(PHOTO_FORMATS)

# error.code → taxonomy. Permanent unless listed as retryable or reconnect.
_RECONNECT = {"access_token_invalid", "auth_removed"}
_RATE_LIMITED = {"rate_limit_exceeded"}
_TRANSIENT = {"internal", "internal_error"}
_PERMANENT_CODES = {  # codes we keep as the run's code (the rest become publish_rejected)
    "privacy_level_option_mismatch", "unaudited_client_can_only_post_to_private_accounts",
    "url_ownership_unverified", "scope_not_authorized", "scope_permission_missed",
    "reached_active_user_cap",
}
# Transport failures (PlatformHttp's codes): the request may have taken effect without an answer.
_UNANSWERED = {"platform_timeout", "platform_unreachable"}
# Status fail_reason values that mean the media itself was refused.
_MEDIA_FAIL_REASONS = {"file_format_check_failed", "duration_check_failed", "frame_rate_check_failed",
                       "picture_size_check_failed", "video_pull_failed", "photo_pull_failed",
                       "video_too_short", "video_too_long"}


# -- configuration ---------------------------------------------------------------------------

def verified_domains() -> frozenset[str]:
    raw = os.environ.get(VERIFIED_DOMAINS_ENV, "")
    domains = set()
    for entry in raw.replace(",", " ").split():
        entry = entry.strip().lower()
        host = urlsplit(entry).hostname if "://" in entry else entry.split("/", 1)[0].split(":", 1)[0]
        if host:
            domains.add(host.lstrip("."))
    return frozenset(domains)


def is_verified_url(url: str | None) -> bool:
    """Whether TikTok will pull this URL: https or http on a verified domain or one of its subdomains."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return bool(host) and any(host == d or host.endswith("." + d) for d in verified_domains())


# -- chunk arithmetic ------------------------------------------------------------------------

def plan_chunks(size: int, target: int = LIMITS.chunk_bytes) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) for a FILE_UPLOAD of `size` bytes, by TikTok's rules."""
    if size <= 0:
        raise PermanentError("The video is empty", code="media_unavailable")
    target = max(LIMITS.min_chunk_bytes, min(target, LIMITS.max_chunk_bytes))
    if size <= target:
        return size, 1  # under 5 MB it must go whole; up to the target it may
    chunk = target
    if size // chunk > LIMITS.max_chunks:
        chunk = math.ceil(size / LIMITS.max_chunks)
        if chunk > LIMITS.max_chunk_bytes:
            raise PermanentError(f"The video is too large for TikTok's chunked upload ({size} bytes)",
                                 code="media_too_large")
    count = size // chunk
    if count == 1:
        return size, 1
    return chunk, count


def chunk_ranges(size: int, chunk_size: int, count: int) -> list[tuple[int, int]]:
    """[start, end) of each chunk; the last one takes the trailing bytes."""
    return [(i * chunk_size, size if i == count - 1 else (i + 1) * chunk_size) for i in range(count)]


# -- errors ----------------------------------------------------------------------------------

def _envelope_error(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        return error
    if isinstance(error, str):  # the OAuth endpoint's flat shape: {error, error_description, log_id}
        return {"code": error, "message": body.get("error_description") or error, "log_id": body.get("log_id")}
    return None


def error_for(code: str, message: str, status: int = 400, response: httpx.Response | None = None) -> PublishError:
    """One TikTok error code (from an API answer or a status `fail_reason`) → the taxonomy."""
    text = f"{message} ({code})" if message and code not in message else (message or code)
    if code in _RECONNECT:
        return NeedsReconnectError(f"TikTok rejected the account's authorization: {text}")
    if code in _RATE_LIMITED or status == 429:
        retry_after = (retry_after_seconds(response) if response is not None else None) or LIMITS.rate_limit_backoff_s
        return RetryableError(f"TikTok rate limit: {text}", code="rate_limited", retry_after=retry_after)
    if "duplicate" in code.lower():  # [unverified] TikTok documents no duplicate-content code
        return PermanentError(message or code, code="duplicate_content")
    if code == "spam_risk_too_many_posts":
        return PermanentError(f"TikTok's daily posting limit for this account is reached; try again tomorrow "
                              f"(TikTok: {text})", code="publishing_quota_exhausted")
    if code.startswith("spam_risk"):
        return PermanentError(f"TikTok refused the post as a spam risk: {text}", code="spam_risk")
    if code in _TRANSIENT or status >= 500:
        return RetryableError(f"TikTok is unavailable ({status}): {text}", code="platform_unavailable")
    if code == "url_ownership_unverified":
        return PermanentError(f"TikTok refused to pull the media: its domain is not verified for this app "
                              f"(TikTok: {text})", code=code)
    if code in _PERMANENT_CODES:
        return PermanentError(f"TikTok refused the post: {text}", code=code)
    if code in _MEDIA_FAIL_REASONS:
        return PermanentError(f"TikTok could not process the media: {text}", code="media_processing_failed")
    return PermanentError(f"TikTok refused the post: {text}", code="publish_rejected")


def classify(response: httpx.Response) -> PublishError | None:
    """TikTok's `{data, error: {code, message, log_id}}` → the taxonomy (an error may come with a 200)."""
    error = _envelope_error(response)
    status = response.status_code
    code = str((error or {}).get("code") or "")
    if error is None or code in ("", "ok"):
        if status < 300:
            return None
        if status == 401:
            return NeedsReconnectError(f"TikTok rejected the account's authorization (HTTP 401): {response.text[:200]}")
        return None  # no envelope: default_classify sorts the bare status
    return error_for(code, str(error.get("message") or ""), status, response)


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    error = _envelope_error(response)
    if status >= 500 or (error and error.get("code") in _TRANSIENT):
        return RetryableError(f"TikTok could not refresh the token right now ({status})", code="platform_unavailable")
    if status == 429:
        return classify(response)
    if status >= 400 or (error and error.get("code") not in (None, "", "ok")):
        message = (error or {}).get("message") or response.text[:300]
        return NeedsReconnectError(f"TikTok refused to refresh the account's authorization: {message}")
    return None


class _UploadSessionGone(PermanentError):
    """TikTok no longer accepts bytes for this upload (expired or unknown): a new init is needed."""

    code = "upload_session_expired"


def _upload_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code in (403, 404, 410):
        error = _envelope_error(response) or {}
        return _UploadSessionGone(f"TikTok no longer accepts this upload: "
                                  f"{error.get('message') or response.text[:200] or response.status_code}")
    return classify(response)


def _stream(media: StoredMedia, start: int, end: int) -> Iterator[bytes]:
    offset = start
    while offset < end:
        stop = min(end, offset + LIMITS.read_bytes)
        yield media.read(offset, stop)
        offset = stop


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- the publisher ---------------------------------------------------------------------------

class TikTokPublisher:
    platform = Platform.TIKTOK
    # No listing to wait for: lookups go by the `publish_id` TikTok answered, and a lost init is
    # settled by its revocable media URLs (media/pull_grants.py). Only CREATE_REACH_S is waited
    # (publishing/base.py).
    listing_lag_s = 0.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self, path: str) -> str:
        return f"{get_settings().platform_hosts['tiktok_api']}/v2/{path}"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}",
                                               "Content-Type": "application/json; charset=UTF-8"})

    def post_url(self, username: str | None, post_id: str) -> str | None:
        if not username:
            return None
        return f"{get_settings().platform_hosts['tiktok_web']}/@{username}/video/{post_id}"

    @staticmethod
    def _data(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            raise RetryableError(f"TikTok answered with something other than JSON ({response.status_code})",
                                 code="platform_unavailable") from exc
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else {}

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        """`POST /v2/oauth/token/` (form); refresh tokens rotate, so the new one is kept."""
        settings = get_settings()
        if not account.tokens.refresh_token:
            raise NeedsReconnectError("The TikTok account's authorization cannot be renewed; reconnect it")
        client = PlatformHttp(_refresh_classify)
        response = client.request("POST", self._api("oauth/token/"), data={
            "client_key": settings.platform_client_ids.get("tiktok", ""),
            "client_secret": settings.platform_client_secrets.get("tiktok", ""),
            "grant_type": "refresh_token",
            "refresh_token": account.tokens.refresh_token,
        }, headers={"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache"})
        body = response.json()
        if not body.get("access_token"):
            raise NeedsReconnectError(f"TikTok refused to refresh the account's authorization: "
                                      f"{body.get('error_description') or body.get('error') or 'no token'}")
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 86400))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        cp = ctx.checkpoint
        while True:
            if not cp.get("publishId"):
                if int(cp.get("sessions", 0)) >= LIMITS.max_sessions:
                    raise PermanentError(f"TikTok dropped the upload session {LIMITS.max_sessions} times; "
                                         "giving up on this video", code="upload_incomplete")
                self._initialize(ctx, http)
            upload = cp.get("upload")
            if upload and not upload.get("done"):
                try:
                    self._upload(ctx, http, upload)
                except _UploadSessionGone:
                    self._discard_session(ctx)  # nothing published from an incomplete upload: init again
                    continue
            return self._wait(ctx, http)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        cp = ctx.checkpoint
        if cp.get("publishId"):
            # The init answered: publish() carries on from the checkpoint (upload, then status).
            return PublishedPost(cp["publishId"], None)
        plan = cp.get("plan")
        if not plan:
            return None  # the plan is saved before the init is sent: none was sent
        if plan.get("source") == "FILE_UPLOAD":
            return None  # the lost init never received a byte, so it cannot publish: init again
        if plan.get("grants") and pull_grants.revoke_unless_fetched(plan["grants"]):
            return None  # TikTok never fetched that init's media, and now never can: init again
        raise UnconfirmedError(
            "TikTok was asked to publish this post (pulling its media from our URL) but the answer was lost, "
            "and TikTok offers no way to look a post up; it is not sent again, so it cannot be posted twice. "
            "Check the TikTok profile, and retry the post if it is missing.", code="publish_outcome_unknown")

    def find_published(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """For a run given up on: the post only if TikTok has it or is making it without us.

        `find_existing` answers a checkpointed `publishId` with itself so that an interrupted
        attempt resumes the upload instead of initializing again; here that would record a
        post whose upload never finished. TikTok's publish status decides: an upload still
        missing bytes, or a FAILED publish, never becomes a post (None: the run fails as
        interrupted); otherwise the outcome is awaited as a live attempt would (`_wait`:
        published, sent to the inbox, or TikTok's refusal).
        """
        cp = ctx.checkpoint
        publish_id = cp.get("publishId")
        if not publish_id:
            return self.find_existing(ctx, armed_at)
        http = self.http(ctx.account)
        data = self._status(http, publish_id)
        status = data.get("status")
        upload = cp.get("upload")
        missing_bytes = upload is not None and int(data.get("uploaded_bytes") or 0) < int(upload.get("size") or 0)
        if status == "FAILED" or (status == "PROCESSING_UPLOAD" and missing_bytes):
            return None
        return self._wait(ctx, http)

    # -- the init (the create) ----------------------------------------------------------
    def _creator_info(self, http: PlatformHttp) -> dict[str, Any]:
        return self._data(http.request("POST", self._api("post/publish/creator_info/query/")))

    def _initialize(self, ctx: PublishContext, http: PlatformHttp) -> None:
        info = self._creator_info(http)
        options = ctx.content.options or {}
        privacy = self._privacy(info, options)
        username = info.get("creator_username")
        if ctx.content.media_type == "video" and ctx.content.videos:
            endpoint, body, plan, upload = self._video_request(ctx, info, options, privacy)
        elif ctx.content.media_type == "image" and ctx.content.images:
            endpoint, body, plan, upload = self._photo_request(ctx, info, options, privacy)
        else:
            raise PermanentError("TikTok posts need a video or photos; text-only posts do not exist on TikTok",
                                 code="media_required")
        plan = plan | {"username": username, "privacy": privacy}

        def create() -> PublishedPost:
            if plan.get("source") == "PULL_FROM_URL":
                plan["grants"] = self._grant_urls(ctx, body)  # this init's own media URLs
            ctx.save(plan=plan)  # what find_existing needs to judge this init if its answer is lost
            try:
                response = http.request("POST", self._api(endpoint), json=body)
            except PublishError as error:
                if error.code not in _UNANSWERED:
                    ctx.save(createArmedAt=None)  # TikTok answered with a refusal: nothing was created
                raise
            data = self._data(response)
            publish_id = data.get("publish_id")
            if not publish_id:
                raise RetryableError("TikTok's init answer carried no publish_id", code="platform_unavailable")
            changes: dict[str, Any] = {"publishId": publish_id, "sessions": int(ctx.checkpoint.get("sessions", 0)) + 1}
            if upload is not None:
                changes["upload"] = upload | {"url": data.get("upload_url"), "nextChunk": 0, "done": False,
                                              "startedAt": clock.now().isoformat()}
            ctx.accepted(**changes)  # from here on a retry resumes this publish instead of making another
            return PublishedPost(publish_id, None)

        ctx.create_once(create)

    @staticmethod
    def _grant_urls(ctx: PublishContext, body: dict[str, Any]) -> list[str]:
        """This attempt's own URLs for the media TikTok pulls (media/pull_grants.py), put in the
        init's body; their tokens, for find_existing to ask whether TikTok fetched them."""
        source = body["source_info"]
        items = ctx.content.videos[:1] if "video_url" in source else ctx.content.images
        tokens = [pull_grants.issue(str(item["mediaId"]), ctx.run_path) for item in items]
        if "video_url" in source:
            source["video_url"] = pull_grants.granted_url(source["video_url"], tokens[0])
        else:
            source["photo_images"] = [pull_grants.granted_url(url, token)
                                      for url, token in zip(source["photo_images"], tokens)]
        return tokens

    def _privacy(self, info: dict[str, Any], options: dict[str, Any]) -> str:
        offered = [p for p in info.get("privacy_level_options") or [] if isinstance(p, str)]
        wanted = options.get("privacyLevel")
        if wanted:
            if wanted not in offered:
                raise PermanentError(
                    f"This TikTok account does not offer privacy level {wanted}; its allowed values are "
                    f"{', '.join(offered) or 'none'} (TikTok's privacy_level_options)",
                    code="privacy_level_option_mismatch")
            return wanted
        if DEFAULT_PRIVACY in offered:
            return DEFAULT_PRIVACY
        raise PermanentError(
            f"No privacyLevel was given and this TikTok account does not offer {DEFAULT_PRIVACY}; set "
            f"options.tiktok.privacyLevel to one of {', '.join(offered) or 'none'}",
            code="privacy_level_option_mismatch")

    @staticmethod
    def _interactions(info: dict[str, Any], options: dict[str, Any], video: bool) -> dict[str, Any]:
        """disable_* as asked, and always on where the creator has turned the interaction off."""
        fields = {"disable_comment": bool(options.get("disableComment")) or bool(info.get("comment_disabled"))}
        if video:
            fields["disable_duet"] = bool(options.get("disableDuet")) or bool(info.get("duet_disabled"))
            fields["disable_stitch"] = bool(options.get("disableStitch")) or bool(info.get("stitch_disabled"))
        return fields

    @staticmethod
    def _brand(options: dict[str, Any], privacy: str) -> dict[str, Any]:
        if options.get("brandContentToggle") and privacy == "SELF_ONLY":
            raise PermanentError("TikTok does not allow branded content (brandContentToggle) to be private: "
                                 "set options.tiktok.privacyLevel to a public level the account offers",
                                 code="invalid_options")
        return {"brand_content_toggle": bool(options.get("brandContentToggle")),
                "brand_organic_toggle": bool(options.get("brandOrganicToggle"))}

    def _video_request(self, ctx: PublishContext, info: dict[str, Any], options: dict[str, Any], privacy: str):
        item = ctx.content.videos[0]
        media = open_media(item)
        if media.content_type.lower() not in VIDEO_TYPES:
            raise PermanentError(f"TikTok takes MP4, WebM or MOV videos; this one is {media.content_type}",
                                 code="unsupported_media")
        if media.size > LIMITS.max_video_bytes:
            raise PermanentError(f"TikTok takes videos up to {LIMITS.max_video_bytes // MB} MB; this one is "
                                 f"{media.size / MB:.0f} MB", code="media_too_large")
        duration = item.get("durationSec") or item.get("duration")
        limit = info.get("max_video_post_duration_sec")
        if isinstance(duration, (int, float)) and isinstance(limit, (int, float)) and duration > limit:
            raise PermanentError(f"This TikTok account can post videos up to {limit} s; this one is {duration} s",
                                 code="video_too_long")
        title = ctx.content.text or ""
        if _utf16_len(title) > LIMITS.max_video_title:
            raise PermanentError(f"TikTok video captions are limited to {LIMITS.max_video_title} characters",
                                 code="text_too_long")
        post_info: dict[str, Any] = {"title": title, "privacy_level": privacy,
                                     **self._interactions(info, options, video=True), **self._brand(options, privacy),
                                     "is_aigc": bool(options.get("isAigc"))}
        if options.get("videoCoverTimestampMs") is not None:
            post_info["video_cover_timestamp_ms"] = int(options["videoCoverTimestampMs"])
        if is_verified_url(media.public_url):
            source = {"source": "PULL_FROM_URL", "video_url": media.public_url}
            return "post/publish/video/init/", {"post_info": post_info, "source_info": source}, \
                {"kind": "video", "source": "PULL_FROM_URL"}, None
        chunk_size, count = plan_chunks(media.size)
        source = {"source": "FILE_UPLOAD", "video_size": media.size, "chunk_size": chunk_size,
                  "total_chunk_count": count}
        upload = {"size": media.size, "chunkSize": chunk_size, "count": count}
        return "post/publish/video/init/", {"post_info": post_info, "source_info": source}, \
            {"kind": "video", "source": "FILE_UPLOAD"}, upload

    def _photo_request(self, ctx: PublishContext, info: dict[str, Any], options: dict[str, Any], privacy: str):
        images = ctx.content.images
        if not LIMITS.min_photos <= len(images) <= LIMITS.max_photos:
            raise PermanentError(f"TikTok photo posts take {LIMITS.min_photos} to {LIMITS.max_photos} images; "
                                 f"this post has {len(images)}", code="too_many_media")
        urls = []
        for index, item in enumerate(images):
            media = open_media(item)  # the object must exist; TikTok pulls it from its public URL
            if media.content_type.lower() not in PHOTO_TYPES:
                raise PermanentError(f"TikTok photo posts take JPEG or WebP images; image {index + 1} is "
                                     f"{media.content_type}", code="unsupported_media")
            if media.size > LIMITS.max_photo_bytes:
                raise PermanentError(f"TikTok takes photos up to {LIMITS.max_photo_bytes // MB} MB; image "
                                     f"{index + 1} is {media.size / MB:.1f} MB", code="media_too_large")
            urls.append(media.public_url)
        cover = int(options.get("photoCoverIndex") or 0)
        if cover >= len(urls):
            raise PermanentError(f"photoCoverIndex {cover} is out of range: the post has {len(urls)} images",
                                 code="invalid_options")
        description = ctx.content.text or ""
        if _utf16_len(description) > LIMITS.max_photo_description:
            raise PermanentError(f"TikTok photo descriptions are limited to {LIMITS.max_photo_description} "
                                 "characters", code="text_too_long")
        post_info: dict[str, Any] = {"title": options.get("title") or "", "description": description,
                                     "privacy_level": privacy, **self._interactions(info, options, video=False),
                                     "auto_add_music": bool(options.get("autoAddMusic")),
                                     **self._brand(options, privacy)}
        body = {"media_type": "PHOTO", "post_mode": "DIRECT_POST", "post_info": post_info,
                "source_info": {"source": "PULL_FROM_URL", "photo_images": urls, "photo_cover_index": cover}}
        return "post/publish/content/init/", body, {"kind": "photo", "source": "PULL_FROM_URL"}, None

    # -- FILE_UPLOAD ------------------------------------------------------------------
    def _upload(self, ctx: PublishContext, http: PlatformHttp, upload: dict[str, Any]) -> None:
        started = datetime.fromisoformat(upload["startedAt"])
        if clock.now() - started > timedelta(seconds=LIMITS.upload_url_ttl_s - 60):
            self._session_gone(ctx, http, upload, "The TikTok upload URL has expired")
            return
        media = open_media(ctx.content.videos[0])
        size, chunk_size, count = upload["size"], upload["chunkSize"], upload["count"]
        if media.size != size:
            raise PermanentError("The video changed while it was being uploaded", code="media_unavailable")
        ranges = chunk_ranges(size, chunk_size, count)
        first = int(upload.get("nextChunk", 0))
        if upload.get("attempted"):
            first = self._resume_point(ctx, http, ranges, first)
        upload["attempted"] = True
        if first >= count:
            # TikTok has every byte (an attempt died after its last chunk was taken, before it
            # recorded so): sending a chunk again would be refused ("All chunks were already
            # received"); the status poll takes it from here.
            upload["nextChunk"], upload["done"] = count, True
        ctx.save(upload=upload)
        client = PlatformHttp(_upload_classify)  # the upload URL carries its own token
        for index in range(first, count):
            start, end = ranges[index]
            try:
                response = client.request("PUT", upload["url"], headers={
                    "Content-Type": media.content_type, "Content-Length": str(end - start),
                    "Content-Range": f"bytes {start}-{end - 1}/{size}"}, content=_stream(media, start, end))
            except _UploadSessionGone as gone:
                self._session_gone(ctx, http, upload, gone.message)
                return
            last = index == count - 1
            if last and response.status_code not in (200, 201):
                raise RetryableError(f"TikTok did not confirm the complete upload ({response.status_code}); "
                                     "will resume", code="upload_incomplete")
            upload["nextChunk"] = index + 1
            upload["done"] = last
            ctx.save(upload=upload)  # a retry resumes after this chunk

    def _resume_point(self, ctx: PublishContext, http: PlatformHttp, ranges: list[tuple[int, int]],
                      checkpointed: int) -> int:
        """Where a resumed upload starts: after the bytes TikTok reports, else after the checkpoint."""
        data = self._status(http, ctx.checkpoint["publishId"])
        if data.get("status") == "FAILED":
            raise _UploadSessionGone(f"TikTok dropped the upload ({data.get('fail_reason') or 'FAILED'})")
        uploaded = data.get("uploaded_bytes")
        if isinstance(uploaded, int):
            if uploaded >= ranges[-1][1]:
                return len(ranges)  # every byte is there
            for index, (start, _) in enumerate(ranges):
                if start == uploaded:
                    return index
        return checkpointed

    def _session_gone(self, ctx: PublishContext, http: PlatformHttp, upload: dict[str, Any], why: str) -> None:
        """The upload URL takes no more bytes (older than its hour, or a chunk answered 403/404/410).

        That says nothing about how far the upload got: the last chunk may have landed in an
        attempt that died before recording it, and TikTok is then publishing the video. So
        before the session is dropped TikTok's status is asked (`status`, `uploaded_bytes`:
        developers.tiktok.com/doc/content-posting-api-reference-get-video-status). Every byte
        there, or the publish past PROCESSING_UPLOAD (PROCESSING_DOWNLOAD, PUBLISH_COMPLETE,
        SEND_TO_USER_INBOX, …): the upload is done and the status wait takes over. Only a
        FAILED publish, or one still missing bytes (which can never become a post), is dropped
        (_UploadSessionGone: a new init follows).
        """
        data = self._status(http, ctx.checkpoint["publishId"])
        status = data.get("status")
        uploaded = data.get("uploaded_bytes")
        size = int(upload["size"])
        if status == "FAILED":
            raise _UploadSessionGone(f"{why}; TikTok dropped the upload ({data.get('fail_reason') or 'FAILED'})")
        if not status or (status == "PROCESSING_UPLOAD" and not isinstance(uploaded, int)):
            # Without an answer to "how far did it get", dropping the session could post twice.
            raise RetryableError(f"{why}, and TikTok's status does not say how much of the upload it has; "
                                 "will ask again", code="platform_unavailable")
        if status == "PROCESSING_UPLOAD" and uploaded < size:
            raise _UploadSessionGone(f"{why}; TikTok has {uploaded} of its {size} bytes")
        upload["nextChunk"], upload["done"] = upload["count"], True
        ctx.save(upload=upload)

    def _discard_session(self, ctx: PublishContext) -> None:
        # Safe only because an incomplete upload (or a FAILED publish) can never become a post.
        ctx.save(publishId=None, upload=None, createArmedAt=None)

    # -- status ---------------------------------------------------------------------------
    @staticmethod
    def _published(ctx: PublishContext, publish_id: str, post_id: str, url: str | None,
                   url_unavailable: str | None) -> PublishedPost:
        """The run's result: TikTok's video id and URL when it gave them, else the publish_id
        and why there is no URL; `publishId` always."""
        ctx.report(publishId=publish_id, urlUnavailable=url_unavailable)
        return PublishedPost(post_id, url)

    def _status(self, http: PlatformHttp, publish_id: str) -> dict[str, Any]:
        return self._data(http.request("POST", self._api("post/publish/status/fetch/"),
                                       json={"publish_id": publish_id}))

    def _wait(self, ctx: PublishContext, http: PlatformHttp) -> PublishedPost:
        cp = ctx.checkpoint
        publish_id = cp["publishId"]
        plan = cp.get("plan") or {}
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        moderation_deadline: datetime | None = None
        interval = LIMITS.first_poll_s
        while True:
            data = self._status(http, publish_id)
            status = data.get("status")
            if status == "PUBLISH_COMPLETE":
                ids = [str(i) for i in data.get("publicaly_available_post_id") or []]
                if ids:
                    url = self.post_url(plan.get("username"), ids[0])
                    return self._published(ctx, publish_id, ids[0], url, None if url else "no_username")
                if plan.get("privacy") == "SELF_ONLY":  # private posts never get a public id
                    return self._published(ctx, publish_id, publish_id, None, "private")
                moderation_deadline = moderation_deadline or clock.now() + timedelta(seconds=LIMITS.moderation_wait_s)
                if clock.now() > moderation_deadline:  # published; the public id comes after moderation
                    return self._published(ctx, publish_id, publish_id, None, "moderation")
            elif status == "SEND_TO_USER_INBOX":
                # Not posted: TikTok put the video in the creator's inbox, to finish (or not) in the app.
                raise UnconfirmedError(
                    "TikTok sent this video to the creator's TikTok inbox instead of posting it: it is not public "
                    "until they finish posting it in the TikTok app", code="sent_to_creator_inbox",
                    report={"publishId": publish_id})
            elif status == "FAILED":
                reason = str(data.get("fail_reason") or "unknown")
                error = error_for(reason, "")
                # FAILED is final and a FAILED publish never posts: forget it, whatever the reason,
                # so that whatever tries next (this run's next attempt, or a POST /retry of the
                # failed run, say after the daily cap reset) makes a new init instead of polling
                # this publish_id again and failing the same way.
                self._discard_session(ctx)
                if not isinstance(error, (RetryableError, NeedsReconnectError)) and error.code == "publish_rejected":
                    error = PermanentError(f"TikTok could not process the media: {reason}",
                                           code="media_processing_failed")
                raise error
            if clock.now() > deadline:
                raise RetryableError(f"TikTok is still processing the post ({status}); will check again",
                                     code="media_processing")
            ctx.sleep(interval)
            interval = min(interval * 2, LIMITS.max_poll_interval_s)


PUBLISHER = TikTokPublisher  # what the registry (shared/platforms/loader.py) instantiates
