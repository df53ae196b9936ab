"""TikTok Content Posting API sandbox: creator info, video and photo inits, chunked
uploads, URL pulls, status progression, OAuth refresh, and the post's web page.

Implements what the TikTok publisher calls, as reference/platform-apis.md §5
describes, with every answer in TikTok's `{data, error: {code, message,
log_id}}` wrapper:

- `POST /v2/oauth/token/` (form: client_key, client_secret, grant_type=refresh_token,
  refresh_token): rotating refresh tokens; `invalid_grant` once used or revoked.
- `POST /v2/post/publish/creator_info/query/`: the creator's privacy options,
  interaction settings, max video duration and username (defaults below,
  overridable per creator with `POST /tiktok/__sandbox/creators/<open_id>`).
- `POST /v2/post/publish/video/init/`: validates `post_info` (privacy level ∈
  the creator's options, title length, branded content not private) and
  `source_info`: FILE_UPLOAD chunk arithmetic exactly as TikTok states it, or
  PULL_FROM_URL, which needs a verified domain (`url_ownership_unverified`
  otherwise) and really GETs the URL. Answers `publish_id` and, for uploads, an
  absolute `upload_url` pointing back at this sandbox.
- `PUT upload_url`: chunks in order with `Content-Range: bytes a-b/total`,
  each of exactly the size the init implied; 206 until the last, then 201.
- `POST /v2/post/publish/content/init/`: photo posts (PHOTO, DIRECT_POST,
  PULL_FROM_URL, 1–35 JPEG/WebP images, each really fetched).
- `POST /v2/post/publish/status/fetch/`: PROCESSING_UPLOAD / PROCESSING_DOWNLOAD
  for a poll or two, then PUBLISH_COMPLETE (public posts get their
  `publicaly_available_post_id` one poll later, "after moderation") or FAILED
  with `fail_reason`; `uploaded_bytes` / `downloaded_bytes` as received.
- `GET /web/@<username>/video/<id>`: the post's page.
- The connect flow: `GET /web/v2/auth/authorize/` (devstack/sandboxes/oauth.py), the
  authorization-code grant on `/v2/oauth/token/`, `GET /v2/user/info/` and
  `POST /v2/oauth/revoke/`.

Per-token rate limits as documented (creator_info 20/min, inits 6/min, status
30/min) answer 429 `rate_limit_exceeded`; a creator's 16th post in 24 h answers
403 `spam_risk_too_many_posts` [unverified cap].

Fault operations: `token`, `revoke`, `creator_info`, `create` (both inits; `hold` applies
here, after the init took effect), `upload` (params `chunk`: only that chunk
index), `status`. Kinds besides the common ones: `too_many_posts` (create),
`unaudited` (create: `unaudited_client_can_only_post_to_private_accounts` for a
non-private post), `expired` (upload: the session is gone, as after its hour),
`processing_failed` (create or upload; params `reason`, default
`file_format_check_failed`).
"""

from __future__ import annotations

import collections
import hashlib
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import flask
import httpx
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import SandboxState, hold_if_asked, mint_tokens

PLATFORM = "tiktok"
CLIENT_KEY = "sbx-tiktok-client-key"
CLIENT_SECRET = "sbx-tiktok-client-secret"
ACCESS_LIFETIME_S = 24 * 3600
REFRESH_LIFETIME_S = 365 * 24 * 3600

MB = 1024 * 1024
MIN_CHUNK = 5 * MB
MAX_CHUNK = 64 * MB
MAX_FINAL_CHUNK = 128 * MB
MAX_CHUNKS = 1000
MAX_VIDEO_TITLE = 2200
MAX_PHOTO_TITLE = 90
MAX_PHOTO_DESCRIPTION = 4000
MAX_PHOTO_BYTES = 20 * MB
MAX_VIDEO_BYTES = 4 * 1024 * MB
MAX_PHOTOS = 35
UPLOAD_TTL_S = 3600
DAILY_POST_CAP = 15
PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
VIDEO_TYPES = {"video/mp4", "video/webm", "video/quicktime"}
PHOTO_TYPES = {"image/jpeg", "image/webp"}
RATE_LIMITS = {"creator_info": 20, "init": 6, "status": 30}  # per access token per minute
POLLS_PROCESSING = 1  # status polls answering PROCESSING_* once the media is complete
DEFAULT_VERIFIED_DOMAINS = ("127.0.0.1", "localhost")


