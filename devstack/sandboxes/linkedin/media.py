"""LinkedIn's Images and Videos APIs, as the LinkedIn sandbox serves them (see linkedin.py):
`initializeUpload` answers absolute upload URLs back into this server; a video's part PUT answers
an `ETag`, and `finalizeUpload` checks the ETag list and its order; media go `WAITING_UPLOAD →
PROCESSING → AVAILABLE` (or `PROCESSING_FAILED`) over polls.

Fault operations: `image_initialize`, `image_upload` (`processing_failed` applies here),
`image_status`, `video_initialize`, `video_upload`, `video_finalize` (`processing_failed`),
`video_status`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Callable

import flask

from devstack.sandboxes.core import Gate, SandboxState

PLATFORM = "linkedin"
PART_BYTES = 4 * 1024 * 1024  # LinkedIn's documented part size for multipart video uploads
MAX_VIDEO_BYTES = 500 * 1024 * 1024


def media_view(media: dict) -> dict:
    view = {"id": media["urn"], "owner": media["owner"], "status": media["status"]}
    if media["status"] == "PROCESSING_FAILED":
        view["processingFailureReason"] = media["failure"]
    if media["kind"] == "video":
        view |= {"duration": 0, "aspectRatioWidth": 16, "aspectRatioHeight": 9}
    return view

def advance(media: dict) -> None:
    """One status read: PROCESSING turns AVAILABLE (or PROCESSING_FAILED) after a few polls."""
    if media["status"] != "PROCESSING":
        return
    media["polls"] += 1
    if media["polls"] >= media["pollsNeeded"]:
        media["status"] = "PROCESSING_FAILED" if media["failure"] else "AVAILABLE"


def register(bp: flask.Blueprint, state: SandboxState, gate: Gate, base_url: str, *, rest_checks: Callable,
             may_act_as: Callable[[str, str | None], bool], forbidden: Callable, unauthorized: Callable,
             error: Callable) -> None:
    """Adds the Images and Videos APIs to the LinkedIn blueprint, with its checks (`rest_checks`:
    version and protocol headers, faults, the token), author permissions and error body."""
    _error = error

    # -- Images API ----------------------------------------------------------------------
    @bp.post("/rest/images")
    def images_action():
        if flask.request.args.get("action") != "initializeUpload":
            return _error(400, "Unsupported action", "ILLEGAL_ARGUMENT")
        _, who, error = rest_checks("image_initialize")
        if error is not None:
            return error
        request = (flask.request.get_json(force=True, silent=True) or {}).get("initializeUploadRequest") or {}
        owner = request.get("owner")
        if not may_act_as(who, owner):
            return forbidden(owner, "images.initializeUpload")
        media_id = f"D{state.next_id()}"
        urn = f"urn:li:image:{media_id}"
        signature = secrets.token_hex(8)
        with state.lock:
            state.media[urn] = {"kind": "image", "urn": urn, "owner": owner, "status": "WAITING_UPLOAD",
                                "polls": 0, "pollsNeeded": 1, "failure": None, "size": 0, "signature": signature}
        expires = int((time.time() + 86400) * 1000)
        return {"value": {"uploadUrlExpiresAt": expires, "image": urn,
                          "uploadUrl": f"{base_url}/linkedin/dms-uploads/image/{media_id}?sig={signature}"}}

    @bp.put("/dms-uploads/image/<media_id>")
    def image_upload(media_id: str):
        fault, faulted = gate.fault("image_upload")
        if faulted is not None:
            return faulted
        media = state.media.get(f"urn:li:image:{media_id}")
        if media is None or flask.request.args.get("sig") != media["signature"]:
            return _error(404, "Upload URL not found or expired")
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is None:
            return unauthorized()  # LinkedIn's image upload URL wants the bearer token too
        if not may_act_as(who, media["owner"]):
            return forbidden(media["owner"], "image upload")
        data = flask.request.get_data()
        if not data:
            return _error(400, "Empty upload")
        with state.lock:
            media["size"] = len(data)
            media["status"] = "PROCESSING"
            media["polls"] = 0
            if fault is not None and fault.kind == "processing_failed":
                media["failure"] = "Unsupported image format"
        return "", 201

    def media_status(urn: str, kind: str):
        """`GET /rest/images/{urn}` or `/rest/videos/{urn}`: one status read (it may advance)."""
        _, who, error = rest_checks(f"{kind}_status")
        if error is not None:
            return error
        media = state.media.get(urn)
        if media is None or media["kind"] != kind:
            return _error(404, f"{kind.capitalize()} {urn} not found", "NOT_FOUND")
        if not may_act_as(who, media["owner"]):
            return forbidden(urn, f"{kind}s.get")
        with state.lock:
            advance(media)
            return media_view(media)

    @bp.get("/rest/images/<path:urn>")
    def image_status(urn: str):
        return media_status(urn, "image")

    # -- Videos API ----------------------------------------------------------------------
    @bp.post("/rest/videos")
    def videos_action():
        action = flask.request.args.get("action")
        if action == "initializeUpload":
            return video_initialize()
        if action == "finalizeUpload":
            return video_finalize()
        return _error(400, "Unsupported action", "ILLEGAL_ARGUMENT")

    def video_initialize():
        _, who, error = rest_checks("video_initialize")
        if error is not None:
            return error
        request = (flask.request.get_json(force=True, silent=True) or {}).get("initializeUploadRequest") or {}
        owner = request.get("owner")
        if not may_act_as(who, owner):
            return forbidden(owner, "videos.initializeUpload")
        size = request.get("fileSizeBytes")
        if not isinstance(size, int) or size <= 0:
            return _error(400, "fileSizeBytes is required and must be positive", "ILLEGAL_ARGUMENT")
        if size > MAX_VIDEO_BYTES:
            return _error(400, f"Video file size {size} exceeds the maximum of {MAX_VIDEO_BYTES} bytes",
                          "ILLEGAL_ARGUMENT")
        media_id = f"D{state.next_id()}"
        urn = f"urn:li:video:{media_id}"
        signature = secrets.token_hex(8)
        parts = []
        for index, first in enumerate(range(0, size, PART_BYTES)):
            last = min(size, first + PART_BYTES) - 1
            parts.append({"uploadUrl": f"{base_url}/linkedin/dms-uploads/video/{media_id}/{index}?sig={signature}",
                          "firstByte": first, "lastByte": last})
        token = secrets.token_hex(6) if len(parts) > 1 else ""
        with state.lock:
            state.media[urn] = {"kind": "video", "urn": urn, "owner": owner, "status": "WAITING_UPLOAD",
                                "polls": 0, "pollsNeeded": 2, "failure": None, "size": size,
                                "signature": signature, "parts": parts, "etags": {}, "uploadToken": token}
        return {"value": {"uploadUrlsExpireAt": int((time.time() + 86400) * 1000), "video": urn,
                          "uploadInstructions": parts, "uploadToken": token}}

    @bp.put("/dms-uploads/video/<media_id>/<int:index>")
    def video_part(media_id: str, index: int):
        _, faulted = gate.fault("video_upload")
        if faulted is not None:
            return faulted
        media = state.media.get(f"urn:li:video:{media_id}")
        if media is None or flask.request.args.get("sig") != media["signature"] or index >= len(media["parts"]):
            return _error(404, "Upload URL not found or expired")
        part = media["parts"][index]
        data = flask.request.get_data()
        expected = part["lastByte"] - part["firstByte"] + 1
        if len(data) != expected:
            return _error(400, f"Part {index} must be {expected} bytes (bytes {part['firstByte']}-"
                               f"{part['lastByte']}); received {len(data)}")
        etag = f'"{hashlib.md5(data).hexdigest()}-{index}"'  # noqa: S324 - an ETag, not security
        with state.lock:
            media["etags"][index] = etag
        return "", 200, {"ETag": etag}

    def video_finalize():
        fault, who, error = rest_checks("video_finalize")
        if error is not None:
            return error
        request = (flask.request.get_json(force=True, silent=True) or {}).get("finalizeUploadRequest") or {}
        media = state.media.get(request.get("video") or "")
        if media is None or media["kind"] != "video":
            return _error(404, f"Video {request.get('video')} not found", "NOT_FOUND")
        if not may_act_as(who, media["owner"]):
            return forbidden(media["urn"], "videos.finalizeUpload")
        if (request.get("uploadToken") or "") != media["uploadToken"]:
            return _error(400, "Invalid uploadToken", "ILLEGAL_ARGUMENT")
        expected = [media["etags"].get(i) for i in range(len(media["parts"]))]
        if None in expected:
            missing = [i for i, e in enumerate(expected) if e is None]
            return _error(400, f"Parts {missing} were never uploaded", "ILLEGAL_ARGUMENT")
        if request.get("uploadedPartIds") != expected:
            return _error(400, "uploadedPartIds do not match the uploaded parts (ETags, in upload order)",
                          "ILLEGAL_ARGUMENT")
        with state.lock:
            if media["status"] == "WAITING_UPLOAD":
                media["status"] = "PROCESSING"
                media["polls"] = 0
                if fault is not None and fault.kind == "processing_failed":
                    media["failure"] = "The video could not be processed: unsupported codec"
        return "", 200

    @bp.get("/rest/videos/<path:urn>")
    def video_status(urn: str):
        return media_status(urn, "video")
