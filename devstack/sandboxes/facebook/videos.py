"""The Facebook sandbox's videos (see facebook.py): the resumable upload API
(`POST /{app-id}/uploads`, `POST|GET /upload:<session>`), graph-video
`POST /video/{version}/{page}/videos` with the upload handle, reels (`POST /{page}/video_reels`
start and finish, the bytes on rupload `POST /rupload/video-upload/{version}/{video}` with
`offset` and `file_size` headers) and a video node's `status` as it is processed.

Fault operations: `upload_session`, `upload` (a `server_error` with `params.after_bytes` keeps
that many bytes, like a dropped connection), `upload_status`, `create` (/videos, reels finish;
`hold` and `processing_failed` apply here), `reel_start`, `reel_upload` (also honours
`after_bytes`), `status`.
"""

from __future__ import annotations

import secrets
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import flask

from devstack.sandboxes.core import Fault, Gate, hold_if_asked
from devstack.sandboxes.meta_graph import bad_version, graph_error, graph_time, params, server_error, unknown_object
from devstack.sandboxes.uploads import cut_short, kept_of, take_part, unless_cut_short

if TYPE_CHECKING:
    from devstack.sandboxes.facebook import FacebookApp

UPLOAD_TYPES = ("video/mp4", "image/jpeg", "image/jpg", "image/png", "application/pdf")


