"""YouTube Data API v3 sandbox: Google OAuth refresh, resumable videos.insert,
videos.list processing progression, thumbnails.set, the uploads playlist.

Served under `/youtube`, which stands for www.googleapis.com: uploads are
`/youtube/upload/youtube/v3/…`, the data API `/youtube/youtube/v3/…`, Google's
token endpoint `/youtube/oauth/token`, and watch pages `/youtube/web/watch?v=`.

The resumable protocol as reference/platform-apis.md §6 describes it:
`POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`
needs `X-Upload-Content-Length` and a video `X-Upload-Content-Type`, validates
the video resource (invalidTitle, invalidDescription, invalidTags,
invalidCategoryId) and answers 200 with the session URI in `Location`, an
absolute URL back to this sandbox. `PUT <session>` takes `Content-Range: bytes
a-b/total` chunks that must continue exactly where the received bytes end and,
except the last, be multiples of 256 KiB; it answers `308` with `Range:
bytes=0-N`, and `200` with the video resource once the last byte lands (the
video exists from then on). An empty `PUT` with `bytes */total` is the probe:
`308` (+ `Range` once bytes arrived) or `200` with the video. An expired
session answers `404`.

Processing: `videos.list?part=status,processingDetails` reports `uploaded` /
`processing` for the first poll, then `processed` / `succeeded`; or `failed`
(`failureReason`: `codec` on a `processing_failed` fault, `invalidFile` when the
bytes are not a video container) or `rejected` with `rejectionReason:
duplicate` when the channel already has a video with the same bytes (or on a
`duplicate` fault). Errors use Google's envelope `{"error": {code, message,
errors: [{message, domain, reason}], status}}`. Access tokens are the
sandbox's `sbx-at.youtube.…`; refresh tokens are *not* rotated (Google keeps
them), and a revoked or malformed one answers `invalid_grant`. Session PUTs are
authorized by the session URI itself.

Fault operations (`state.take_fault("youtube", op)`): `token`, `initiate`,
`upload` (a chunk that does not complete the file), `create` (the chunk that
completes it: `hold`, `processing_failed` and `duplicate` apply here), `probe`,
`status`, `thumbnail`, `lookup` (channels.list, playlistItems.list, commentThreads.list),
`comment` (commentThreads.insert, devstack/sandboxes/youtube/comments.py; `hold` applies). Kinds
besides the common ones: `rate_limit` takes `params.reason` (default
`rateLimitExceeded`; also `userRateLimitExceeded`, `quotaExceeded`,
`uploadLimitExceeded`), `quota_exceeded` is `rate_limit` with `quotaExceeded`,
`server_error` on `upload`/`create` keeps `params.after_bytes` of the chunk
before failing (a connection that broke mid-way), `session_expired` on
`upload`/`create`/`probe` expires the session (404 from then on), `forbidden`
answers 403 `forbidden`.

The connect flow: Google's consent page at `/youtube/accounts/o/oauth2/v2/auth`
(devstack/sandboxes/oauth.py), the authorization-code grant on
`/youtube/oauth/token` (a refresh token comes with it), `POST /youtube/oauth/revoke`
and the channel's `snippet` in `channels.list?mine=true`.

videos.insert is in devstack/sandboxes/youtube/uploads.py; Google's error envelope in
devstack/sandboxes/youtube/google.py.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes import google_token, oauth
from devstack.sandboxes.youtube import comments as youtube_comments
from devstack.sandboxes.youtube import uploads as youtube_uploads
from devstack.sandboxes.core import Gate, SandboxState, answer, listing_cutoff
from devstack.sandboxes.youtube.google import _rfc3339, google_error
from devstack.sandboxes.uploads import cut_short

PLATFORM = "youtube"
CLIENT_ID = "sbx-youtube-client.apps.googleusercontent.com"
CLIENT_SECRET = "sbx-youtube-client-secret"
MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024
ACCESS_LIFETIME = 3599
SCOPES = "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly"
_LIMITS = {
    "quotaExceeded": ("youtube.quota", "The request cannot be completed because you have exceeded your "
                                       "<a href=\"/youtube/v3/getting-started#quota\">quota</a>."),
    "uploadLimitExceeded": ("youtube.video", "The user has exceeded the number of videos they may upload."),
    "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
    "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
}
AUTH_MESSAGE = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                "other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project.")
THUMBNAIL_FORBIDDEN = "The authenticated user doesnt have permissions to upload and set custom video thumbnails."



def channel_id(subject: str) -> str:
    return "UC" + hashlib.sha1(subject.encode()).hexdigest()[:22]


def uploads_playlist(subject: str) -> str:
    return "UU" + channel_id(subject)[2:]


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("youtube", __name__, url_prefix="/youtube")
    root = f"{base_url}/youtube"
    web = f"{root}/web"

    # -- helpers ----------------------------------------------------------------------
    def backend_error() -> flask.Response:
        return google_error(503, "backendError", "Backend Error")

    def auth_error() -> flask.Response:
        return google_error(401, "authError", AUTH_MESSAGE, location="Authorization",
                            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                                                         'error="invalid_token"'})

    def limited(fault, operation) -> flask.Response:
        reason = "quotaExceeded" if fault.kind == "quota_exceeded" else str(
            fault.params.get("reason", "rateLimitExceeded"))
        domain, message = _LIMITS.get(reason, _LIMITS["rateLimitExceeded"])
        return google_error(int(fault.params.get("status", 403)), reason, message, domain=domain)

    def forbidden(fault, operation) -> flask.Response:
        message = THUMBNAIL_FORBIDDEN if operation == "thumbnail" else "Forbidden"
        return google_error(403, "forbidden", message, domain="youtube.thumbnail"
                            if operation == "thumbnail" else "global")

    def subject() -> str | None:
        return state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))

    def authorized() -> tuple[str | None, flask.Response | None]:
        who = subject()
        return (who, None) if who is not None else (None, auth_error())

    # hold, processing_failed, duplicate and session_expired are left to the routes they apply to;
    # so is a server_error cut short on a chunk (the chunk route keeps part of the body first).
    gate = Gate(state, PLATFORM, {
        "rate_limit": limited, "quota_exceeded": limited,
        "server_error": lambda fault, op: None if cut_short(fault) and op in ("upload", "create") else backend_error(),
        "expired_token": answer(auth_error), "revoked": answer(auth_error), "forbidden": forbidden,
    }, authorized)

    def video_resource(video: dict[str, Any], parts: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "youtube#video", "etag": video["etag"], "id": video["id"]}
        if "snippet" in parts:
            out["snippet"] = {
                "publishedAt": _rfc3339(video["createdAt"]), "channelId": channel_id(video["owner"]),
                "title": video["title"], "description": video["description"],
                "thumbnails": {"default": {"url": f"{root}/vi/{video['id']}/default.jpg", "width": 120, "height": 90}},
                "channelTitle": "Soku Sandbox Channel", "categoryId": video["categoryId"],
                "liveBroadcastContent": "none",
                "localized": {"title": video["title"], "description": video["description"]}}
            if video["tags"]:
                out["snippet"]["tags"] = video["tags"]
        if "status" in parts:
            status = {"uploadStatus": video["uploadStatus"], "privacyStatus": video["privacyStatus"],
                      "license": "youtube", "embeddable": True, "publicStatsViewable": True,
                      "madeForKids": video["madeForKids"], "selfDeclaredMadeForKids": video["madeForKids"]}
            if video["uploadStatus"] == "failed":
                status["failureReason"] = video["reason"]
            if video["uploadStatus"] == "rejected":
                status["rejectionReason"] = video["reason"]
            out["status"] = status
        if "processingDetails" in parts:
            details: dict[str, Any] = {"processingStatus": video["processingStatus"]}
            if video["processingStatus"] == "processing":
                # uint64 fields travel as JSON strings (discovery document: "type": "string",
                # "format": "uint64"; devstack/contracts/youtube.py checks it).
                details["processingProgress"] = {"partsTotal": "1000", "partsProcessed": "500", "timeLeftMs": "1000"}
            if video["processingStatus"] == "failed":
                details["processingFailureReason"] = "transcodeFailed"
            out["processingDetails"] = details
        return out

    def advance(video: dict[str, Any]) -> None:
        """One more videos.list poll: processing for the first, the outcome after."""
        video["polls"] += 1
        if video["polls"] < 2 or video["uploadStatus"] != "uploaded":
            return
        outcome = video["outcome"]
        if outcome == "processed":
            video.update(uploadStatus="processed", processingStatus="succeeded")
        elif outcome == "failed":
            video.update(uploadStatus="failed", processingStatus="failed")
        else:
            video.update(uploadStatus="rejected", processingStatus="terminated")
        post = find_post(video["id"])
        if post is not None:
            post["uploadStatus"] = video["uploadStatus"]

    def find_post(video_id: str) -> dict[str, Any] | None:
        return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == video_id), None)

    # -- Google OAuth --------------------------------------------------------------------
    @bp.post("/oauth/token")
    def token():
        return google_token.token(state, PLATFORM, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scope=SCOPES,
                                  lifetime_s=ACCESS_LIFETIME)

    @bp.get("/accounts/o/oauth2/v2/auth")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID, pkce="optional")

    @bp.post("/oauth/revoke")
    def revoke():
        who = oauth.subject_of_token(PLATFORM, flask.request.form.get("token") or flask.request.args.get("token"))
        if who is None:
            return {"error": "invalid_token", "error_description": "Token expired or revoked"}, 400
        oauth.revoke(state, PLATFORM, who)
        return {}

    youtube_uploads.register(bp, state, gate, root, web, video_resource=video_resource, backend_error=backend_error)
    youtube_comments.register(bp, state, gate, channel_id)  # commentThreads insert and list: comments.py

    # -- videos.list -------------------------------------------------------------------
    @bp.get("/youtube/v3/videos")
    def videos_list():
        _, who, refused = gate("status")
        if refused is not None:
            return refused
        parts = {p.strip() for p in (flask.request.args.get("part") or "").split(",") if p.strip()}
        if not parts:
            return google_error(400, "required", "Required parameter: part", location="part")
        ids = [i for i in (flask.request.args.get("id") or "").split(",") if i]
        items = []
        with state.lock:
            for video_id in ids:
                video = state.media.get(f"yt:video:{video_id}")
                if video is None or video["owner"] != who:
                    continue  # processingDetails are visible to the owner only; others see nothing here
                advance(video)
                items.append(video_resource(video, parts))
        return {"kind": "youtube#videoListResponse", "etag": secrets.token_urlsafe(12), "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}

    @bp.delete("/youtube/v3/videos")
    def videos_delete():
        """videos.delete (developers.google.com/youtube/v3/docs/videos/delete) → 204, no body. Errors
        as documented there: 404 `videoNotFound` for a video YouTube does not have (never
        uploaded, deleted already); 403 `forbidden` for one the caller may not delete (another
        channel's, or the `forbidden` fault: a token with `youtube.upload` only)."""
        def refused_here(fault=None, operation=None):
            return google_error(403, "forbidden", "The video that you are trying to delete cannot be deleted. "
                                                  "The request might not be properly authorized.",
                                domain="youtube.video")

        _, who, refused = gate("delete", forbidden=refused_here)
        if refused is not None:
            return refused
        video_id = flask.request.args.get("id") or ""
        if not video_id:
            return google_error(400, "required", "Required parameter: id", location="id")
        with state.lock:
            video = state.media.get(f"yt:video:{video_id}")
            if video is None or find_post(video_id) is None:
                return google_error(404, "videoNotFound", "The video that you are trying to delete cannot be "
                                                          "found.", domain="youtube.video", location="id")
            if video["owner"] != who:
                return refused_here()
            state.delete_post(PLATFORM, lambda p: p["id"] == video_id)
            state.media.pop(f"yt:video:{video_id}", None)
        return "", 204

    # -- thumbnails.set ----------------------------------------------------------------
    @bp.post("/upload/youtube/v3/thumbnails/set")
    def thumbnail():
        data = flask.request.get_data()
        _, who, refused = gate("thumbnail")
        if refused is not None:
            return refused
        video = state.media.get(f"yt:video:{flask.request.args.get('videoId', '')}")
        if video is None or video["owner"] != who:
            return google_error(404, "videoNotFound", "The video that you are trying to update cannot be found.",
                                domain="youtube.thumbnail", location="videoId")
        content_type = (flask.request.content_type or "").split(";")[0].strip().lower()
        if not data:
            return google_error(400, "mediaBodyRequired", "The request does not include the image content.",
                                domain="youtube.thumbnail")
        is_image = data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"
        if (content_type not in ("image/jpeg", "image/png", "application/octet-stream") or not is_image
                or len(data) > MAX_THUMBNAIL_BYTES):
            return google_error(400, "invalidImage", "The provided image content is invalid.",
                                domain="youtube.thumbnail")
        thumb = {"bytes": len(data), "type": content_type, "sha256": hashlib.sha256(data).hexdigest()}
        with state.lock:
            video["thumbnail"] = thumb
            post = find_post(video["id"])
            if post is not None:
                post["thumbnail"] = thumb
        url = f"{root}/vi/{video['id']}/maxresdefault.jpg"
        return {"kind": "youtube#thumbnailSetResponse", "etag": secrets.token_urlsafe(12),
                "items": [{"default": {"url": url, "width": 120, "height": 90},
                           "medium": {"url": url, "width": 320, "height": 180},
                           "high": {"url": url, "width": 480, "height": 360}}]}

    # -- the channel's uploads (reconciliation) ----------------------------------------
    @bp.get("/youtube/v3/channels")
    def channels():
        _, who, refused = gate("lookup")
        if refused is not None:
            return refused
        if flask.request.args.get("mine") != "true":
            return google_error(400, "missingRequiredParameter", "No filter selected. Expected one of: mine, id, "
                                "forHandle, forUsername, managedByMe", domain="youtube.parameter")
        # Only the parts asked for ("The part parameter specifies a comma-separated list of one or
        # more channel resource properties that the API response will include",
        # developers.google.com/youtube/v3/docs/channels/list).
        parts = {part.strip() for part in flask.request.args.get("part", "").split(",")}
        every_part = {"snippet": {"title": f"Sandbox channel {who}", "customUrl": f"@{who}"},
                      "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": uploads_playlist(who)}}}
        item = {"kind": "youtube#channel", "etag": secrets.token_urlsafe(12), "id": channel_id(who)}
        return {"kind": "youtube#channelListResponse", "etag": secrets.token_urlsafe(12),
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                "items": [item | {part: body for part, body in every_part.items() if part in parts}]}

    @bp.get("/youtube/v3/playlistItems")
    def playlist_items():
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        # The `lag` fault: the channel's uploads playlist is updated after videos.insert, so a
        # video just uploaded can be missing here for a while (Google documents no bound
        # [unverified]) though `videos.list?id=` already answers it.
        cutoff = listing_cutoff(fault)
        if flask.request.args.get("playlistId") != uploads_playlist(who):
            return google_error(404, "playlistNotFound", "The playlist identified with the request's "
                                "<code>playlistId</code> parameter cannot be found.", domain="youtube.playlistItem",
                                location="playlistId")
        limit = max(0, min(50, int(flask.request.args.get("maxResults") or 5)))
        with state.lock:
            videos = sorted((v for k, v in state.media.items() if k.startswith("yt:video:") and v["owner"] == who
                             and (cutoff is None or v["createdAt"] <= cutoff)),
                            key=lambda v: v["createdAt"], reverse=True)
        # Newest first, `maxResults` (0-50) a page; `nextPageToken` while more remain, passed back
        # as `pageToken` (playlistItems.list). The token is opaque: here, the offset it resumes at.
        token = flask.request.args.get("pageToken")
        offset = 0
        if token:
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("CAUQ"))
            except ValueError:
                return google_error(400, "invalidPageToken", "The request specifies an invalid page token.",
                                    domain="youtube.parameter", location="pageToken")
        items = [{"kind": "youtube#playlistItem", "etag": v["etag"], "id": secrets.token_urlsafe(16),
                  "snippet": {"publishedAt": _rfc3339(v["createdAt"]), "channelId": channel_id(who),
                              "title": v["title"], "description": v["description"],
                              "playlistId": uploads_playlist(who), "position": position,
                              "resourceId": {"kind": "youtube#video", "videoId": v["id"]}}}
                 for position, v in enumerate(videos) if offset <= position < offset + limit]
        body = {"kind": "youtube#playlistItemListResponse", "etag": secrets.token_urlsafe(12), "items": items,
                "pageInfo": {"totalResults": len(videos), "resultsPerPage": limit}}
        if limit and offset + limit < len(videos):
            body["nextPageToken"] = base64.urlsafe_b64encode(f"CAUQ{offset + limit}".encode()).decode()
        return body

    # -- the watch page ----------------------------------------------------------------
    @bp.get("/web/watch")
    def watch():
        video = state.media.get(f"yt:video:{flask.request.args.get('v', '')}")
        if video is None:
            return "Not found", 404
        thumb = video["thumbnail"]
        thumb_text = f"custom thumbnail ({thumb['bytes']} bytes)" if thumb else "automatic thumbnail"
        tags = ", ".join(video["tags"])
        comments = "".join(f"<li>{escape(c['text'])}</li>" for c in video.get("comments") or [])
        return (f"<html><body><h1>{escape(video['title'])}</h1>"
                f"<p>YouTube sandbox video {escape(video['id'])} ({video['size']} bytes, "
                f"{escape(video['uploadStatus'])}, {escape(video['privacyStatus'])}"
                f"{', made for kids' if video['madeForKids'] else ''})</p>"
                f"<p>{escape(video['description'])}</p><p>Tags: {escape(tags)}</p>"
                f"<p>Category {escape(video['categoryId'])}; {escape(thumb_text)}</p>"
                f"<h2>Comments</h2><ul>{comments}</ul></body></html>")

    return bp
