"""Pinterest (API v5): a Pin on a board, made once.

Flow (Pinterest's v5 OpenAPI, github.com/pinterest/api-description v5/openapi.json, and
developers.pinterest.com/docs/api-features/creating-boards-and-pins/):
- the board: the `boardId` option, else the account's only board (`GET /v5/boards`); an account
  with several boards and no `boardId` is refused (`board_required`) before anything is made. The
  board chosen is checkpointed, so a retry posts where the first attempt armed;
- images: Pinterest fetches them itself, `media_source` `image_url` (one) or
  `multiple_image_urls` (2-5, a carousel), from the media's public URL;
- video: `POST /v5/media {"media_type": "video"}` registers an upload → `media_id`, `upload_url`
  and `upload_parameters`, the fields of an S3-style form POST sent before the file; then
  `GET /v5/media/{media_id}` is polled until `status` is `succeeded` (`failed` is permanent).
  Each step is checkpointed: a retry neither registers nor uploads again;
- `POST /v5/pins` → 201 with the Pin (`id`). Pinterest has no idempotency key, so the create
  goes through `ctx.create_once`, and an interrupted create is reconciled by listing the board's
  Pins (`GET /v5/boards/{board_id}/pins`, bookmark-paged) and matching the description, title
  and link of one made inside the attempt's window.
Every call carries `Authorization: Bearer <access token>`; errors are `{code, message}`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx

from shared import clock
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.pinterest.manifest import (
    IMAGE_FORMATS,
    MAX_ALT_TEXT,
    MAX_CAROUSEL,
    MAX_IMAGE_BYTES,
    MAX_VIDEO_BYTES,
    MB,
    MIN_CAROUSEL,
)
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.deletion import for_deletion
from shared.services.publishing.errors import NeedsReconnectError, PermanentError, PublishError, RetryableError
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import StoredMediaFile, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, in_window, normalise


@dataclass(frozen=True)
class PinterestLimits:
    min_carousel: int = MIN_CAROUSEL
    max_carousel: int = MAX_CAROUSEL
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_video_bytes: int = MAX_VIDEO_BYTES
    processing_timeout_s: float = 5 * 60  # then retry later: the checkpoint resumes the polling
    first_poll_interval_s: float = 0.5
    max_poll_interval_s: float = 10.0
    # page_size is at most 250 (the OpenAPI's `query_page_size`); 100 keeps each page small.
    page_size: int = 100
    max_boards: int = 250
    # Pinterest's 429 carries no documented Retry-After; its limits are per minute
    # (developers.pinterest.com/docs/reference/rate-limits/): wait one out.
    rate_limit_backoff_s: float = 60.0


LIMITS = PinterestLimits()


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message(response: httpx.Response) -> str:
    body = _body(response)
    for key in ("message", "error_description", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return response.text[:300] or f"HTTP {response.status_code}"


def classify(response: httpx.Response) -> PublishError | None:
    """Pinterest's `{code, message}` errors → the taxonomy, by status (the codes are per endpoint)."""
    status = response.status_code
    if status < 300:
        return None
    message = _message(response)
    if status == 401:
        return NeedsReconnectError(f"Pinterest rejected the account's authorization: {message}")
    if status == 429:
        return RetryableError(f"Pinterest rate limit: {message}", code="rate_limited",
                              retry_after=retry_after_seconds(response) or LIMITS.rate_limit_backoff_s)
    if status >= 500 or status in (408, 425):
        return RetryableError(f"Pinterest is unavailable ({status}): {message}", code="platform_unavailable")
    if status == 403:
        return PermanentError(f"Pinterest refused the request: {message} (the account may lack a permission, "
                              "or the board is not its own)", code="publish_rejected")
    if status == 404 and "board" in message.lower():
        return PermanentError(f"Pinterest has no such board for this account: {message}", code="board_not_found")
    if 400 <= status < 500:
        return PermanentError(f"Pinterest refused the request ({status}): {message}", code="publish_rejected")
    return None


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    if response.status_code in (400, 401, 403):
        return NeedsReconnectError(f"Pinterest refused to refresh the account's authorization: {_message(response)}")
    return classify(response)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.now().tzinfo)