def register(bp: flask.Blueprint, app: FacebookApp, gate: Gate, base_url: str) -> SimpleNamespace:
    """Adds the video routes to the Facebook blueprint; answers what its node route dispatches to
    (`upload_chunk`, `upload_status`, `video_node`)."""
    state = app.state

    def new_video(page: str, kind: str, size: int | None, **extra: Any) -> dict[str, Any]:
        video_id = state.next_id()
        path = f"/reel/{video_id}/" if kind == "reel" else f"/{page}/videos/{video_id}/"
        video = {"id": video_id, "page": page, "kind": kind, "size": size, "received": 0, "head": b"",
                 "requests": [], "published": False, "failed": False, "polls": 0, "path": path,
                 "createdAt": time.time(), **extra}
        with state.lock:
            state.media[f"fb:video:{video_id}"] = video
        return video

    def publish_video(video: dict[str, Any], description: str, fault: Fault | None) -> None:
        video["published"] = True
        video["description"] = description
        video["failed"] = (fault is not None and fault.kind == "processing_failed") or video["head"][4:8] != b"ftyp"
        app.record(video["page"], "video", video["id"], video["path"], relative=True, message=description,
                   video_kind=video["kind"], size=video["received"], state="processing")

    def video_node(video: dict[str, Any], wanted: set[str]):
        _, _, refused = gate("status", video["page"])
        if refused is not None:
            return refused
        out: dict[str, Any] = {"id": video["id"]}
        if "status" in wanted:
            out["status"] = video_status(video)
        if "permalink_url" in wanted:
            out["permalink_url"] = video["path"]
        if "description" in wanted and video.get("description"):
            out["description"] = video["description"]
        return out

    def video_status(video: dict[str, Any]) -> dict[str, Any]:
        uploading = {"status": "complete" if video["received"] >= (video["size"] or -1) else "in_progress",
                     "bytes_transferred": video["received"]}
        if not video["published"]:
            return {"video_status": "upload_complete" if uploading["status"] == "complete" else "processing",
                    "uploading_phase": uploading, "processing_phase": {"status": "not_started"},
                    "publishing_phase": {"status": "not_started"}}
        video["polls"] += 1
        post = app.find_post(video["id"])
        if video["failed"]:
            if post is not None:
                post["state"] = "error"
            return {"video_status": "error", "uploading_phase": uploading,
                    "processing_phase": {"status": "error", "errors": [
                        {"code": 1363008, "message": "Video Format Is Not Supported: the file could not be decoded"}]},
                    "publishing_phase": {"status": "not_started"}}
        if video["polls"] < 3:
            return {"video_status": "processing", "uploading_phase": uploading,
                    "processing_phase": {"status": "in_progress"}, "publishing_phase": {"status": "in_progress"}}
        if post is not None:
            post["state"] = "published"
        return {"video_status": "ready", "uploading_phase": uploading, "processing_phase": {"status": "complete"},
                "publishing_phase": {"status": "complete", "publish_status": "published",
                                     "publish_time": graph_time(video["createdAt"])}}

    # -- resumable upload API ------------------------------------------------------------
    # A server_error cut short keeps part of the bytes: the chunk routes answer it themselves.
    cut = {"server_error": unless_cut_short(gate.answers["server_error"])}

    @bp.post("/<version>/<app_id>/uploads")
    def upload_session(version: str, app_id: str):
        if (bad := bad_version(version)) is not None:
            return bad
        _, who, refused = app.user_checks(gate, "upload_session")
        if refused is not None:
            return refused
        if app_id != app.app_id:
            return unknown_object(app_id)
        args = params()
        length = str(args.get("file_length", ""))
        if not length.isdigit() or int(length) <= 0:
            return graph_error(400, 100, "(#100) The parameter file_length is required")
        if args.get("file_type") not in UPLOAD_TYPES:
            return graph_error(400, 100, "(#100) file_type must be one of " + ", ".join(UPLOAD_TYPES))
        sid = secrets.token_hex(10)
        with state.lock:
            state.media[f"fb:session:{sid}"] = {
                "id": f"upload:{sid}", "owner": who, "length": int(length), "type": args["file_type"],
                "name": args.get("file_name"), "offset": 0, "head": b"", "handle": None, "requests": []}
        return {"id": f"upload:{sid}"}

    def session_of(operation: str, node: str, **overrides):
        """(fault, the upload session of the user's token, refusal)."""
        fault, who, refused = app.user_checks(gate, operation, **overrides)
        if refused is not None:
            return fault, None, refused
        session = state.media.get(f"fb:session:{node.removeprefix('upload:')}")
        if session is None or session["owner"] != who:
            return fault, None, unknown_object(node)
        return fault, session, None

    def upload_status(node: str):
        _, session, refused = session_of("upload_status", node)
        if refused is not None:
            return refused
        return {"id": session["id"], "file_offset": session["offset"]}

    def upload_chunk(node: str):
        data = flask.request.get_data()  # always drain the body, even to refuse it
        fault, session, refused = session_of("upload", node, **cut)
        if refused is not None:
            return refused
        offset = flask.request.headers.get("file_offset", "")
        if not offset.isdigit():
            return graph_error(400, 100, "(#100) The file_offset header is required")
        if int(offset) != session["offset"]:
            return graph_error(400, 100, f"(#100) file_offset {offset} does not match the uploaded size "
                                         f"{session['offset']}; resume from file_offset")
        if session["offset"] + len(data) > session["length"]:
            return graph_error(400, 100, "(#100) The upload is longer than file_length")
        if cut_short(fault):  # the connection broke mid-way
            take_part(state, session, kept_of(fault, data), session["offset"], count="offset")
            return server_error()
        take_part(state, session, data, session["offset"], count="offset")
        if session["offset"] < session["length"]:
            return {"id": session["id"], "file_offset": session["offset"]}
        session["handle"] = session["handle"] or f"4:{secrets.token_urlsafe(12)}"
        return {"h": session["handle"]}

    # -- graph-video /videos, reels ------------------------------------------------------
    @bp.post("/video/<version>/<page>/videos")
    def create_video(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        fault, _, refused = gate("create", page)
        if refused is not None:
            return refused
        args = params()
        handle = args.get("fbuploader_video_file_chunk")
        if not handle:
            return graph_error(400, 100, "(#100) No file was uploaded: set fbuploader_video_file_chunk or file_url")
        session = next((s for k, s in state.media.items()
                        if k.startswith("fb:session:") and s["handle"] == handle), None)
        if session is None or session["owner"] != page:
            return graph_error(400, 100, "(#100) Invalid upload handle")
        video = new_video(page, "video", session["length"], handle=handle)
        video.update(received=session["offset"], head=session["head"])
        publish_video(video, str(args.get("description") or ""), fault)
        hold_if_asked(fault)
        return {"id": video["id"]}

    @bp.post("/<version>/<page>/video_reels")
    def reels(version: str, page: str):
        if (bad := bad_version(version)) is not None:
            return bad
        args = params()
        phase = args.get("upload_phase")
        fault, _, refused = gate("reel_start" if phase == "start" else "create", page)
        if refused is not None:
            return refused
        if phase == "start":
            video = new_video(page, "reel", None)
            return {"video_id": video["id"],
                    "upload_url": f"{base_url}/facebook/rupload/video-upload/{version}/{video['id']}"}
        if phase != "finish":
            return graph_error(400, 100, "(#100) upload_phase must be start or finish")
        video = state.media.get(f"fb:video:{args.get('video_id')}")
        if video is None or video["page"] != page or video["kind"] != "reel":
            return graph_error(400, 100, "(#100) Invalid video_id")
        if video["size"] is None or video["received"] < video["size"]:
            return graph_error(400, 6000, "There was a problem uploading your video file: the upload is incomplete")
        if args.get("video_state") != "PUBLISHED":
            return graph_error(400, 100, "(#100) video_state must be PUBLISHED (drafts are not supported here)")
        if not video["published"]:
            publish_video(video, str(args.get("description") or ""), fault)
        hold_if_asked(fault)
        return {"success": True}

    def rupload_error(status: int, kind: str, message: str, retriable: bool = False):
        return {"debug_info": {"retriable": retriable, "type": kind, "message": message}}, status

    @bp.post("/rupload/video-upload/<version>/<video_id>")
    def rupload(version: str, video_id: str):
        data = flask.request.get_data()
        fault, faulted = gate.fault("reel_upload", **cut)
        if faulted is not None:
            return faulted
        video = state.media.get(f"fb:video:{video_id}")
        if video is None or video["kind"] != "reel":
            return rupload_error(404, "NotFoundError", "Unknown video id")
        if (denied := app.page_auth(video["page"])) is not None:
            return denied
        offset, size = flask.request.headers.get("offset", ""), flask.request.headers.get("file_size", "")
        if not offset.isdigit() or not size.isdigit():
            return rupload_error(400, "BadRequestError", "offset and file_size headers are required")
        if video["size"] not in (None, int(size)) or int(offset) != video["received"]:
            return rupload_error(400, "ProcessingFailedError",
                                 f"offset {offset} does not match {video['received']} bytes received")
        video["size"] = int(size)
        if cut_short(fault):
            take_part(state, video, kept_of(fault, data), video["received"], count="received")
            return rupload_error(500, "ServerError", "Upload interrupted", retriable=True)
        if video["received"] + len(data) > video["size"]:
            return rupload_error(400, "BadRequestError", "More bytes than file_size")
        take_part(state, video, data, video["received"], count="received")
        return {"success": True}

    return SimpleNamespace(upload_chunk=upload_chunk, upload_status=upload_status, video_node=video_node)
