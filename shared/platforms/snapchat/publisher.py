"""Snapchat (Public Profile API): encrypted media upload, then a Story or a Spotlight.

Flow (reference/platform-apis.md §8; only "allowlisted Public Profile API with
encrypted media upload" is documented by Snap, the rest is unverified):

1. A random 32-byte key and 16-byte IV are drawn once per upload and kept in the
   run's checkpoint *sealed* (AES-GCM, `encrypt_json`, bound to the run's document
   path), so a retry resumes with the same key and never re-uploads a part. The
   token-key rotation re-seals it, or drops it once `upload_key_needed` says no
   retry can use it (a retry without one starts a new upload).
2. `POST /v1/public_profiles/{profile}/media {type, name, key, iv}` (base64) →
   `{media_id, add_path, finalize_path}`; media lives 24 h.
3. The file is AES-256-CBC encrypted (PKCS7 padding) while it streams from Cloud
   Storage, 4 MiB at a time, and sent as multipart `POST add_path` parts
   (`action=ADD`, `part_number` from 1, `file`) of at most 32 MB. CBC chains each
   block on the previous ciphertext block, so the checkpoint records, after each
   part, the next part number and the last ciphertext block (`chain`, not secret:
   Snap holds it already); a retry encrypts the remaining plaintext from there and
   produces exactly the bytes a single pass would have.
4. `POST finalize_path {action: FINALIZE}`.
5. `POST …/stories {media_id}` or `POST …/spotlights {media_id, locale, description,
   skip_save_to_profile}` through `ctx.create_once`. While Snap answers
   `error_code: MEDIA_PROCESSING` the create is retried inside the attempt
   (`ctx.sleep`, 0.5 s doubling to 8 s, `LIMITS.processing_retries` times), then the
   attempt ends retryable. An interrupted create is reconciled by listing the
   profile's stories (or spotlights) and matching the checkpointed `media_id`.

Snap returns no public URL for a post. A Spotlight gets
`{snapchat_web}/spotlight/{id}` (unverified: Snap's web ids may differ from the
API's); a Story, ephemeral and without a page of its own, gets `url: null`.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from shared import clock
from shared.adapters.crypto import decrypt_json, encrypt_json
from shared.config import get_settings
from shared.platforms import Platform
from shared.platforms.snapchat.manifest import MAX_DESCRIPTION, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, MB
from shared.services.publishing.base import Account, PublishContext, PublishedPost, Tokens
from shared.services.publishing.errors import (
    NeedsReconnectError,
    PermanentError,
    PublishError,
    RetryableError,
)
from shared.services.publishing.http import PlatformHttp, retry_after_seconds
from shared.services.publishing.media import StoredMedia, open_media
from shared.services.publishing.reconcile import LOOKUP_PAGES, before_window

BLOCK = 16  # AES block size: CBC chains on it, PKCS7 pads to it
PLURAL = {"story": "stories", "spotlight": "spotlights"}  # options.kind -> API collection
# Posts per listing page a reconciling lookup asks for (the Marketing API's `limit`: 50 to 1000).
LOOKUP_PAGE_SIZE = 100


@dataclass(frozen=True)
class SnapchatLimits:
    part_bytes: int = 32 * 1024 * 1024  # docs: files over 32 MB are split into chunks
    read_chunk_bytes: int = 4 * 1024 * 1024  # plaintext read from Cloud Storage and encrypted at a time
    # What Snapchat accepts, as its manifest states it (manifest.py, with sources; [2nd]).
    max_video_bytes: int = MAX_VIDEO_BYTES
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_description: int = MAX_DESCRIPTION  # Spotlight description, hashtags included
    media_lifetime_s: float = 24 * 3600  # docs: a media object stays active for 24 h
    processing_retries: int = 6  # MEDIA_PROCESSING answers tolerated inside one attempt
    first_retry_s: float = 0.5
    max_retry_interval_s: float = 8.0

    def __post_init__(self) -> None:
        # Parts and reads must fall on block boundaries for CBC to be resumable per part.
        if self.part_bytes % BLOCK or self.read_chunk_bytes % BLOCK:
            raise ValueError("part_bytes and read_chunk_bytes must be multiples of 16")


LIMITS = SnapchatLimits()

_AUTH_CODES = {"E3001"}
_RATE_CODES = {"E1008", "RATE_LIMIT_EXCEEDED"}


def _body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _message(response: httpx.Response, body: dict[str, Any] | None) -> str:
    """Snap's own words: the display message, else the debug message (OAuth: the description)."""
    if body:
        for key in ("display_message", "debug_message", "error_description", "message", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
    return response.text[:300] or f"HTTP {response.status_code}"


def classify(response: httpx.Response) -> PublishError | None:
    status = response.status_code
    body = _body(response)
    failed = status >= 300 or (body is not None and body.get("request_status") == "ERROR")
    if not failed:
        return None
    code = str((body or {}).get("error_code") or "")
    text = _message(response, body)
    if status == 429 or code in _RATE_CODES:
        return RetryableError(f"Snapchat rate limit: {text}", code="rate_limited",
                              retry_after=retry_after_seconds(response))
    if code == "MEDIA_PROCESSING":
        return RetryableError(f"Snapchat is still processing the media: {text}", code="media_processing")
    if status == 401 or code in _AUTH_CODES:
        return NeedsReconnectError(f"Snapchat rejected the account's authorization: {text}")
    if "DUPLICATE" in code:
        return PermanentError(text, code="duplicate_content")
    if "PROCESSING_FAILED" in code or code in ("E2004", "E2005"):
        return PermanentError(f"Snapchat could not process the media: {text}", code="media_processing_failed")
    if status >= 500:
        return RetryableError(f"Snapchat is unavailable ({status}): {text}", code="platform_unavailable")
    if status == 403:
        return PermanentError(f"Snapchat refused access to the Public Profile (is the app allowlisted for the "
                              f"Public Profile API?): {text}", code="publish_rejected")
    if 400 <= status < 500 or code:
        return PermanentError(f"Snapchat refused the post: {text}", code="publish_rejected")
    return None


def _refresh_classify(response: httpx.Response) -> PublishError | None:
    if response.status_code < 300:
        return None
    body = _body(response)
    if (body or {}).get("error") == "invalid_client":
        # Soku's own app credentials were refused: not something the account owner can fix.
        return PermanentError("Snapchat refused Soku's app credentials (SOKU_SNAPCHAT_CLIENT_ID / "
                              f"SOKU_SNAPCHAT_CLIENT_SECRET): {_message(response, body)}",
                              code="platform_misconfigured")
    if response.status_code in (400, 401):
        return NeedsReconnectError("Snapchat refused to refresh the account's authorization: "
                                   f"{_message(response, body)}")
    return None  # 429 / 5xx: default_classify makes them retryable


class SnapchatPublisher:
    platform = Platform.SNAPCHAT
    # How long a listing may trail a create (the profile's stories and spotlights):
    # publishing/base.py waits it out before trusting a lookup's miss. No platform publishes a
    # figure; this is our margin.
    listing_lag_s = 30.0

    # -- plumbing -------------------------------------------------------------------
    def _api(self, path: str) -> str:
        return f"{get_settings().platform_hosts['snapchat_api']}/v1/{path}"

    def _follow(self, path: str) -> str:
        """add_path / finalize_path: absolute URLs are used as given, paths join the API host."""
        if path.startswith(("https://", "http://")):
            return path
        return f"{get_settings().platform_hosts['snapchat_api']}/{path.lstrip('/')}"

    def http(self, account: Account) -> PlatformHttp:
        return PlatformHttp(classify, lambda: {"Authorization": f"Bearer {account.tokens.access_token}"})

    def post_url(self, kind: str, post_id: str) -> str | None:
        if kind != "spotlight":
            return None  # a Story is ephemeral and has no page of its own
        return f"{get_settings().platform_hosts['snapchat_web']}/spotlight/{post_id}"

    # -- authorization ------------------------------------------------------------
    def refresh(self, account: Account) -> Tokens:
        settings = get_settings()
        response = PlatformHttp(_refresh_classify).request(
            "POST", f"{settings.platform_hosts['snapchat_oauth']}/login/oauth2/access_token", data={
                "grant_type": "refresh_token",
                "refresh_token": account.tokens.refresh_token or "",
                "client_id": settings.platform_client_ids.get("snapchat", ""),
                "client_secret": settings.platform_client_secrets.get("snapchat", ""),
            })
        body = response.json()
        return Tokens(body["access_token"], body.get("refresh_token") or account.tokens.refresh_token,
                      clock.now() + timedelta(seconds=int(body.get("expires_in", 1800))))

    # -- publishing -----------------------------------------------------------------
    def publish(self, ctx: PublishContext) -> PublishedPost:
        options = ctx.content.options or {}
        kind = options.get("kind") or "story"
        item = self._item(ctx, kind)
        http = self.http(ctx.account)
        media_id = self._upload(ctx, http, item)
        profile = ctx.account.platform_user_id
        if kind == "spotlight":
            description = options.get("description")
            payload: dict[str, Any] = {
                "media_id": media_id,
                "locale": options.get("locale") or "en_US",
                "description": (ctx.content.text if description is None else description)[: LIMITS.max_description],
                "skip_save_to_profile": bool(options.get("skipSaveToProfile", False)),
            }
        else:
            payload = {"media_id": media_id}  # the Story API takes no text
        url = self._api(f"public_profiles/{profile}/{PLURAL[kind]}")

        def create() -> PublishedPost:
            delay = LIMITS.first_retry_s
            for answered in range(LIMITS.processing_retries + 1):
                try:
                    response = http.request("POST", url, json=payload)
                except RetryableError as error:
                    if error.code != "media_processing":
                        raise
                    if answered == LIMITS.processing_retries:
                        raise RetryableError("Snapchat is still processing the media; will try again",
                                             code="media_processing") from error
                    ctx.sleep(delay)
                    delay = min(delay * 2, LIMITS.max_retry_interval_s)
                    continue
                post_id = _entity_id(response.json(), kind)
                if not post_id:
                    raise RetryableError(f"Snapchat answered the {kind} create without an id",
                                         code="publish_outcome_unknown")
                return PublishedPost(post_id, self.post_url(kind, post_id))
            raise AssertionError("unreachable")

        return ctx.create_once(create)

    def _item(self, ctx: PublishContext, kind: str) -> dict:
        content = ctx.content
        videos, images = content.videos, content.images
        if kind == "spotlight":
            # Checked before any upload. It cannot be refused at submission without
            # touching shared/platforms/__init__.py, which has no notion of per-option media rules.
            if not videos:
                raise PermanentError("Snapchat Spotlight accepts only a video; this post has "
                                     f"{'an image' if images else 'no media'}. Attach a video, or post it as a "
                                     'Story (options.snapchat.kind = "story").', code="media_unsupported")
            return videos[0]
        if content.media_type == "video" and videos:
            return videos[0]
        if images:
            return images[0]
        if videos:
            return videos[0]
        raise PermanentError("Snapchat posts need one image or one video; text-only posts are not supported",
                             code="media_required")

    # -- media ------------------------------------------------------------------------
    def _upload(self, ctx: PublishContext, http: PlatformHttp, item: dict) -> str:
        state: dict[str, Any] = ctx.checkpoint.get("snap") or {}
        if state.get("finalized") and not self._expired(state):
            return state["mediaId"]  # uploaded by an earlier attempt
        media = open_media(item)
        is_video = item.get("kind") == "video"
        cap = LIMITS.max_video_bytes if is_video else LIMITS.max_image_bytes
        if media.size > cap:
            raise PermanentError(f"Snapchat accepts {'videos' if is_video else 'images'} up to "
                                 f"{cap // MB} MB; this one is {media.size} bytes", code="media_too_large")
        binding = _binding(ctx)
        if (not state.get("mediaId") or not state.get("sealed") or self._expired(state)
                or state.get("size") != media.size):  # (no key: the key rotation dropped a spent one)
            key, iv = os.urandom(32), os.urandom(BLOCK)
            sealed = encrypt_json({"key": _b64(key), "iv": _b64(iv)}, associated=binding)
            ext = (media.content_type.split("/")[-1] or "bin").split(";")[0]
            response = http.request("POST", self._api(f"public_profiles/{ctx.account.platform_user_id}/media"), json={
                "type": "VIDEO" if is_video else "IMAGE",
                "name": f"soku-{item.get('mediaId') or 'media'}.{ext}",
                "key": _b64(key), "iv": _b64(iv)})
            body = response.json()
            state = {"mediaId": body["media_id"], "addPath": body["add_path"], "finalizePath": body["finalize_path"],
                     "sealed": sealed, "size": media.size, "nextPart": 1, "chain": None, "finalized": False,
                     "expiresAt": (clock.now() + timedelta(seconds=LIMITS.media_lifetime_s)).isoformat()}
            ctx.save(snap=state)
        secret = decrypt_json(state["sealed"], associated=binding)
        key, iv = base64.b64decode(secret["key"]), base64.b64decode(secret["iv"])
        total = _ciphertext_size(media.size)
        parts = -(-total // LIMITS.part_bytes)
        add_url = self._follow(state["addPath"])
        while state["nextPart"] <= parts:
            number = state["nextPart"]
            chain = base64.b64decode(state["chain"]) if state.get("chain") else iv
            start = (number - 1) * LIMITS.part_bytes
            end = min(media.size, number * LIMITS.part_bytes)
            length = min(total, number * LIMITS.part_bytes) - start
            last = number == parts
            tail = _Tail()
            body = _MultipartBody({"action": "ADD", "part_number": str(number)},
                                  ("file", f"part-{number}.enc", length,
                                   _encrypt(media, key, chain, start, end, last, tail)))
            http.request("POST", add_url, headers=body.headers, content=body)
            state.update(nextPart=number + 1, chain=_b64(tail.block))
            ctx.save(snap=state)  # a retry resumes after this part, with the same key
        form = _MultipartBody({"action": "FINALIZE"})
        try:
            http.request("POST", self._follow(state["finalizePath"]), headers=form.headers, content=form)
        except PermanentError as error:
            # An earlier attempt's FINALIZE went through and it died before saving that: the
            # media is finalized, which is what this step wanted.
            if "already finalized" not in error.message:
                raise
        state["finalized"] = True
        ctx.save(snap=state)
        return state["mediaId"]

    @staticmethod
    def _expired(state: dict) -> bool:
        return _upload_expired(state)

    # -- reconciliation ------------------------------------------------------------------
    def find_existing(self, ctx: PublishContext, armed_at: datetime) -> PublishedPost | None:
        media_id = (ctx.checkpoint.get("snap") or {}).get("mediaId")
        if not media_id:
            return None
        kind = (ctx.content.options or {}).get("kind") or "story"
        http = self.http(ctx.account)
        # The listing is newest first and paged (Marketing API: `limit`, then `paging.next_link`):
        # a busy profile can have more posts since the arming than one page holds. Read pages
        # until a post older than the window, or LOOKUP_PAGES.
        url: str | None = self._api(f"public_profiles/{ctx.account.platform_user_id}/{PLURAL[kind]}")
        params: dict[str, Any] | None = {"limit": LOOKUP_PAGE_SIZE}
        for _ in range(LOOKUP_PAGES):
            body = http.request("GET", url, params=params).json()
            entities = _entities(body, kind)
            for entity in entities:
                if entity.get("media_id") == media_id and entity.get("id"):
                    return PublishedPost(str(entity["id"]), self.post_url(kind, str(entity["id"])))
            if any(before_window(_created_at(entity), armed_at) for entity in entities):
                return None
            url, params = self._next_page(body), None
            if url is None:
                return None
        return None

    def _next_page(self, body: Any) -> str | None:
        """The listing's next page, only on the API's own host (the bearer token goes with it)."""
        link = ((body.get("paging") or {}).get("next_link") if isinstance(body, dict) else None) or None
        host = get_settings().platform_hosts["snapchat_api"]
        return link if isinstance(link, str) and link.startswith(host + "/") else None


def _upload_expired(state: dict) -> bool:
    expires = state.get("expiresAt")
    return not expires or datetime.fromisoformat(expires) <= clock.now() + timedelta(minutes=10)


def upload_key_needed(run: dict[str, Any]) -> bool:
    """Whether a run's sealed upload key (`checkpoint.snap.sealed`) can still be used: only to
    resume an upload that is neither finalized (a retry then needs just the media id) nor
    expired (a retry then starts a new upload with a new key), of a run that has not
    succeeded. The key rotation drops it otherwise (shared/services/sealed_index.py)."""
    state = (run.get("checkpoint") or {}).get("snap") or {}
    return (run.get("status") != "succeeded" and bool(state.get("sealed")) and not state.get("finalized")
            and not _upload_expired(state))


def _created_at(entity: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(entity["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None


# -- encryption and the multipart body ----------------------------------------------------------
def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _ciphertext_size(plain_size: int) -> int:
    """PKCS7 always pads: 1–16 bytes, a whole block when the size is already aligned."""
    return (plain_size // BLOCK + 1) * BLOCK


class _Tail:
    """The last ciphertext block sent: the CBC chaining value of the next part."""

    block = b""


def _encrypt(media: StoredMedia, key: bytes, chain: bytes, start: int, end: int, last: bool,
             tail: _Tail) -> Iterator[bytes]:
    """AES-256-CBC of plaintext [start, end), continuing the chain; padded if it is the last part."""
    encryptor = Cipher(algorithms.AES(key), modes.CBC(chain)).encryptor()
    padder = padding.PKCS7(BLOCK * 8).padder() if last else None
    offset = start
    while offset < end:
        stop = min(end, offset + LIMITS.read_chunk_bytes)
        plain = media.read(offset, stop)
        out = encryptor.update(padder.update(plain) if padder else plain)
        if out:
            tail.block = (tail.block + out)[-BLOCK:]
            yield out
        offset = stop
    out = encryptor.update(padder.finalize()) if padder else b""
    out += encryptor.finalize()
    if out:
        tail.block = (tail.block + out)[-BLOCK:]
        yield out


class _MultipartBody:
    """A multipart/form-data body streamed part by part, with its exact Content-Length,
    so a 32 MB part never sits in memory."""

    def __init__(self, fields: dict[str, str],
                 file: tuple[str, str, int, Iterator[bytes]] | None = None) -> None:
        self.boundary = secrets.token_hex(16)
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items())
        self.file = file
        if file is not None:
            name, filename, _, _ = file
            head += (f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
            self.end = f"\r\n--{self.boundary}--\r\n".encode()
        else:
            self.end = f"--{self.boundary}--\r\n".encode()
        self.head = head
        self.length = len(head) + (file[2] if file else 0) + len(self.end)

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": f"multipart/form-data; boundary={self.boundary}",
                "Content-Length": str(self.length)}

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        if self.file is not None:
            yield from self.file[3]
        yield self.end


# -- responses ----------------------------------------------------------------------------
def _entities(body: Any, kind: str) -> list[dict[str, Any]]:
    """Posts in a response, in the shapes the Marketing API uses: `{stories: [{story: {…}}]}`,
    `{stories: [{…}]}`, or a bare `{story: {…}}` / `{id, …}`."""
    if not isinstance(body, dict):
        return []
    found: list[dict[str, Any]] = []
    for entry in body.get(PLURAL.get(kind, f"{kind}s")) or []:
        if isinstance(entry, dict):
            inner = entry.get(kind)
            found.append(inner if isinstance(inner, dict) else entry)
    if isinstance(body.get(kind), dict):
        found.append(body[kind])
    if not found and (body.get("id") or body.get(f"{kind}_id")):
        found.append({"id": body.get("id") or body.get(f"{kind}_id"), "media_id": body.get("media_id")})
    return found


def _entity_id(body: Any, kind: str) -> str | None:
    for entity in _entities(body, kind):
        if entity.get("id"):
            return str(entity["id"])
    return None


def _binding(ctx: PublishContext) -> str:
    """The run document's path, bound into the sealed key (AES-GCM associated data).

    Without a run path (a context built outside the runner), the binding falls
    back to the account plus a random id kept in the checkpoint (still never in clear).
    """
    if ctx.run_path:
        return ctx.run_path
    binding = ctx.checkpoint.get("snapBinding")
    if not binding:
        binding = secrets.token_hex(12)
        ctx.save(snapBinding=binding)
    return f"snapchat-upload/{ctx.account.account_id}/{binding}"


PUBLISHER = SnapchatPublisher  # what the registry (shared/platforms/loader.py) instantiates
