"""YouTube Data API v3 commentThreads, as the YouTube publisher's first comment uses them; shaped
like the Instagram sandbox's comments (instagram/__init__.py) and held, as every YouTube call
here is, to the discovery document (devstack/contracts/youtube.py).

- `POST /youtube/v3/commentThreads?part=snippet` with `{snippet: {videoId, topLevelComment:
  {snippet: {textOriginal}}}}` → the commentThread resource (developers.google.com/youtube/v3/
  docs/commentThreads/insert; scope youtube.force-ssl), its top-level comment by the caller's
  channel. The thread's `snippet.channelId` is the video's channel (docs/commentThreads:
  "The YouTube channel that is associated with the comments in the thread").
- `GET /youtube/v3/commentThreads?part=snippet&videoId=` → the video's threads, newest first
  (`order=time`, the default), `maxResults` 1-100 (default 20) a page (commentThreads/list).

Refusals, in Google's envelope: no text → 400 commentTextRequired; over MAX_COMMENT → 400
commentTextTooLong (both on the insert page; the figure is [unverified]: 10,000 characters is
YouTube's comment box, the API page names none); an unknown video → 404 videoNotFound; a
video made for kids → 403 commentsDisabled (YouTube turns comments off on made-for-kids
content, support.google.com/youtube/answer/9527654; the reason is commentThreads.list's
[unverified for insert]). Faults: `comment` on insert (`hold` applies: the comment is made,
the answer never comes), `lookup` on list.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Callable

import flask

from devstack.sandboxes.core import Gate, SandboxState, hold_if_asked
from devstack.sandboxes.youtube.google import _rfc3339, google_error

MAX_COMMENT = 10_000


def register(bp: flask.Blueprint, state: SandboxState, gate: Gate, channel_id: Callable[[str], str]) -> None:
    def thread_resource(video: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
        author = channel_id(comment["author"])
        top = {"kind": "youtube#comment", "etag": comment["etag"], "id": comment["id"], "snippet": {
            "channelId": channel_id(video["owner"]), "videoId": video["id"],
            "textDisplay": comment["text"], "textOriginal": comment["text"],
            "authorDisplayName": f"@{comment['author']}", "authorChannelId": {"value": author},
            "authorChannelUrl": f"http://www.youtube.com/channel/{author}", "canRate": True,
            "viewerRating": "none", "likeCount": 0, "publishedAt": _rfc3339(comment["createdAt"]),
            "updatedAt": _rfc3339(comment["createdAt"])}}
        return {"kind": "youtube#commentThread", "etag": comment["etag"], "id": comment["id"], "snippet": {
            "channelId": channel_id(video["owner"]), "videoId": video["id"], "topLevelComment": top,
            "canReply": True, "totalReplyCount": 0, "isPublic": True}}

    def video_of(video_id: str) -> dict[str, Any] | None:
        return state.media.get(f"yt:video:{video_id}")

    def not_found() -> flask.Response:
        return google_error(404, "videoNotFound", "The video identified by the <code><a href=\"/youtube/v3/docs/"
                            "commentThreads/insert#videoId\">videoId</a></code> parameter could not be found.",
                            domain="youtube.commentThread", location="videoId")

    @bp.post("/youtube/v3/commentThreads")
    def insert_thread():
        fault, who, refused = gate("comment")
        if refused is not None:
            return refused
        snippet = (flask.request.get_json(force=True, silent=True) or {}).get("snippet") or {}
        text = str(((snippet.get("topLevelComment") or {}).get("snippet") or {}).get("textOriginal") or "")
        video = video_of(str(snippet.get("videoId") or ""))
        if video is None:
            return not_found()
        if not text.strip():
            return google_error(400, "commentTextRequired", "The comment resource that is being inserted must "
                                "specify a value for the snippet.textOriginal property.", domain="youtube.comment")
        if len(text) > MAX_COMMENT:
            return google_error(400, "commentTextTooLong", "The comment resource that is being inserted contains "
                                "too many characters in the snippet.textOriginal property.", domain="youtube.comment")
        if video["madeForKids"]:
            return google_error(403, "commentsDisabled", "The video identified by the videoId parameter has "
                                "disabled comments.", domain="youtube.commentThread")
        with state.lock:
            comment = {"id": "Ug" + secrets.token_urlsafe(16), "etag": secrets.token_urlsafe(12), "text": text,
                       "author": who, "createdAt": time.time()}
            video.setdefault("comments", []).append(comment)
        hold_if_asked(fault)
        return thread_resource(video, comment)

    @bp.get("/youtube/v3/commentThreads")
    def list_threads():
        _, who, refused = gate("lookup")
        if refused is not None:
            return refused
        video = video_of(flask.request.args.get("videoId") or "")
        if video is None:
            return not_found()
        limit = max(1, min(100, int(flask.request.args.get("maxResults") or 20)))
        threads = [thread_resource(video, c) for c in reversed(video.get("comments") or [])][:limit]
        return {"kind": "youtube#commentThreadListResponse", "etag": secrets.token_urlsafe(12), "items": threads,
                "pageInfo": {"totalResults": len(threads), "resultsPerPage": limit}}