def check_chunks(video_size: int, chunk_size: int, total_chunk_count: int) -> str | None:
    """TikTok's chunk rules, as the media transfer guide states them; the problem, or None."""
    if video_size <= 0 or chunk_size <= 0 or total_chunk_count <= 0:
        return "video_size, chunk_size and total_chunk_count must be positive"
    if video_size > MAX_VIDEO_BYTES:
        return f"video_size exceeds {MAX_VIDEO_BYTES} bytes"
    if video_size < MIN_CHUNK and (chunk_size != video_size or total_chunk_count != 1):
        return "videos under 5 MB must be uploaded whole: chunk_size must equal video_size"
    if total_chunk_count != video_size // chunk_size:
        return (f"total_chunk_count must be video_size / chunk_size rounded down "
                f"({video_size // chunk_size}), not {total_chunk_count}")
    if not 1 <= total_chunk_count <= MAX_CHUNKS:
        return f"total_chunk_count must be between 1 and {MAX_CHUNKS}"
    if video_size > MAX_CHUNK and total_chunk_count < 2:
        return "videos over 64 MB must be uploaded in several chunks"
    if video_size >= MIN_CHUNK and not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        return "chunk_size must be between 5 MB and 64 MB"
    final = video_size - (total_chunk_count - 1) * chunk_size
    if final > MAX_FINAL_CHUNK:
        return "the final chunk may not exceed 128 MB"
    return None


def _log_id() -> str:
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def _ok(data: dict[str, Any]):
    return {"data": data, "error": {"code": "ok", "message": "", "log_id": _log_id()}}


def _error(status: int, code: str, message: str, headers: dict | None = None):
    body = {"data": {}, "error": {"code": code, "message": message, "log_id": _log_id()}}
    return flask.make_response(body, status, headers or {})


