"""Snapchat Public Profile API sandbox: encrypted media upload, stories and spotlights.

Implements what the Snapchat publisher calls, as reference/platform-apis.md §8
describes (most of it unverified against Snap, see docs/platforms.md):

- `POST /login/oauth2/access_token` (`grant_type=refresh_token`, the app's
  `client_id`/`client_secret`): a new short-lived (30 min) access token and a
  rotated refresh token, or `400 invalid_grant`.
- `POST /v1/public_profiles/{profile}/media {type, name, key, iv}`: the key and IV
  (base64, 32 and 16 bytes) are kept; answers `{media_id, add_path, finalize_path}`
  with absolute URLs back into this sandbox. Media lives 24 h.
- `POST add_path` (multipart: `action=ADD`, `part_number` from 1, `file` ≤ 32 MB):
  each part is spooled to disk, never held in memory; a part may be sent again.
- `POST finalize_path` (`action=FINALIZE`): the parts must be 1..N; the sandbox
  really decrypts them (AES-256-CBC, PKCS7) with the supplied key and IV, streaming,
  checks the plaintext is the declared IMAGE (JPEG/PNG) or VIDEO (MP4 `ftyp`) and
  records its size and SHA-256, then the media is *processing*.
- `POST /v1/public_profiles/{profile}/stories {media_id}` and
  `…/spotlights {media_id, locale, description ≤160, skip_save_to_profile}` (video
  only; `locale` required): answer `MEDIA_PROCESSING` while the media is still being
  processed (twice for a video, never for an image), then create the post. The same
  media content posted twice to a profile's stories (or spotlights) is a duplicate.
- `GET /v1/public_profiles/{profile}/stories|spotlights`: the profile's posts, newest first,
  paged (`limit` 50 to 1000, `paging.next_link`).
- `GET /web/{story|spotlight}/{id}`: a page showing the post.
- The connect flow: `GET /accounts/oauth2/auth` (devstack/sandboxes/oauth.py), the
  authorization-code grant on `/login/oauth2/access_token`, and
  `GET /v1/me/public_profiles` (the token's subject is the profile) [unverified path].

Errors use the Marketing API envelope `{request_status: "ERROR", request_id,
debug_message, display_message, error_code}`; rate limits are `429` with
`Retry-After`.

Fault operations (`state.take_fault("snapchat", op)`): `token`, `media`, `add` (a
fault with `params.part` applies only to that part number), `finalize`, `create`
(stories and spotlights; `hold` applies here), `lookup`. Besides the common kinds:
`processing_failed` on `finalize` or `create` (the media fails processing), and
`slow_processing` on `finalize` (`params.polls`: how many publish calls answer
`MEDIA_PROCESSING`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import flask
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Fault, Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens

PLATFORM = "snapchat"
CLIENT_ID = "sbx-snapchat-client-id"
CLIENT_SECRET = "sbx-snapchat-client-secret"
TOKEN_LIFETIME = 30 * 60
MAX_PART = 32 * 1024 * 1024
MEDIA_TTL_S = 24 * 3600
MAX_DESCRIPTION = 160
# Publish calls answered MEDIA_PROCESSING after FINALIZE, per media type.
PROCESSING_POLLS = {"IMAGE": 0, "VIDEO": 2}
_LOCALE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")
PLURAL = {"story": "stories", "spotlight": "spotlights"}
DUPLICATE_MESSAGE = "This Snap has already been posted to this Public Profile."
PROCESSING_FAILED_MESSAGE = "Media processing failed: the video codec is not supported."


def _request_id() -> str:
    return uuid.uuid4().hex


def snap_error(status: int, code: str, message: str, headers: dict | None = None) -> flask.Response:
    body = {"request_status": "ERROR", "request_id": _request_id(), "debug_message": message,
            "display_message": message, "error_code": code}
    return flask.make_response(body, status, headers or {})


def _ok(**fields: Any) -> dict[str, Any]:
    return {"request_status": "SUCCESS", "request_id": _request_id(), **fields}


def _b64(value: Any, length: int) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))


def _looks_like(media_type: str, head: bytes) -> bool:
    if media_type == "IMAGE":
        return head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")
    return head[4:8] == b"ftyp"


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("snapchat", __name__, url_prefix="/snapchat")
    api = f"{base_url}/snapchat"
    web = f"{base_url}/snapchat/web"
    spool = Path(tempfile.mkdtemp(prefix="soku-snapchat-sandbox-"))

    def rate_limited(fault: Fault, operation: str) -> flask.Response:
        wait = str(int(fault.params.get("retry_after", 1)))
        return snap_error(429, "E1008", "Rate limit exceeded. Please retry later.", {"Retry-After": wait})

    def authorized(profile_id: str) -> tuple[str | None, flask.Response | None]:
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return None, snap_error(401, "E3001", "Unauthorized: the access token is invalid, expired or revoked")
        if who != profile_id:
            return None, snap_error(403, "E3002", "The access token does not grant access to this Public Profile")
        return who, None

    def authorize(profile_id: str) -> flask.Response | None:
        return authorized(profile_id)[1]

    # hold, processing_failed, slow_processing: handled where they apply.
    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: snap_error(503, "E5000", "Service temporarily unavailable")),
        "expired_token": answer(lambda: snap_error(401, "E3001", "The access token is expired")),
        "duplicate": answer(lambda: snap_error(400, "DUPLICATE_CONTENT", DUPLICATE_MESSAGE)),
    }, authorized)

    def media_of(media_id: str) -> dict[str, Any] | None:
        with state.lock:
            return state.media.get(f"snap:{media_id}")

    # -- OAuth ---------------------------------------------------------------------------
    @bp.post("/login/oauth2/access_token")
    def token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client", "error_description": "Client authentication failed"}, 401
        if form.get("grant_type") == "authorization_code":
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=form.get("client_id"),
                                      redirect_uri=form.get("redirect_uri"), code_verifier=form.get("code_verifier"))
            if grant is None:
                return {"error": "invalid_grant", "error_description": why}, 400
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], TOKEN_LIFETIME)
            return {"access_token": access, "refresh_token": refresh, "expires_in": TOKEN_LIFETIME,
                    "token_type": "Bearer", "scope": grant["scope"]}
        if form.get("grant_type") != "refresh_token":
            return {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}, 400
        minted = state.refresh(PLATFORM, form.get("refresh_token", ""), TOKEN_LIFETIME)
        if minted is None:
            return {"error": "invalid_grant", "error_description": "Invalid refresh token"}, 400
        access, refresh, lifetime = minted
        return {"access_token": access, "refresh_token": refresh, "expires_in": lifetime,
                "token_type": "Bearer", "scope": "snapchat-profile-api"}

    @bp.get("/accounts/oauth2/auth")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID, pkce="optional")

    @bp.get("/v1/me/public_profiles")
    def my_public_profiles():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return snap_error(401, "E3001", "Unauthorized: the access token is invalid, expired or revoked")
        return _ok(public_profiles=[{"sub_request_status": "SUCCESS", "public_profile": {
            "id": who, "display_name": f"Sandbox profile {who}", "username": who}}])

    # -- media ---------------------------------------------------------------------------
    @bp.post("/v1/public_profiles/<profile_id>/media")
    def create_media(profile_id: str):
        _, _, refused = gate("media", profile_id)
        if refused is not None:
            return refused
        body = flask.request.get_json(silent=True) or {}
        media_type = body.get("type")
        if media_type not in ("IMAGE", "VIDEO"):
            return snap_error(400, "E1001", "type must be one of IMAGE, VIDEO")
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            return snap_error(400, "E1001", "name is required")
        key, iv = _b64(body.get("key"), 32), _b64(body.get("iv"), 16)
        if key is None or iv is None:
            return snap_error(400, "E1001", "key must be 32 bytes and iv 16 bytes, base64 encoded")
        media_id = str(uuid.uuid4())
        folder = spool / media_id
        folder.mkdir()
        with state.lock:
            state.media[f"snap:{media_id}"] = {
                "id": media_id, "owner": profile_id, "type": media_type, "name": body["name"],
                "key": body["key"], "iv": body["iv"], "dir": str(folder), "parts": {}, "adds": [],
                "state": "PENDING_UPLOAD", "createdAt": time.time(), "pollsLeft": 0, "failed": False,
            }
        return _ok(media_id=media_id, add_path=f"{api}/v1/media/{media_id}/multipart-upload/add",
                   finalize_path=f"{api}/v1/media/{media_id}/multipart-upload/finalize")

    def upload_target(media_id: str, action: str) -> tuple[dict[str, Any] | None, flask.Response | None]:
        media = media_of(media_id)
        if media is None:
            return None, snap_error(404, "E2001", f"Media {media_id} not found")
        refused = authorize(media["owner"])
        if refused is not None:
            return None, refused
        if time.time() > media["createdAt"] + MEDIA_TTL_S:
            return None, snap_error(400, "MEDIA_EXPIRED", f"Media {media_id} has expired")
        if flask.request.form.get("action") != action:
            return None, snap_error(400, "E1001", f"action must be {action}")
        if media["state"] != "PENDING_UPLOAD":
            return None, snap_error(400, "E1001", f"Media {media_id} is already finalized")
        return media, None

    @bp.post("/v1/media/<media_id>/multipart-upload/add")
    def add_part(media_id: str):
        fault = state.take_fault(PLATFORM, "add")
        part_raw = flask.request.form.get("part_number", "")
        if fault is not None and fault.params.get("part") not in (None, int(part_raw) if part_raw.isdigit() else None):
            fault.remaining += 1  # meant for another part: leave it for that one
            fault = None
        faulted = gate.answer(fault, "add")
        if faulted is not None:
            return faulted
        media, refused = upload_target(media_id, "ADD")
        if refused is not None:
            return refused
        if not part_raw.isdigit() or int(part_raw) < 1:
            return snap_error(400, "E1001", "part_number must be a positive integer")
        upload = flask.request.files.get("file")
        if upload is None:
            return snap_error(400, "E1001", "file is required")
        part = int(part_raw)
        path = Path(media["dir"]) / f"part-{part:05d}"
        upload.save(path)  # streamed to disk by werkzeug, never whole in memory
        size = path.stat().st_size
        if size > MAX_PART:
            path.unlink()
            return snap_error(400, "E1001", f"Part {part} is {size} bytes; parts must be at most 32 MB")
        with state.lock:
            media["parts"][part] = size
            media["adds"].append({"part": part, "bytes": size})
        return _ok(media_id=media_id, part_number=part)

    @bp.post("/v1/media/<media_id>/multipart-upload/finalize")
    def finalize(media_id: str):
        fault, faulted = gate.fault("finalize")
        if faulted is not None:
            return faulted
        media, refused = upload_target(media_id, "FINALIZE")
        if refused is not None:
            return refused
        numbers = sorted(media["parts"])
        if not numbers or numbers != list(range(1, len(numbers) + 1)):
            return snap_error(400, "E1001", f"Parts must be numbered 1..N without gaps; received {numbers}")
        folder = Path(media["dir"])
        decryptor = Cipher(algorithms.AES(base64.b64decode(media["key"])),
                           modes.CBC(base64.b64decode(media["iv"]))).decryptor()
        unpadder = padding.PKCS7(128).unpadder()
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            for number in numbers:
                with open(folder / f"part-{number:05d}", "rb") as part:
                    while chunk := part.read(1024 * 1024):
                        plain = unpadder.update(decryptor.update(chunk))
                        head = (head + plain)[:16] if len(head) < 16 else head
                        digest.update(plain)
                        size += len(plain)
            plain = unpadder.update(decryptor.finalize()) + unpadder.finalize()
        except ValueError:
            return snap_error(400, "E2004", "The media could not be decrypted with the supplied key and iv")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        head = (head + plain)[:16] if len(head) < 16 else head
        digest.update(plain)
        size += len(plain)
        if not _looks_like(media["type"], head):
            with state.lock:
                media["state"] = "FAILED"
            return snap_error(400, "E2005", f"The decrypted media is not a valid {media['type']} file")
        with state.lock:
            media.update(state="PROCESSING", sha256=digest.hexdigest(), size=size,
                         pollsLeft=int(fault.params.get("polls", 4)) if fault is not None and fault.kind == "slow_processing"
                         else PROCESSING_POLLS[media["type"]],
                         failed=fault is not None and fault.kind == "processing_failed")
        return _ok(media_id=media_id)

    # -- stories and spotlights --------------------------------------------------------------
    def publish(profile_id: str, kind: str):
        fault, _, refused = gate("create", profile_id)
        if refused is not None:
            return refused
        body = flask.request.get_json(silent=True) or {}
        media = media_of(str(body.get("media_id") or ""))
        if media is None or media["owner"] != profile_id:
            return snap_error(400, "E1001", f"media_id {body.get('media_id')!r} is not a media of this profile")
        if time.time() > media["createdAt"] + MEDIA_TTL_S:
            return snap_error(400, "MEDIA_EXPIRED", f"Media {media['id']} has expired")
        if media["state"] == "PENDING_UPLOAD":
            return snap_error(400, "E1001", f"Media {media['id']} has not been finalized")
        extra: dict[str, Any] = {}
        if kind == "spotlight":
            locale = body.get("locale")
            if not isinstance(locale, str) or not _LOCALE.match(locale):
                return snap_error(400, "E1001", "locale is required for Spotlight (e.g. en_US)")
            description = body.get("description") or ""
            if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
                return snap_error(400, "E1001", f"description must be at most {MAX_DESCRIPTION} characters")
            if media["type"] != "VIDEO":
                return snap_error(400, "E2006", "Spotlight only accepts VIDEO media")
            extra = {"locale": locale, "description": description,
                     "skip_save_to_profile": bool(body.get("skip_save_to_profile", False))}
        with state.lock:
            if fault is not None and fault.kind == "processing_failed":
                media["failed"] = True
            if media["failed"] or media["state"] == "FAILED":
                media["state"] = "FAILED"
                return snap_error(400, "MEDIA_PROCESSING_FAILED", PROCESSING_FAILED_MESSAGE)
            if media["pollsLeft"] > 0:
                if fault is not None and fault.kind == "hold":
                    fault.remaining += 1  # `hold` is for the create that takes effect
                media["pollsLeft"] -= 1
                media["processingAnswers"] = media.get("processingAnswers", 0) + 1
                return snap_error(400, "MEDIA_PROCESSING", "Media is still processing. Please retry later.")
            media["state"] = "READY"
            if any(p["platform"] == PLATFORM and p["subject"] == profile_id and p["kind"] == kind
                   and p["sha256"] == media["sha256"] for p in state.posts):
                return snap_error(400, "DUPLICATE_CONTENT", DUPLICATE_MESSAGE)
            post_id = str(uuid.uuid4())
            post = state.record_post(PLATFORM, profile_id, id=post_id, kind=kind, media_id=media["id"],
                                     media_type=media["type"], sha256=media["sha256"], size=media["size"],
                                     url=f"{web}/{kind}/{post_id}", **extra)
        hold_if_asked(fault)
        return _ok(**{PLURAL[kind]: [{"sub_request_status": "SUCCESS", kind: _entity(post)}]})

    def _entity(post: dict[str, Any]) -> dict[str, Any]:
        entity = {"id": post["id"], "media_id": post["media_id"], "created_at": _iso(post["createdAt"])}
        for name in ("locale", "description", "skip_save_to_profile"):
            if name in post:
                entity[name] = post[name]
        return entity

    @bp.post("/v1/public_profiles/<profile_id>/stories")
    def create_story(profile_id: str):
        return publish(profile_id, "story")

    @bp.post("/v1/public_profiles/<profile_id>/spotlights")
    def create_spotlight(profile_id: str):
        return publish(profile_id, "spotlight")

    def listing(profile_id: str, kind: str):
        fault, _, refused = gate("lookup", profile_id)
        if refused is not None:
            return refused
        # The `lag` fault: a public profile's stories and spotlights listings catch up after a
        # post, so one just made can be missing here for a while (Snap documents no bound
        # [unverified]).
        cutoff = listing_cutoff(fault)
        # Paged as the Marketing API pages lists: `limit` 50 to 1000 (50 when absent), newest
        # first, and `paging.next_link` (the same request with a cursor) while more remain.
        try:
            limit = int(flask.request.args.get("limit", 50))
            offset = int(flask.request.args.get("cursor", 0))
        except ValueError:
            return snap_error(400, "E1001", "Invalid limit or cursor.")
        if not 50 <= limit <= 1000 or offset < 0:
            return snap_error(400, "E1001", "The limit must be between 50 and 1000.")
        with state.lock:
            posts = [p for p in reversed(state.posts)
                     if p["platform"] == PLATFORM and p["subject"] == profile_id and p["kind"] == kind
                     and (cutoff is None or p["createdAt"] <= cutoff)]
        page = posts[offset:offset + limit]
        body: dict[str, Any] = {PLURAL[kind]: [{"sub_request_status": "SUCCESS", kind: _entity(p)} for p in page]}
        if offset + limit < len(posts):
            body["paging"] = {"next_link": f"{flask.request.base_url}?limit={limit}&cursor={offset + limit}"}
        return _ok(**body)

    @bp.get("/v1/public_profiles/<profile_id>/stories")
    def list_stories(profile_id: str):
        return listing(profile_id, "story")

    @bp.get("/v1/public_profiles/<profile_id>/spotlights")
    def list_spotlights(profile_id: str):
        return listing(profile_id, "spotlight")

    # -- web ---------------------------------------------------------------------------------
    @bp.get("/web/<kind>/<post_id>")
    def page(kind: str, post_id: str):
        with state.lock:
            post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id
                         and p["kind"] == kind), None)
        if post is None:
            return "Not found", 404
        description = escape(post.get("description") or "")
        return (f"<html><body><h1>Snapchat sandbox {escape(kind)} {escape(post_id)}</h1>"
                f"<p>{description}</p><p>{escape(post['media_type'])}, {post['size']} bytes, "
                f"sha256 {escape(post['sha256'])}</p></body></html>")

    return bp
