"""YouTube's resumable videos.insert (see youtube.py for the protocol): `POST
/upload/youtube/v3/videos?uploadType=resumable` validates the video resource and opens a session;
`PUT <session>` takes the chunks (`Content-Range: bytes a-b/total`, multiples of 256 KiB but the
last) or probes (`bytes */total`); the chunk that completes the file creates the video.

Fault operations: `initiate`, `upload` (a chunk that does not complete the file), `create` (the
chunk that completes it: `hold`, `processing_failed` and `duplicate` apply here), `probe`;
`server_error` on `upload`/`create` keeps `params.after_bytes` of the chunk before failing (a
connection that broke mid-way, devstack/sandboxes/uploads.py), `session_expired` expires the
session (404 from then on).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Any, Callable

import flask

from devstack.sandboxes.core import Fault, Gate, SandboxState, hold_if_asked
from devstack.sandboxes.youtube.google import google_error
from devstack.sandboxes.uploads import cut_short, kept_of, take_part

PLATFORM = "youtube"
GRANULARITY = 256 * 1024
MAX_TITLE = 100
MAX_DESCRIPTION_BYTES = 5000
MAX_TAGS_CHARS = 500
# Assignable video categories (US region, videoCategories.list).
CATEGORIES = {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"}
DEFAULT_CATEGORY = "22"
_RANGE = re.compile(r"^bytes (?:(\d+)-(\d+)|\*)/(\d+)$")


def _is_video(head: bytes) -> bool:
    return head[4:8] == b"ftyp" or head[:4] in (b"\x1a\x45\xdf\xa3", b"RIFF") or head[:3] == b"FLV"



def register(bp: flask.Blueprint, state: SandboxState, gate: Gate, root: str, web: str, *,
             video_resource: Callable[[dict[str, Any], set[str]], dict[str, Any]],
             backend_error: Callable[[], flask.Response]) -> None:
    """Adds videos.insert to the YouTube blueprint; `video_resource` renders a video as
    videos.list does."""

    @bp.post("/upload/youtube/v3/videos")
    def initiate():
        _, who, refused = gate("initiate")
        if refused is not None:
            return refused
        args = flask.request.args
        if args.get("uploadType") != "resumable":
            return google_error(400, "invalidParameter", "The sandbox implements only uploadType=resumable",
                                location="uploadType")
        parts = {p.strip() for p in (args.get("part") or "").split(",") if p.strip()}
        if "snippet" not in parts:
            return google_error(400, "required", "Required parameter: part (snippet)", location="part")
        length = flask.request.headers.get("X-Upload-Content-Length", "")
        if not length.isdigit() or int(length) <= 0:
            return google_error(400, "uploadContentLengthRequired",
                                "The X-Upload-Content-Length header is required for resumable uploads.")
        media_type = flask.request.headers.get("X-Upload-Content-Type", "application/octet-stream")
        if not (media_type.startswith("video/") or media_type == "application/octet-stream"):
            return google_error(400, "badContent", f"Media type '{media_type}' is not supported.")
        body = flask.request.get_json(silent=True)
        if not isinstance(body, dict):
            return google_error(400, "parseError", "Parse Error")
        snippet = body.get("snippet") or {}
        status = body.get("status") or {}
        title = str(snippet.get("title") or "")
        description = str(snippet.get("description") or "")
        tags = [str(t) for t in snippet.get("tags") or []]
        category = str(snippet.get("categoryId") or DEFAULT_CATEGORY)
        if not title.strip() or len(title) > MAX_TITLE or "<" in title or ">" in title:
            return google_error(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.",
                                domain="youtube.video", location="body.snippet.title")
        if len(description.encode()) > MAX_DESCRIPTION_BYTES or "<" in description or ">" in description:
            return google_error(400, "invalidDescription", "The request metadata specifies an invalid video "
                                "description.", domain="youtube.video", location="body.snippet.description")
        tag_chars = sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)
        if tag_chars > MAX_TAGS_CHARS or any("<" in t or ">" in t for t in tags):
            return google_error(400, "invalidTags", "The request metadata specifies invalid video keywords.",
                                domain="youtube.video", location="body.snippet.tags")
        if category not in CATEGORIES:
            return google_error(400, "invalidCategoryId", "The <code>snippet.categoryId</code> property specifies "
                                "an invalid category ID.", domain="youtube.video", location="body.snippet.categoryId")
        privacy = status.get("privacyStatus", "public")
        if privacy not in ("public", "private", "unlisted"):
            return google_error(400, "invalidVideoMetadata", "The request metadata is invalid.",
                                domain="youtube.video", location="body.status.privacyStatus")
        upload_id = secrets.token_urlsafe(24)
        with state.lock:
            state.media[f"yt:session:{upload_id}"] = {
                "id": upload_id, "owner": who, "total": int(length), "type": media_type, "received": 0,
                "sha": hashlib.sha256(), "head": b"", "requests": [], "probes": [], "expired": False,
                "video": None, "createdAt": time.time(),
                "metadata": {"title": title, "description": description, "tags": tags, "categoryId": category,
                             "privacyStatus": privacy,
                             "madeForKids": bool(status.get("selfDeclaredMadeForKids", False)),
                             "parts": sorted(parts)}}
        location = f"{root}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
        response = flask.make_response("", 200)
        response.headers["Location"] = location
        response.headers["X-GUploader-UploadID"] = upload_id
        return response

    @bp.put("/upload/youtube/v3/videos")
    def upload():
        data = flask.request.get_data()  # always drain the body, even to refuse it
        match = _RANGE.match(flask.request.headers.get("Content-Range", "").strip())
        with state.lock:
            session = state.media.get(f"yt:session:{flask.request.args.get('upload_id', '')}")
        probing = match is not None and match.group(1) is None
        completes = (match is not None and not probing and session is not None
                     and int(match.group(2)) + 1 == session["total"])
        operation = "probe" if probing else "create" if completes else "upload"
        fault, faulted = gate.fault(operation)
        if faulted is not None:
            return faulted
        if session is None or session["expired"]:
            return not_found()
        if fault is not None and fault.kind == "session_expired":
            session["expired"] = True
            return not_found()
        if match is None:
            return google_error(400, "badRequest", "Content-Range must be 'bytes a-b/total' or 'bytes */total'")
        if int(match.group(3)) != session["total"]:
            return google_error(400, "badRequest", f"Content-Range total {match.group(3)} does not match the "
                                f"X-Upload-Content-Length {session['total']} of this session")
        if probing or session["video"] is not None:
            if probing:
                session["probes"].append(session["received"])
            return progress(session)
        start, end = int(match.group(1)), int(match.group(2))
        if start != session["received"]:
            return google_error(400, "badRequest", f"Content-Range starts at byte {start}, but {session['received']} "
                                "bytes were received; probe the session (bytes */total) and resume from there")
        if end < start or len(data) != end - start + 1:
            return google_error(400, "badRequest", f"Content-Range {start}-{end} does not match the "
                                f"{len(data)}-byte body")
        if end + 1 < session["total"] and len(data) % GRANULARITY:
            return google_error(400, "badRequest", f"Chunks must be a multiple of {GRANULARITY} bytes (256 KiB), "
                                "except the final chunk")
        if cut_short(fault):  # the connection broke mid-chunk
            take_part(state, session, kept_of(fault, data), start, count="received", logged_as="start")
            return backend_error()
        take_part(state, session, data, start, count="received", logged_as="start")
        if session["received"] < session["total"]:
            return progress(session)
        video = complete(session, fault)
        hold_if_asked(fault)
        return video

    def not_found() -> flask.Response:
        return google_error(404, "notFound", "The upload session was not found or has expired; start a new one.")

    def progress(session: dict[str, Any]) -> flask.Response:
        if session["video"] is not None:
            video = state.media[f"yt:video:{session['video']}"]
            return flask.make_response(video_resource(video, set(session["metadata"]["parts"])), 200)
        response = flask.make_response("", 308)
        if session["received"]:
            response.headers["Range"] = f"bytes=0-{session['received'] - 1}"
        return response

    def complete(session: dict[str, Any], fault: Fault | None) -> flask.Response:
        owner, meta = session["owner"], session["metadata"]
        digest = session["sha"].hexdigest()
        with state.lock:
            duplicate = (fault is not None and fault.kind == "duplicate") or any(
                v.get("sha256") == digest and v["owner"] == owner and v["outcome"] == "processed"
                for k, v in state.media.items() if k.startswith("yt:video:"))
            if fault is not None and fault.kind == "processing_failed":
                outcome, reason = "failed", "codec"
            elif not _is_video(session["head"]):
                outcome, reason = "failed", "invalidFile"
            elif duplicate:
                outcome, reason = "rejected", "duplicate"
            else:
                outcome, reason = "processed", None
            video_id = secrets.token_urlsafe(8)[:11]
            video = {"id": video_id, "etag": secrets.token_urlsafe(12), "owner": owner, "createdAt": time.time(),
                     "uploadStatus": "uploaded", "processingStatus": "processing", "outcome": outcome,
                     "reason": reason, "polls": 0, "sha256": digest, "size": session["received"],
                     "session": session["id"], "thumbnail": None,
                     **{k: meta[k] for k in ("title", "description", "tags", "categoryId", "privacyStatus",
                                             "madeForKids")}}
            state.media[f"yt:video:{video_id}"] = video
            session["video"] = video_id
            state.record_post(PLATFORM, owner, id=video_id, url=f"{web}/watch?v={video_id}",
                              title=meta["title"], description=meta["description"], tags=meta["tags"],
                              categoryId=meta["categoryId"], privacyStatus=meta["privacyStatus"],
                              madeForKids=meta["madeForKids"], size=session["received"], sha256=digest,
                              uploadStatus="uploaded", session=session["id"], thumbnail=None)
        return flask.make_response(video_resource(video, set(meta["parts"])), 200)