class PinterestPublisher:
    platform = Platform.PINTEREST
    # How long a board's Pin listing may trail a create: publishing/base.py waits it out before
    # trusting a lookup's miss. Pinterest publishes no figure; this is our margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self) -> str:
        return f"{get_settings().platform_hosts['pinterest_api']}/v5"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"})

    def pin_url(self, pin_id: str) -> str:
        return f"{get_settings().platform_hosts['pinterest_web']}/pin/{pin_id}/"

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        """`POST /v5/oauth/token` `grant_type=refresh_token`, Basic-authenticated with the app's id
        and secret (the OpenAPI's oauth/token, `security: basic`). A continuous refresh token
        comes back renewed; should none come back, the one we hold stays."""
        settings = get_settings()
        pair = (f"{settings.platform_client_ids.get('pinterest', '')}:"
                f"{settings.platform_client_secrets.get('pinterest', '')}").encode()
        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{self._api()}/oauth/token",
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
            data={"grant_type": "refresh_token", "refresh_token": account.tokens.refresh_token or ""})
        body = response.json()
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in") or 30 * 86400)))

    # -- boards -------------------------------------------------------------------------
    def boards(self, account: Account) -> list[dict[str, Any]]:
        """The account's boards (`GET /v5/boards`, bookmark-paged): id, name, privacy."""
        http = self.http(account)
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"page_size": LIMITS.page_size}
        while len(found) < LIMITS.max_boards:
            body = http.request("GET", f"{self._api()}/boards", params=params).json()
            for board in body.get("items") or []:
                found.append({"id": str(board.get("id")), "name": board.get("name"),
                              "privacy": board.get("privacy")})
            bookmark = body.get("bookmark")
            if not bookmark or not body.get("items"):
                break
            params = {"page_size": LIMITS.page_size, "bookmark": bookmark}
        return found[: LIMITS.max_boards]

    def _board(self, ctx: PublishContext) -> str:
        chosen = (ctx.content.options or {}).get("boardId")
        if chosen:
            return str(chosen)
        if ctx.checkpoint.get("boardId"):
            return str(ctx.checkpoint["boardId"])
        boards = self.boards(ctx.account)
        if len(boards) != 1:
            names = ", ".join(f"{b['name']} ({b['id']})" for b in boards[:10]) or "none"
            raise PermanentError(
                f"This Pinterest account has {len(boards)} boards ({names}): say which one the Pin goes on "
                "with post.content.options.pinterest.boardId (GET /v1/accounts/{accountId}/boards lists them)"
                if boards else "This Pinterest account has no board: create one on Pinterest first",
                code="board_required")
        ctx.save(boardId=boards[0]["id"])
        return boards[0]["id"]

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        http = self.http(ctx.account)
        board = self._board(ctx)
        payload = self._payload(ctx, board)
        payload["media_source"] = self._media_source(ctx, http)

        def create() -> PublishedPost:
            response = http.request("POST", f"{self._api()}/pins", json=payload)
            pin_id = str(response.json()["id"])
            ctx.accepted(pinId=pin_id)
            return PublishedPost(pin_id, self.pin_url(pin_id))

        return ctx.create_once(create)

    @staticmethod
    def _payload(ctx: PublishContext, board: str) -> dict[str, Any]:
        options = ctx.content.options or {}
        payload: dict[str, Any] = {"board_id": board}
        if ctx.content.text:
            payload["description"] = ctx.content.text
        for option, field in (("title", "title"), ("link", "link"), ("altText", "alt_text"),
                              ("dominantColor", "dominant_color")):
            if options.get(option) is not None:
                payload[field] = options[option]
        if "alt_text" not in payload:
            # What the Pin shows (its video, else its first image): that media's own alt text
            # (PATCH /v1/media/{id}), cut to Pinterest's 500 characters.
            content = ctx.content
            pictured = content.videos[:1] if content.media_type == "video" and content.videos else content.images[:1]
            alt = pictured[0].get("altText") if pictured else None
            if alt:
                payload["alt_text"] = alt[:MAX_ALT_TEXT]
        return payload

    def _media_source(self, ctx: PublishContext, http: PlatformHttp) -> dict[str, Any]:
        content = ctx.content
        if content.media_type == "video" and content.videos:
            media_id = self._upload_video(ctx, http, content.videos[0])
            source: dict[str, Any] = {"source_type": "video_id", "media_id": media_id}
            if content.images:  # an image beside the video is its cover
                source["cover_image_url"] = self._image_url(content.images[0])
            else:
                source["cover_image_key_frame_time"] = 0
            return source
        images = content.images[: LIMITS.max_carousel]
        if not images:
            raise PermanentError("A Pin needs an image or a video", code="media_required")
        if len(images) >= LIMITS.min_carousel:
            return {"source_type": "multiple_image_urls", "items": [{"url": self._image_url(i)} for i in images]}
        return {"source_type": "image_url", "url": self._image_url(images[0])}

    @staticmethod
    def _image_url(item: dict) -> str:
        media = open_media(item)  # the object exists; Pinterest fetches it from its public URL
        if media.content_type not in IMAGE_FORMATS:
            raise PermanentError(f"Pinterest takes JPEG and PNG images; this one is {media.content_type}",
                                 code="media_unsupported")
        if media.size > LIMITS.max_image_bytes:
            raise PermanentError(f"Pinterest takes images up to {LIMITS.max_image_bytes // MB} MB; this one is "
                                 f"{media.size / MB:.1f} MB", code="media_too_large")
        return media.public_url

    def _upload_video(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> str:
        state: dict[str, Any] | None = ctx.checkpoint.get("video")
        if state and state.get("ready"):
            return state["mediaId"]
        media = open_media(item)
        if media.size > LIMITS.max_video_bytes:
            raise PermanentError(f"Pinterest takes videos up to {LIMITS.max_video_bytes // MB} MB; this one is "
                                 f"{media.size / MB:.1f} MB", code="media_too_large")
        if not state:
            body = http.request("POST", f"{self._api()}/media", json={"media_type": "video"}).json()
            state = {"mediaId": str(body["media_id"]), "uploadUrl": body.get("upload_url"),
                     "parameters": body.get("upload_parameters") or {}, "uploaded": False, "ready": False}
            if not state["uploadUrl"]:
                raise RetryableError("Pinterest registered the video without an upload URL",
                                     code="platform_unavailable")
            ctx.save(video=state)
        if not state["uploaded"]:
            # The S3-style form: every upload parameter as a field, the file last. No bearer token:
            # the URL is storage's, authorized by the signed policy in the parameters.
            try:
                PlatformHttp(classify).request(
                    "POST", state["uploadUrl"], data={k: str(v) for k, v in state["parameters"].items()},
                    files={"file": ("video", StoredMediaFile(media), media.content_type)})
            except PermanentError as error:
                # Storage refused the form (a signed policy that expired, say): the next attempt
                # registers the video again rather than repeating a refused upload.
                ctx.save(video=None)
                raise RetryableError(f"Pinterest's upload storage refused the video: {error.message}",
                                     code="platform_unavailable") from error
            state["uploaded"] = True
            ctx.save(video=state)
        self._wait_until_processed(ctx, http, state["mediaId"])
        state["ready"] = True
        ctx.save(video=state)
        return state["mediaId"]

    def _wait_until_processed(self, ctx: PublishContext, http: PlatformHttp, media_id: str) -> None:
        deadline = clock.now() + timedelta(seconds=LIMITS.processing_timeout_s)
        interval = LIMITS.first_poll_interval_s
        while True:
            status = http.request("GET", f"{self._api()}/media/{media_id}").json().get("status")
            if status == "succeeded":
                return
            if status == "failed":
                raise PermanentError("Pinterest could not process the video", code="media_processing_failed")
            if clock.now() > deadline:
                raise RetryableError(f"Pinterest is still processing the video ({status}); will check again",
                                     code="media_processing")
            ctx.sleep(interval)
            interval = min(interval * 2, LIMITS.max_poll_interval_s)

    # -- reconciling ----------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        """The board's Pin made in the window whose description, title and link are the run's."""
        if ctx.checkpoint.get("pinId"):
            pin_id = str(ctx.checkpoint["pinId"])
            return PublishedPost(pin_id, self.pin_url(pin_id))
        board = self._board(ctx)
        options = ctx.content.options or {}
        wanted = (normalise(ctx.content.text), normalise(options.get("title")), (options.get("link") or "").strip())
        matches = []
        for pin in self._board_pins(self.http(ctx.account), board):
            created = _parse_time(pin.get("created_at"))
            listed = (normalise(pin.get("description")), normalise(pin.get("title")), (pin.get("link") or "").strip())
            if in_window(created, armed_at) and listed == wanted:
                matches.append((created, str(pin["id"])))
        if not matches:
            return None
        _, pin_id = min(matches)  # the first one made after the create was armed
        return PublishedPost(pin_id, self.pin_url(pin_id))

    def _board_pins(self, http: PlatformHttp, board: str) -> Iterator[dict]:
        """The board's Pins, page by page (`bookmark`), up to LOOKUP_PAGES pages. Pinterest does not
        document the listing's order, so no page is taken as the last before the bookmark ends."""
        params: dict[str, Any] = {"page_size": LIMITS.page_size}
        for _ in range(LOOKUP_PAGES):
            body = http.request("GET", f"{self._api()}/boards/{board}/pins", params=params).json()
            yield from body.get("items") or []
            bookmark = body.get("bookmark")
            if not bookmark or not body.get("items"):
                return
            params = {"page_size": LIMITS.page_size, "bookmark": bookmark}

    # -- taking a Pin down -----------------------------------------------------------------
    def delete_post(self, account: Account, post_id: str) -> None:
        """`DELETE /v5/pins/{pin_id}` → 204 (the OpenAPI's pins/delete, `pins:write`); a 404 is a Pin
        that is gone already."""
        http = for_deletion(self.http(account), "Pinterest", lambda response: response.status_code == 404)
        http.request("DELETE", f"{self._api()}/pins/{post_id}")


PUBLISHER = PinterestPublisher  # what the registry (shared/platforms/loader.py) instantiates
