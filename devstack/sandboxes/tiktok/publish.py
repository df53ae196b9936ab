"""TikTok's Content Posting inits and chunked uploads (see tiktok.py): `POST
/v2/post/publish/video/init/` (FILE_UPLOAD with TikTok's chunk arithmetic, or PULL_FROM_URL from
a verified domain, really fetched), `POST /v2/post/publish/content/init/` (photo posts, each image
really fetched) and `PUT upload_url` (chunks in order with `Content-Range: bytes a-b/total`, each
of exactly the size the init implied; 206 until the last, then 201). The URL pulls use the
crawler shared with Instagram and Threads (devstack/sandboxes/media_urls.py).

Fault operations: `create` (both inits; `hold` applies here, after the init took effect;
`too_many_posts`, `unaudited`, `processing_failed`), `upload` (params `chunk`: only that chunk
index; `expired`: the session is gone, as after its hour; `processing_failed`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, Callable

import flask

from devstack.sandboxes.core import Gate, SandboxState, hold_if_asked
from devstack.sandboxes.media_urls import fetch_media

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
VIDEO_TYPES = {"video/mp4", "video/webm", "video/quicktime"}
PHOTO_TYPES = {"image/jpeg", "image/webp"}


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


def _too_many_posts():
    return _error(403, "spam_risk_too_many_posts",
                  "The daily post cap from the API is reached for the current user.")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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


def register(bp: flask.Blueprint, state: SandboxState, gate: Gate, web_base: str, *,
             rate_limited: Callable, profile: Callable, sessions: Callable, posts_today: Callable,
             daily_cap: Callable[[], int], domain_verified: Callable, new_publish: Callable,
             complete: Callable) -> None:
    """Adds the inits and the upload route to the TikTok blueprint, with the sandbox's shared
    pieces: the per-token rate limits, creators' profiles, publishes, the daily post cap (read
    when called) and `complete` (the media is all there: publish it)."""

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

    # -- inits -------------------------------------------------------------------------
    def init_preamble():
        fault, who, refused = gate("create")
        if fault is not None and fault.kind == "hold" and fault.params.get("before"):
            # `hold` with `before`: the request waits before TikTok acts on it (a slow network or
            # front end); the caller gives up on the answer while TikTok has not fetched anything.
            hold_if_asked(fault)
            fault = None
        if refused is not None:
            return fault, None, None, refused
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
        if posts_today(who) >= daily_cap():
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
            fetched, problem = fetch_media(url, MAX_VIDEO_BYTES, VIDEO_TYPES, fingerprint=True)
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
            fetched, problem = fetch_media(str(url), MAX_PHOTO_BYTES, PHOTO_TYPES, fingerprint=True)
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
        fault, faulted = gate.fault("upload")
        # Looked up under the lock: inits on other threads add sessions meanwhile (the crash soak's
        # concurrent publishes made this iteration fail with "dictionary changed size").
        with state.lock:
            entry = next((s for s in list(sessions().values())
                          if s.get("uploadId") == flask.request.args.get("upload_id")
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
            # Only an incomplete upload dies with its URL: once the last chunk is in, the video
            # is being published (the post exists here already), whatever a late PUT is told.
            if entry["status"] == "PROCESSING_UPLOAD" and entry["nextChunk"] < entry["count"]:
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
        # A copy: a chunk cut short (the client died mid-body) must leave no trace, as on
        # TikTok, where only a chunk received whole counts; its retry sends the same bytes again.
        digest = entry.get("_digest", hashlib.sha256()).copy()
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
        entry["_digest"] = digest
        entry["chunks"].append({"index": index, "range": f"{first}-{last}", "bytes": received})
        entry["received"] += received
        entry["nextChunk"] += 1
        if entry["nextChunk"] < entry["count"]:
            hold_if_asked(fault)  # `hold`: the chunk counts, its answer is late
            return "", 206
        entry["media"] = [{"bytes": entry["received"], "contentType": entry["contentType"],
                           "sha256": entry.pop("_digest").hexdigest()}]
        if entry["contentType"] not in VIDEO_TYPES or not looks_like(entry["contentType"], entry["head"]):
            entry["failReason"] = "file_format_check_failed"
        if fault is not None and fault.kind == "processing_failed":
            entry["failReason"] = fault.params.get("reason", "file_format_check_failed")
        complete(entry)
        hold_if_asked(fault)  # `hold`: the upload is complete (the post is made), its answer is late
        return "", 201