def _invalid_token():
    return _error(401, "access_token_invalid",
                  "The access token is invalid or not found in the request. Please refresh the token and retry.")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def blueprint(state: SandboxState, web_base: str) -> flask.Blueprint:
    bp = flask.Blueprint("tiktok", __name__, url_prefix="/tiktok")
    calls: dict[tuple[str, str], collections.deque] = {}
    calls_lock = threading.Lock()

    # -- sandbox-only controls ---------------------------------------------------------
    def creators() -> dict[str, dict]:
        with state.lock:
            return state.media.setdefault("tt:creators", {})

    def verified() -> set[str]:
        with state.lock:
            return state.media.setdefault("tt:verified_domains", set(DEFAULT_VERIFIED_DOMAINS))

    @bp.post("/__sandbox/creators/<open_id>")
    def set_creator(open_id: str):
        creators()[open_id] = flask.request.get_json(force=True) or {}
        return {"ok": True}

    @bp.put("/__sandbox/verified_domains")
    def set_verified():
        domains = (flask.request.get_json(force=True) or {}).get("domains") or []
        with state.lock:
            state.media["tt:verified_domains"] = {d.lower() for d in domains}
        return {"ok": True, "domains": sorted(verified())}

    # -- helpers -----------------------------------------------------------------------
    def fault_response(operation: str):
        fault = state.take_fault(PLATFORM, operation)
        if fault is None or fault.kind in ("hold", "processing_failed", "expired", "unaudited"):
            return fault, None
        if fault.kind == "rate_limit":
            return fault, _error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
        if fault.kind == "server_error":
            return fault, _error(500, "internal_error", "Something went wrong. Please try again later.")
        if fault.kind == "expired_token":
            return fault, _invalid_token()
        if fault.kind == "duplicate":  # [unverified] TikTok documents no duplicate-content code
            return fault, _error(403, "duplicate_post",
                                 "This content was already posted to this account. Change it and try again.")
        if fault.kind == "too_many_posts":
            return fault, _too_many_posts()
        return fault, None

    def _too_many_posts():
        return _error(403, "spam_risk_too_many_posts",
                      "The daily post cap from the API is reached for the current user.")

    def bearer() -> str:
        return (flask.request.headers.get("Authorization") or "").split(" ", 1)[-1].strip()

    def rate_limited(kind: str):
        token = bearer()
        now = time.time()
        with calls_lock:
            window = calls.setdefault((kind, token), collections.deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= RATE_LIMITS[kind]:
                return _error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
            window.append(now)
        return None

    def profile(who: str) -> dict[str, Any]:
        base = {"creator_avatar_url": f"{web_base}/tiktok/web/avatar/{who}.jpg",
                "creator_username": who.replace("-", "_").lower(),
                "creator_nickname": f"Sandbox {who}",
                "privacy_level_options": list(PRIVACY_LEVELS),
                "comment_disabled": False, "duet_disabled": False, "stitch_disabled": False,
                "max_video_post_duration_sec": 600}
        return base | {k: v for k, v in creators().get(who, {}).items() if k in base or k == "unaudited"}

    def sessions() -> dict[str, dict]:
        with state.lock:
            return state.media.setdefault("tt:publishes", {})

    def posts_today(who: str) -> int:
        with state.lock:
            return len([p for p in state.posts if p["platform"] == PLATFORM and p["subject"] == who
                        and p["createdAt"] > time.time() - 86400])

    def domain_verified(url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return bool(host) and any(host == d or host.endswith("." + d) for d in verified())

    def fetch(url: str, kinds: set[str], cap: int) -> tuple[dict | None, str | None]:
        """GET the media as TikTok's puller does: (what arrived, or why it could not)."""
        try:
            with httpx.stream("GET", url, timeout=30, follow_redirects=True) as response:
                if response.status_code != 200:
                    return None, f"HTTP {response.status_code}"
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                digest, received, head = hashlib.sha256(), 0, b""
                for chunk in response.iter_bytes(MB):
                    if len(head) < 16:
                        head += chunk[: 16 - len(head)]
                    digest.update(chunk)
                    received += len(chunk)
                    if received > cap:
                        return None, f"larger than {cap} bytes"
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        if content_type not in kinds:
            return None, f"content type {content_type or 'missing'} is not accepted"
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) != received:
            return None, f"received {received} of {declared} bytes"
        return {"url": url, "bytes": received, "contentType": content_type, "sha256": digest.hexdigest(),
                "head": head.hex()}, None

    def looks_like(content_type: str, head: bytes) -> bool:
        if content_type in ("video/mp4", "video/quicktime"):
            return head[4:8] == b"ftyp"
        if content_type == "video/webm":
            return head[:4] == b"\x1a\x45\xdf\xa3"
        if content_type == "image/jpeg":
            return head[:3] == b"\xff\xd8\xff"
        if content_type == "image/webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        return False

    def check_post_info(who: str, info: dict, post_info: dict, photo: bool):
        privacy = post_info.get("privacy_level")
        if privacy not in info["privacy_level_options"]:
            return _error(403, "privacy_level_option_mismatch",
                          f"privacy_level {privacy!r} is not one of the creator's privacy_level_options "
                          f"{info['privacy_level_options']}")
        title = post_info.get("title") or ""
        if _utf16_len(title) > (MAX_PHOTO_TITLE if photo else MAX_VIDEO_TITLE):
            return _error(400, "invalid_params", "post_info.title is too long")
        if photo and _utf16_len(post_info.get("description") or "") > MAX_PHOTO_DESCRIPTION:
            return _error(400, "invalid_params", "post_info.description is too long")
        if post_info.get("brand_content_toggle") and privacy == "SELF_ONLY":
            return _error(400, "invalid_params", "Branded content cannot be posted with privacy_level SELF_ONLY")
        cover = post_info.get("video_cover_timestamp_ms")
        if cover is not None and (not isinstance(cover, int) or cover < 0):
            return _error(400, "invalid_params", "post_info.video_cover_timestamp_ms must be a non-negative integer")
        return None

    def new_publish(who: str, kind: str, source: str, post_info: dict, **extra) -> dict:
        publish_id = f"{'p_pub_url' if kind == 'PHOTO' else 'v_pub_' + ('url' if source == 'PULL_FROM_URL' else 'file')}~v2-1.{state.next_id()}"
        entry = {"publishId": publish_id, "owner": who, "kind": kind, "source": source, "postInfo": post_info,
                 "createdAt": time.time(), "status": "PROCESSING_UPLOAD" if source == "FILE_UPLOAD" else
                 "PROCESSING_DOWNLOAD", "failReason": None, "polls": 0, "received": 0, "downloaded": 0,
                 "media": [], "chunks": [], "postId": None, "expired": False, **extra}
        sessions()[publish_id] = entry
        return entry

    def complete(entry: dict) -> None:
        """The media is all there: publish it (the post exists from now), unless it failed."""
        entry["completedAt"] = time.time()
        entry["polls"] = 0
        if entry["failReason"]:
            return
        if posts_today(entry["owner"]) >= DAILY_POST_CAP:
            entry["failReason"] = "spam_risk_too_many_posts"
            return
        info = entry["postInfo"]
        post = state.record_post(
            PLATFORM, entry["owner"], publishId=entry["publishId"], mediaType=entry["kind"], source=entry["source"],
            username=entry["username"], title=info.get("title") or "", description=info.get("description"),
            privacyLevel=info.get("privacy_level"), disableComment=info.get("disable_comment"),
            disableDuet=info.get("disable_duet"), disableStitch=info.get("disable_stitch"),
            videoCoverTimestampMs=info.get("video_cover_timestamp_ms"), isAigc=info.get("is_aigc"),
            brandContentToggle=info.get("brand_content_toggle"), brandOrganicToggle=info.get("brand_organic_toggle"),
            autoAddMusic=info.get("auto_add_music"), photoCoverIndex=entry.get("photoCoverIndex"),
            media=[{k: v for k, v in m.items() if k != "head"} for m in entry["media"]],
            chunks=list(entry["chunks"]), url=None)
        entry["postId"] = post["id"]
        if info.get("privacy_level") != "SELF_ONLY":
            post["url"] = f"{web_base}/tiktok/web/@{entry['username']}/video/{post['id']}"

    # -- OAuth -------------------------------------------------------------------------
    @bp.post("/v2/oauth/token/")
    def token():
        _, faulted = fault_response("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client", "error_description": "Client key or secret is incorrect.",
                    "log_id": _log_id()}, 401
        if form.get("grant_type") == "authorization_code":
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=form.get("client_key"),
                                      redirect_uri=form.get("redirect_uri"))
            if grant is None:
                return {"error": "invalid_grant", "error_description": why, "log_id": _log_id()}, 400
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], ACCESS_LIFETIME_S)
            return {"access_token": access, "expires_in": ACCESS_LIFETIME_S, "open_id": grant["subject"],
                    "refresh_token": refresh, "refresh_expires_in": REFRESH_LIFETIME_S,
                    "scope": grant["scope"], "token_type": "Bearer"}
        if form.get("grant_type") != "refresh_token":
            return {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type.",
                    "log_id": _log_id()}, 400
        minted = state.refresh(PLATFORM, form.get("refresh_token", ""), ACCESS_LIFETIME_S)
        if minted is None:
            return {"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.",
                    "log_id": _log_id()}, 400
        access, refresh, lifetime = minted
        return {"access_token": access, "expires_in": lifetime, "open_id": access.split(".")[2],
                "refresh_token": refresh, "refresh_expires_in": REFRESH_LIFETIME_S,
                "scope": "user.info.basic,video.publish,video.upload", "token_type": "Bearer"}

    @bp.get("/web/v2/auth/authorize/")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_KEY, client_param="client_key")

    @bp.post("/v2/oauth/revoke/")
    def revoke():
        _, faulted = fault_response("revoke")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client", "error_description": "Client key or secret is incorrect.",
                    "log_id": _log_id()}, 401
        who = oauth.subject_of_token(PLATFORM, form.get("token"))
        if who is not None:
            oauth.revoke(state, PLATFORM, who)
        return {}

    @bp.get("/v2/user/info/")
    def user_info():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return _invalid_token()
        info = profile(who)
        user = {"open_id": who, "union_id": f"union-{who}", "avatar_url": info["creator_avatar_url"],
                "display_name": info["creator_nickname"], "username": info["creator_username"]}
        wanted = set((flask.request.args.get("fields") or "open_id").split(","))
        return _ok({"user": {k: v for k, v in user.items() if k in wanted}})

    # -- creator info ------------------------------------------------------------------
    @bp.post("/v2/post/publish/creator_info/query/")
    def creator_info():
        _, faulted = fault_response("creator_info")
        if faulted is not None:
            return faulted
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return _invalid_token()
        limited = rate_limited("creator_info")
        if limited is not None:
            return limited
        return _ok({k: v for k, v in profile(who).items() if k != "unaudited"})

    # -- inits -------------------------------------------------------------------------
    def init_preamble():
        fault, faulted = fault_response("create")
        if faulted is not None:
            return fault, None, None, faulted
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return fault, None, None, _invalid_token()
        limited = rate_limited("init")
        if limited is not None:
            return fault, None, None, limited
        if not (flask.request.content_type or "").startswith("application/json"):
            return fault, None, None, _error(400, "invalid_params", "Content-Type must be application/json")
        body = flask.request.get_json(silent=True)
        if not isinstance(body, dict):
            return fault, None, None, _error(400, "invalid_params", "The request body is not valid JSON")
        return fault, who, body, None

    def init_checks(fault, who: str, post_info: dict, photo: bool):
        info = profile(who)
        refused = check_post_info(who, info, post_info, photo)
        if refused is not None:
            return info, refused
        unaudited = info.get("unaudited") or (fault is not None and fault.kind == "unaudited")
        if unaudited and post_info.get("privacy_level") != "SELF_ONLY":
            return info, _error(403, "unaudited_client_can_only_post_to_private_accounts",
                                "Unaudited clients can only post to private accounts with SELF_ONLY privacy.")
        if posts_today(who) >= DAILY_POST_CAP:
            return info, _too_many_posts()
        return info, None

    @bp.post("/v2/post/publish/video/init/")
    def video_init():
        fault, who, body, refused = init_preamble()
        if refused is not None:
            return refused
        post_info = body.get("post_info") or {}
        source_info = body.get("source_info") or {}
        info, refused = init_checks(fault, who, post_info, photo=False)
        if refused is not None:
            return refused
        source = source_info.get("source")
        if source == "FILE_UPLOAD":
            try:
                size, chunk, count = (int(source_info[k]) for k in ("video_size", "chunk_size", "total_chunk_count"))
            except (KeyError, TypeError, ValueError):
                return _error(400, "invalid_params", "source_info needs video_size, chunk_size and total_chunk_count")
            problem = check_chunks(size, chunk, count)
            if problem:
                return _error(400, "invalid_params", problem)
            entry = new_publish(who, "VIDEO", source, post_info, username=info["creator_username"],
                                size=size, chunkSize=chunk, count=count, nextChunk=0,
                                uploadToken=secrets.token_urlsafe(12))
            upload_id = entry["publishId"].rsplit(".", 1)[-1]
            entry["uploadId"] = upload_id
            data = {"publish_id": entry["publishId"],
                    "upload_url": f"{web_base}/tiktok/upload/video/?upload_id={upload_id}"
                                  f"&upload_token={entry['uploadToken']}"}
        elif source == "PULL_FROM_URL":
            url = source_info.get("video_url") or ""
            if not url:
                return _error(400, "invalid_params", "source_info.video_url is required for PULL_FROM_URL")
            if not domain_verified(url):
                return _error(403, "url_ownership_unverified",
                              "Please review our URL ownership verification rules: the domain of video_url is not "
                              "verified for this client.")
            entry = new_publish(who, "VIDEO", source, post_info, username=info["creator_username"], url=url)
            fetched, problem = fetch(url, VIDEO_TYPES, MAX_VIDEO_BYTES)
            if fetched is None or not looks_like(fetched["contentType"], bytes.fromhex(fetched["head"])):
                entry["failReason"] = "video_pull_failed" if fetched is None else "file_format_check_failed"
                entry["pullProblem"] = problem
            else:
                entry["media"] = [fetched]
                entry["downloaded"] = fetched["bytes"]
            data = {"publish_id": entry["publishId"]}
        else:
            return _error(400, "invalid_params", "source_info.source must be FILE_UPLOAD or PULL_FROM_URL")
        if fault is not None and fault.kind == "processing_failed":
            entry["failReason"] = fault.params.get("reason", "file_format_check_failed")
        if source == "PULL_FROM_URL":
            complete(entry)
        hold_if_asked(fault)
        return _ok(data)

    @bp.post("/v2/post/publish/content/init/")
    def content_init():
        fault, who, body, refused = init_preamble()
        if refused is not None:
            return refused
        if body.get("media_type") != "PHOTO":
            return _error(400, "invalid_params", "media_type must be PHOTO")
        if body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return _error(400, "invalid_params", "post_mode must be DIRECT_POST or MEDIA_UPLOAD")
        post_info = body.get("post_info") or {}
        source_info = body.get("source_info") or {}
        info, refused = init_checks(fault, who, post_info, photo=True)
        if refused is not None:
            return refused
        if source_info.get("source") != "PULL_FROM_URL":
            return _error(400, "invalid_params", "Photo posts only support source PULL_FROM_URL")
        images = source_info.get("photo_images") or []
        cover = source_info.get("photo_cover_index", 0)
        if not isinstance(images, list) or not 1 <= len(images) <= MAX_PHOTOS:
            return _error(400, "invalid_params", f"photo_images must hold 1 to {MAX_PHOTOS} URLs")
        if not isinstance(cover, int) or not 0 <= cover < len(images):
            return _error(400, "invalid_params", "photo_cover_index is out of range")
        for url in images:
            if not domain_verified(str(url)):
                return _error(403, "url_ownership_unverified",
                              "Please review our URL ownership verification rules: the domain of a photo_images "
                              "URL is not verified for this client.")
        entry = new_publish(who, "PHOTO", "PULL_FROM_URL", post_info, username=info["creator_username"],
                            photoCoverIndex=cover, postMode=body["post_mode"])
        for url in images:
            fetched, problem = fetch(str(url), PHOTO_TYPES, MAX_PHOTO_BYTES)
            if fetched is None:
                entry["failReason"] = ("picture_size_check_failed" if problem and "larger" in problem
                                       else "file_format_check_failed" if problem and "content type" in problem
                                       else "photo_pull_failed")
                entry["pullProblem"] = problem
                break
            if not looks_like(fetched["contentType"], bytes.fromhex(fetched["head"])):
                entry["failReason"] = "file_format_check_failed"
                break
            entry["media"].append(fetched)
            entry["downloaded"] += fetched["bytes"]
        if fault is not None and fault.kind == "processing_failed":
            entry["failReason"] = fault.params.get("reason", "file_format_check_failed")
        complete(entry)
        hold_if_asked(fault)
        return _ok({"publish_id": entry["publishId"]})

    # -- uploads -----------------------------------------------------------------------
    @bp.put("/upload/video/")
    def upload():
        fault, faulted = fault_response("upload")
        entry = next((s for s in sessions().values() if s.get("uploadId") == flask.request.args.get("upload_id")
                      and s.get("uploadToken") == flask.request.args.get("upload_token")), None)
        if fault is not None and "chunk" in fault.params and entry is not None \
                and int(fault.params["chunk"]) != entry["nextChunk"]:
            with state.lock:
                fault.remaining += 1  # meant for another chunk: leave it queued
            fault, faulted = None, None
        if faulted is not None:
            return faulted
        if entry is None:
            return _error(404, "invalid_params", "Unknown upload_id or upload_token")
        if fault is not None and fault.kind == "expired":
            entry["expired"] = True
        if entry["expired"] or time.time() - entry["createdAt"] > UPLOAD_TTL_S:
            entry["expired"] = True
            if entry["status"] == "PROCESSING_UPLOAD":
                entry["status"], entry["failReason"] = "FAILED", "file_upload_expired"
            return _error(404, "invalid_params", "The upload URL has expired; initialize a new upload")
        if entry["nextChunk"] >= entry["count"]:
            return _error(400, "invalid_params", "All chunks were already received")
        header = flask.request.headers.get("Content-Range", "")
        try:
            unit, rest = header.split(" ", 1)
            span, total = rest.split("/")
            first, last = (int(x) for x in span.split("-"))
            if unit != "bytes":
                raise ValueError(unit)
        except ValueError:
            return _error(400, "invalid_params", f"Malformed Content-Range {header!r}")
        index = entry["nextChunk"]
        start = index * entry["chunkSize"]
        end = entry["size"] if index == entry["count"] - 1 else start + entry["chunkSize"]
        if int(total) != entry["size"]:
            return _error(400, "invalid_params", f"Content-Range total {total} is not video_size {entry['size']}")
        if (first, last) != (start, end - 1):
            return _error(400, "invalid_params",
                          f"Chunks must be uploaded in order: expected bytes {start}-{end - 1}, got {first}-{last}")
        content_type = (flask.request.content_type or "").split(";")[0].strip().lower()
        if flask.request.content_length != end - start:
            return _error(400, "invalid_params", f"Content-Length must be {end - start}")
        received, head = 0, b""
        digest = entry.setdefault("_digest", hashlib.sha256())
        while True:
            piece = flask.request.stream.read(MB)
            if not piece:
                break
            if index == 0 and len(head) < 16:
                head += piece[: 16 - len(head)]
            digest.update(piece)
            received += len(piece)
        if received != end - start:
            return _error(400, "invalid_params", f"Received {received} bytes, expected {end - start}")
        if index == 0:
            entry["head"], entry["contentType"] = head, content_type
        entry["chunks"].append({"index": index, "range": f"{first}-{last}", "bytes": received})
        entry["received"] += received
        entry["nextChunk"] += 1
        if entry["nextChunk"] < entry["count"]:
            return "", 206
        entry["media"] = [{"bytes": entry["received"], "contentType": entry["contentType"],
                           "sha256": entry.pop("_digest").hexdigest()}]
        if entry["contentType"] not in VIDEO_TYPES or not looks_like(entry["contentType"], entry["head"]):
            entry["failReason"] = "file_format_check_failed"
        if fault is not None and fault.kind == "processing_failed":
            entry["failReason"] = fault.params.get("reason", "file_format_check_failed")
        complete(entry)
        return "", 201

    # -- status ------------------------------------------------------------------------
    @bp.post("/v2/post/publish/status/fetch/")
    def status():
        fault, faulted = fault_response("status")
        if faulted is not None:
            return faulted
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return _invalid_token()
        limited = rate_limited("status")
        if limited is not None:
            return limited
        body = flask.request.get_json(silent=True) or {}
        entry = sessions().get(str(body.get("publish_id") or ""))
        if entry is None or entry["owner"] != who:
            return _error(400, "invalid_params", "publish_id does not exist")
        with state.lock:
            if entry["status"] in ("PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD") and "completedAt" in entry:
                entry["polls"] += 1
                if entry["polls"] > POLLS_PROCESSING:
                    entry["status"] = "FAILED" if entry["failReason"] else "PUBLISH_COMPLETE"
            elif entry["status"] == "PUBLISH_COMPLETE":
                entry["polls"] += 1
            data: dict[str, Any] = {"status": entry["status"]}
            if entry["status"] == "FAILED":
                data["fail_reason"] = entry["failReason"]
            public = entry["postId"] and entry["postInfo"].get("privacy_level") != "SELF_ONLY"
            # Moderation: the public id shows one poll after PUBLISH_COMPLETE.
            ids = [int(entry["postId"])] if (entry["status"] == "PUBLISH_COMPLETE" and public
                                             and entry["polls"] > POLLS_PROCESSING + 1) else []
            data["publicaly_available_post_id"] = ids
            if entry["source"] == "FILE_UPLOAD":
                data["uploaded_bytes"] = entry["received"]
            else:
                data["downloaded_bytes"] = entry["downloaded"]
        hold_if_asked(fault)
        return _ok(data)

    # -- the post's page -------------------------------------------------------------------
    @bp.get("/web/@<username>/video/<post_id>")
    def web(username: str, post_id: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id
                     and p["username"] == username and p["privacyLevel"] != "SELF_ONLY"), None)
        if post is None:
            return "Not found", 404
        media = "".join(f"<li>{escape(m['contentType'])}, {m['bytes']} bytes</li>" for m in post["media"])
        return (f"<html><body><h1>TikTok sandbox post {post_id}</h1><p>@{escape(username)} · "
                f"{escape(post['privacyLevel'])}</p><h2>{escape(post['title'])}</h2>"
                f"<p>{escape(post.get('description') or '')}</p><ul>{media}</ul></body></html>")

    return bp
