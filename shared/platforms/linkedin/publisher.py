"""LinkedIn (Posts, Images and Videos APIs): upload, wait for AVAILABLE, then POST /rest/posts.

Flow (reference/platform-apis.md §7):
- images: `POST /rest/images?action=initializeUpload` → one PUT of the whole
  file (streamed from storage) to the returned `uploadUrl`;
- video: `POST /rest/videos?action=initializeUpload` with `fileSizeBytes` →
  `uploadInstructions` (one `uploadUrl` per byte range); each range is PUT to
  its own URL and its `ETag` checkpointed, so a retry resumes after the last
  part LinkedIn has; `finalizeUpload` with the ETags in order;
- every media item is polled (`GET /rest/images|videos/{urn}`) until
  AVAILABLE (or PROCESSING_FAILED, which is permanent);
- `POST /rest/posts` → 201 with the post URN in `x-restli-id`. LinkedIn has no
  idempotency key, so the create goes through `ctx.create_once`, and an
  interrupted create is reconciled with the posts finder by author.

Once published, `options.linkedin.firstComment` is posted by the post's author under it
(the Comments API), once: publishing/first_comment.py.

Every `/rest` call carries `LinkedIn-Version` (settings: SOKU_LINKEDIN_VERSION)
and `X-Restli-Protocol-Version: 2.0.0`. The author is the member
(`urn:li:person:{platformUserId}`) unless the account document says
`authorType: "organization"` with an `organizationId`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.linkedin.manifest import (
    IMAGE_FORMATS,
    MAX_COMMENTARY,
    MAX_IMAGES,
    MAX_VIDEO_BYTES,
    MAX_VIDEOS,
    MB,
    MIN_MULTI_IMAGES,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.first_comment import post_first_comment
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import StoredMedia, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, before_window, in_window, linkedin_text_matches


@dataclass(frozen=True)
class LinkedInLimits:
    # What LinkedIn accepts, as its manifest states it (manifest.py, with sources).
    max_commentary: int = MAX_COMMENTARY  # characters of "little" text (counted as displayed: unverified)
    min_multi_images: int = MIN_MULTI_IMAGES
    max_images: int = MAX_IMAGES  # multiImage: 2–20
    max_videos: int = MAX_VIDEOS
    max_video_bytes: int = MAX_VIDEO_BYTES
    image_types: tuple[str, ...] = IMAGE_FORMATS
    stream_chunk_bytes: int = 4 * 1024 * 1024  # at most this much of a file in memory
    processing_timeout_s: float = 5 * 60  # then retry later: the checkpoint resumes the polling
    first_poll_interval_s: float = 0.5
    max_poll_interval_s: float = 10.0
    # Posts a page of the posts finder when reconciling an interrupted create: `count` is at
    # most 100 (learn.microsoft.com, Posts API, "Find Posts by Authors": count, max 100).
    finder_count: int = 100


LIMITS = LinkedInLimits()
# An image's altText in a post's content: at most 4,086 characters [unverified: LinkedIn's Posts API
# reference (learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api, MediaContent
# and MultiImage's altText), from memory; the docs search could not show the page]. The sandbox refuses
# longer (devstack/sandboxes/linkedin/__init__.py).
MAX_ALT_TEXT = 4086
RESTLI_PROTOCOL = "2.0.0"
# "little" text: these must be backslash-escaped to be plain text (else LinkedIn may cut the post).
RESERVED = frozenset("\\|{}@[]()<>#*_~")
_TOKEN_CODES = {"EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"}


def escape_commentary(text: str) -> str:
    """Escape 'little' text reserved characters; `#word` hashtags stay hashtags."""
    out: list[str] = []
    for index, ch in enumerate(text):
        if ch == "#" and index + 1 < len(text) and text[index + 1].isalnum():
            out.append(ch)  # a hashtag element (its word holds no reserved characters)
        elif ch in RESERVED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _codes(body: dict) -> set[str]:
    codes = {body["code"]} if isinstance(body.get("code"), str) else set()
    details = body.get("errorDetails")
    if isinstance(details, dict):
        for item in details.get("inputErrors") or []:
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                codes.add(item["code"])
    return codes


def _message(response: httpx.Response, body: dict) -> str:
    for key in ("message", "error_description", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return response.text[:300] or f"HTTP {response.status_code}"


def _rate_limit_retry_after(response: httpx.Response, message: str) -> float | None:
    header = retry_after_seconds(response)
    if header is not None:
        return header
    if " DAY limit" in message:
        # LinkedIn's limits are per day and reset at midnight UTC (developer portal).
        now = clock.now().astimezone(timezone.utc)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return (midnight - now).total_seconds()
    return None


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    if status < 300:
        return None
    body = _body(response)
    codes = _codes(body)
    message = _message(response, body)
    if status == 426 or "NONEXISTENT_VERSION" in codes:
        version = response.request.headers.get("LinkedIn-Version", "?")
        return PermanentError(
            f"LinkedIn no longer serves API version {version} ({message}). This is a Soku configuration "
            "problem, not your post: set SOKU_LINKEDIN_VERSION to an active version (YYYYMM); see "
            "https://learn.microsoft.com/linkedin/marketing/versioning", code="platform_version_unsupported")
    if status == 429:
        return RetryableError(f"LinkedIn rate limit: {message}", code="rate_limited",
                              retry_after=_rate_limit_retry_after(response, message))
    if status == 401 or codes & _TOKEN_CODES:
        return NeedsReconnectError(f"LinkedIn rejected the account's authorization: {message}")
    if "DUPLICATE_POST" in codes or (status == 422 and "duplicate" in message.lower()):
        return PermanentError(message, code="duplicate_content")
    if status >= 500:
        return RetryableError(f"LinkedIn is unavailable ({status}): {message}", code="platform_unavailable")
    if status == 403:
        return PermanentError(f"LinkedIn refused the request: {message} (the account may lack the "
                              "permission, e.g. not an admin of the organization page)", code="publish_rejected")
    if 400 <= status < 500 and status not in (408, 425):
        return PermanentError(f"LinkedIn refused the request ({status}): {message}", code="publish_rejected")
    return None


class _StatusUnreadable(PermanentError):
    """403 on a media status read: personal tokens may not read image status (Postiz)."""


def _status_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code == 403:
        return _StatusUnreadable(_message(response, _body(response)))
    return classify(response)


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    if response.status_code in (400, 401):
        return NeedsReconnectError("LinkedIn refused to refresh the account's authorization: "
                                   f"{_message(response, _body(response))}")
    return None


def _alt_text(item: dict) -> dict[str, str]:
    """An image's altText in a post's content (images only: a video's is not sent)."""
    alt = item.get("altText")
    if not alt or item.get("kind") != "image":
        return {}
    return {"altText": str(alt)[:MAX_ALT_TEXT]}


def _from_ms(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _stream(media: StoredMedia, start: int, end: int) -> Iterator[bytes]:
    """Bytes [start, end) of the stored object, one bounded ranged read at a time."""
    offset = start
    while offset < end:
        stop = min(end, offset + LIMITS.stream_chunk_bytes)
        yield media.read(offset, stop)
        offset = stop


class LinkedInPublisher:
    platform = Platform.LINKEDIN
    # How long a listing may trail a create (the posts finder by author): publishing/base.py
    # waits it out before trusting a lookup's miss. No platform publishes a figure; this is our
    # margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self) -> str:
        return f"{get_settings().platform_hosts['linkedin_api']}/rest"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {
            "Authorization": f"Bearer {account.tokens.access_token}",
            "LinkedIn-Version": get_settings().linkedin_version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL,
        })

    def _upload_http(self, account: Account, url: str, with_auth: bool) -> PlatformHttp:
        """Upload URLs come from LinkedIn: the bearer token goes only to LinkedIn's own hosts."""
        host = (urlsplit(url).hostname or "").lower()
        api_host = (urlsplit(get_settings().platform_hosts["linkedin_api"]).hostname or "").lower()
        trusted = host == api_host or host == "linkedin.com" or host.endswith(".linkedin.com")
        if not trusted:
            raise PermanentError(f"LinkedIn returned an upload URL on an unexpected host ({host})",
                                 code="publish_rejected")
        return PlatformHttp(classify, (lambda: {"Authorization": f"Bearer {account.tokens.access_token}"})
                            if with_auth else None)

    def post_url(self, urn: str) -> str:
        return f"{get_settings().platform_hosts['linkedin_web']}/feed/update/{urn}"

    @staticmethod
    def author_urn(account: Account) -> str:
        if account.data.get("authorType") == "organization":
            organization = str(account.data.get("organizationId") or "").strip()
            if not organization:
                raise PermanentError(f"The LinkedIn account {account.account_id} posts as an organization "
                                     "but has no organizationId; reconnect it", code="account_misconfigured")
            return organization if organization.startswith("urn:li:organization:") else \
                f"urn:li:organization:{organization}"
        return f"urn:li:person:{account.platform_user_id}"

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        # Only apps approved for programmatic refresh get refresh tokens (unverified); without
        # one the runner never calls this, and a 401 means reconnect.
        settings = get_settings()
        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{settings.platform_hosts['linkedin_oauth']}/oauth/v2/accessToken", data={
                "grant_type": "refresh_token",
                "refresh_token": account.tokens.refresh_token or "",
                "client_id": settings.platform_client_ids.get("linkedin", ""),
                "client_secret": settings.platform_client_secrets.get("linkedin", ""),
            })
        body = response.json()
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 5_184_000))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        author = self.author_urn(ctx.account)
        commentary = escape_commentary(ctx.content.text)
        if ctx.content.media_type == "video":
            items = ctx.content.videos[: LIMITS.max_videos]
        elif ctx.content.media_type == "image":
            items = ctx.content.images[: LIMITS.max_images]
        else:
            items = []
        urns = [self._upload(ctx, http, author, index, item) for index, item in enumerate(items)]
        payload: dict[str, Any] = {
            "author": author,
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        # The media's alt text (PATCH /v1/media/{id}) is an image's altText in the post's content
        # (content.media.altText, content.multiImage.images[].altText), cut to MAX_ALT_TEXT.
        media = [{"id": urn} | _alt_text(item) for urn, item in zip(urns, items)]
        if len(media) == 1:
            payload["content"] = {"media": media[0]}
        elif media:
            payload["content"] = {"multiImage": {"images": media}}

        def create() -> PublishedPost:
            response = http.request("POST", f"{self._api()}/posts", json=payload)
            urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
            if not urn:
                # Created, but we cannot tell which post it is: let the next attempt reconcile.
                raise RetryableError("LinkedIn created the post without returning its id",
                                     code="platform_unavailable")
            return PublishedPost(urn, self.post_url(urn))

        post = ctx.create_once(create)
        self._first_comment(ctx, http, author, post)
        return post

    def _first_comment(self, ctx: PublishContext, http: PlatformHttp, author: str, post: PublishedPost) -> None:
        """The Comments API (learn.microsoft.com/linkedin/marketing/community-management/shares/
        comments-api): `POST /rest/socialActions/{url-encoded post URN}/comments` with the post's
        author as `actor`, the post as `object` and `message.text` → 201 with the comment (its
        `commentUrn`, else the URN in `x-restli-id`, else its `id`). An armed comment is looked for
        first among the post's comments by its actor and text (publishing/first_comment.py)."""
        url = f"{self._api()}/socialActions/{quote(post.post_id, safe='')}/comments"

        def send(text: str) -> str:
            response = http.request("POST", url, json={"actor": author, "object": post.post_id,
                                                       "message": {"text": text}})
            body = _body(response)
            return str(body.get("commentUrn") or response.headers.get("x-restli-id") or body.get("id") or "")

        def find(text: str) -> str | None:
            # One page of LinkedIn's largest (100): a first comment is among a post's first.
            listed = http.request("GET", url, params={"start": 0, "count": 100}).json()
            return next((str(c.get("commentUrn") or c["id"]) for c in listed.get("elements") or []
                         if c.get("actor") == author and (c.get("message") or {}).get("text") == text), None)

        post_first_comment(ctx, send, find)

    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The author's post made in the window whose commentary, decoded from the little text
        LinkedIn returns (escapes, `{hashtag|\\#|tag}` templates), is our text."""
        http = self.http(ctx.account)
        author = self.author_urn(ctx.account)
        try:
            elements = list(self._posts_since(http, author, armed_at))
        except PermanentError as error:
            if error.code != "publish_rejected":
                raise
            # Reading posts back needs r_member_social / r_organization_social. Without it we
            # cannot know whether the interrupted create went through, and must not guess.
            raise PermanentError(
                "A previous attempt may already have published this post, and LinkedIn did not let "
                f"Soku check ({error.message}). Look at the LinkedIn feed before retrying.",
                code="publish_outcome_unknown") from error
        matches = []
        for element in elements:
            created = _from_ms(element.get("createdAt") or element.get("publishedAt"))
            if ((element.get("author") or author) == author and in_window(created, armed_at)
                    and linkedin_text_matches(ctx.content.text, element.get("commentary"))):
                matches.append((created, str(element["id"])))
        if not matches:
            return None
        _, urn = min(matches)  # the first one made after the create was armed
        return PublishedPost(urn, self.post_url(urn))

    def _posts_since(self, http: PlatformHttp, author: str, armed_at: datetime) -> Iterator[dict]:
        """The author's posts, most recently modified first, page by page until one was last
        modified before the window (so was created before it too) or LOOKUP_PAGES were read.

        Rest.li offset paging (learn.microsoft.com, "API Pagination" and Posts API "Find Posts
        by Authors"): `start` is the index of the first element, `count` the page size; the
        response's `paging` has `start`, `count` and, when LinkedIn knows it, `total`. A page
        shorter than `count` (or `start + count` reaching `total`) is the last one."""
        start = 0
        for _ in range(LOOKUP_PAGES):
            # Rest.li 2.0 wants the URN encoded inside the query string.
            url = (f"{self._api()}/posts?q=author&author={quote(author, safe='')}"
                   f"&start={start}&count={LIMITS.finder_count}&sortBy=LAST_MODIFIED")
            body = http.request("GET", url, headers={"X-RestLi-Method": "FINDER"}).json()
            elements = body.get("elements") or []
            for element in elements:
                modified = _from_ms(element.get("lastModifiedAt") or element.get("createdAt")
                                    or element.get("publishedAt"))
                if before_window(modified, armed_at):
                    return  # sorted by LAST_MODIFIED: every later post is older still
                yield element
            paging = body.get("paging") or {}
            start += LIMITS.finder_count
            total = paging.get("total")
            if len(elements) < LIMITS.finder_count or (isinstance(total, int) and start >= total):
                return

    # -- taking a post down ---------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /rest/posts/{url-encoded post URN}` → 204 (learn.microsoft.com/linkedin/marketing/
        community-management/shares/posts-api, "Delete Posts": the share or ugcPost URN; our
        publisher stores the `x-restli-id` it got, `urn:li:share:…`). Deleting is idempotent there:
        a post deleted before answers 204 again; should LinkedIn answer 404 or 410 instead, the
        post is gone all the same."""
        http = for_deletion(self.http(account), "LinkedIn", lambda response: response.status_code in (404, 410))
        http.request("DELETE", f"{self._api()}/posts/{quote(post_id, safe='')}",
                     headers={"X-RestLi-Method": "DELETE"})

    # -- media ------------------------------------------------------------------------
    def _upload(self, ctx: PublishContext, http: PlatformHttp, owner: str, index: int, item: dict) -> str:
        uploads: dict[str, Any] = ctx.checkpoint.setdefault("uploads", {})
        state = uploads.get(str(index))
        if state and state.get("ready") and state.get("owner") == owner:
            return state["urn"]  # uploaded and processed by an earlier attempt
        if state and state.get("owner") != owner:
            state = None  # the account now posts as someone else: its media must be owned anew
        media = open_media(item)
        if item.get("kind") == "video":
            return self._upload_video(ctx, http, owner, index, media, uploads, state)
        return self._upload_image(ctx, http, owner, index, media, uploads, state)

    @staticmethod
    def _expired(state: dict) -> bool:
        expires = state.get("expiresAtMs")
        return expires is not None and expires / 1000 <= (clock.now() + timedelta(minutes=5)).timestamp()

    def _upload_image(self, ctx: PublishContext, http: PlatformHttp, owner: str, index: int,
                      media: StoredMedia, uploads: dict, state: dict | None) -> str:
        if media.content_type not in LIMITS.image_types:
            raise PermanentError(f"LinkedIn accepts JPG, PNG and GIF images; this one is {media.content_type}",
                                 code="media_unsupported")
        if not state or (not state.get("uploaded") and self._expired(state)):
            response = http.request("POST", f"{self._api()}/images", params={"action": "initializeUpload"},
                                    json={"initializeUploadRequest": {"owner": owner}})
            value = response.json()["value"]
            state = {"kind": "image", "owner": owner, "urn": value["image"], "uploadUrl": value["uploadUrl"],
                     "expiresAtMs": value.get("uploadUrlExpiresAt"), "uploaded": False, "ready": False}
            uploads[str(index)] = state
            ctx.save(uploads=uploads)
        if not state["uploaded"]:
            upload = self._upload_http(ctx.account, state["uploadUrl"], with_auth=True)
            upload.request("PUT", state["uploadUrl"], content=_stream(media, 0, media.size),
                           headers={"Content-Type": "application/octet-stream",
                                    "Content-Length": str(media.size)})
            state["uploaded"] = True
            ctx.save(uploads=uploads)
        self._wait_until_available(ctx, http, state["urn"], "images")
        state["ready"] = True
        ctx.save(uploads=uploads)
        return state["urn"]

    def _upload_video(self, ctx: PublishContext, http: PlatformHttp, owner: str, index: int,
                      media: StoredMedia, uploads: dict, state: dict | None) -> str:
        if media.size > LIMITS.max_video_bytes:
            raise PermanentError(f"LinkedIn accepts videos up to {LIMITS.max_video_bytes // MB} MB; "
                                 f"this one is {media.size} bytes", code="media_too_large")
        if not state or (not state.get("finalized") and self._expired(state)):
            response = http.request("POST", f"{self._api()}/videos", params={"action": "initializeUpload"},
                                    json={"initializeUploadRequest": {
                                        "owner": owner, "fileSizeBytes": media.size,
                                        "uploadCaptions": False, "uploadThumbnail": False}})
            value = response.json()["value"]
            parts = [{"url": p["uploadUrl"], "first": int(p["firstByte"]), "last": int(p["lastByte"])}
                     for p in value.get("uploadInstructions") or []]
            covered = sum(p["last"] - p["first"] + 1 for p in parts)
            if not parts or covered != media.size:
                raise RetryableError(f"LinkedIn's upload instructions cover {covered} of {media.size} bytes",
                                     code="platform_unavailable")
            state = {"kind": "video", "owner": owner, "urn": value["video"],
                     "uploadToken": value.get("uploadToken") or "", "parts": parts, "etags": [],
                     "expiresAtMs": value.get("uploadUrlsExpireAt"), "finalized": False, "ready": False}
            uploads[str(index)] = state
            ctx.save(uploads=uploads)
        if not state["finalized"]:
            # Parts go in order; each ETag is saved as soon as LinkedIn has the part.
            for part in state["parts"][len(state["etags"]):]:
                upload = self._upload_http(ctx.account, part["url"], with_auth=False)
                length = part["last"] - part["first"] + 1
                response = upload.request("PUT", part["url"], content=_stream(media, part["first"], part["last"] + 1),
                                          headers={"Content-Type": "application/octet-stream",
                                                   "Content-Length": str(length)})
                etag = response.headers.get("ETag")
                if not etag:
                    raise RetryableError("LinkedIn accepted a video part without an ETag",
                                         code="platform_unavailable")
                state["etags"].append(etag)
                ctx.save(uploads=uploads)
            http.request("POST", f"{self._api()}/videos", params={"action": "finalizeUpload"},
                         json={"finalizeUploadRequest": {"video": state["urn"], "uploadToken": state["uploadToken"],
                                                         "uploadedPartIds": state["etags"]}})
            state["finalized"] = True
            ctx.save(uploads=uploads)
        self._wait_until_available(ctx, http, state["urn"], "videos")
        state["ready"] = True
        ctx.save(uploads=uploads)
        return state["urn"]

    def _wait_until_available(self, ctx: PublishContext, http: PlatformHttp, urn: str, collection: str) -> None:
        status_http = PlatformHttp(_status_classify, http.headers)
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        interval = LIMITS.first_poll_interval_s
        kind = "video" if collection == "videos" else "image"
        while True:
            try:
                response = status_http.request("GET", f"{self._api()}/{collection}/{quote(urn, safe='')}")
            except _StatusUnreadable:
                # Personal tokens cannot read image status (Postiz): give it one cycle, as Postiz does.
                ctx.sleep(LIMITS.max_poll_interval_s)
                return
            body = response.json()
            status = body.get("status")
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                reason = body.get("processingFailureReason") or "no reason given"
                raise PermanentError(f"LinkedIn could not process the {kind}: {reason}",
                                     code="media_processing_failed")
            if clock.now() > deadline:
                raise RetryableError(f"LinkedIn is still processing the {kind} ({status}); will check again",
                                     code="media_processing")
            ctx.sleep(interval)
            interval = min(interval * 2, LIMITS.max_poll_interval_s)


PUBLISHER = LinkedInPublisher  # what the registry (shared/platforms/loader.py) instantiates
