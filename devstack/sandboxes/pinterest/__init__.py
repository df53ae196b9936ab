"""Pinterest API v5 sandbox: boards, Pins (image, carousel, video), the media upload, OAuth.

Modelled on Pinterest's v5 OpenAPI (github.com/pinterest/api-description, v5/openapi.json,
commit c05b18971472342ebdf4bafc15fea8a91c78bf79; the server is https://api.pinterest.com/v5,
here `<sandboxes>/pinterest/v5`) and developers.pinterest.com/docs:
- `GET /web/oauth/` (www.pinterest.com/oauth/: consent, devstack/sandboxes/oauth.py; no PKCE) and
  `POST /v5/oauth/token` (HTTP Basic with the app's id and secret; `authorization_code` →
  access token of 30 days and a refresh token; `refresh_token` → a new pair, each refresh
  token working once here);
- `GET /v5/user_account` (the Account schema: `id`, `username`, `account_type`, counts);
- `GET /v5/boards` and `GET /v5/boards/{board_id}/pins` (bookmark-paged `{items, bookmark}`);
- `POST /v5/pins` (PinCreate: `board_id` required, description ≤ 800, title ≤ 100, alt_text ≤ 500,
  link ≤ 2048; `media_source` `image_url` / `multiple_image_urls` (2-5), fetched from their URL
  as Pinterest does, or `video_id` of a media upload that `succeeded`) → 201 with the Pin;
  `GET` and `DELETE /v5/pins/{pin_id}` (204; 404 when there is no such Pin);
- `POST /v5/media` (`{"media_type": "video"}` → `media_id`, `upload_url`, `upload_parameters`),
  the S3-style form POST to `upload_url` (204, as S3 answers a form upload), and
  `GET /v5/media/{media_id}` (`registered` → `processing` for two polls → `succeeded`).
Errors are Pinterest's `{code, message}` (the Error schema); the numeric codes are
[unverified]: Pinterest's error-code list is not part of the OpenAPI.

Boards: each user has one board ("Soku Demo Board") unless the consent asked for more
(`sandbox_boards=<n>` on the authorize URL) or a test adds some (`add_board`).

Fault operations: `token`, `user_account`, `boards`, `create` (`hold` applies here), `lookup`
(the board's Pins; `lag` applies here), `pin`, `delete`, `media` (`processing_failed`: the upload
ends `failed`), `upload` (`forbidden`: S3's 403 for an expired policy), `media_status`. Kinds: `rate_limit` (429), `server_error` (500),
`expired_token` (401), plus those named.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from datetime import datetime, timezone
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens
from devstack.sandboxes.media_urls import fetch_media

PLATFORM = "pinterest"
CLIENT_ID = "1500001"
CLIENT_SECRET = "sbx-pinterest-app-secret"
ACCESS_LIFETIME_S = 30 * 86400
REFRESH_LIFETIME_S = 60 * 86400
MAX_DESCRIPTION, MAX_TITLE, MAX_ALT_TEXT, MAX_LINK = 800, 100, 500, 2048
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png"}
PROCESSING_POLLS = 2  # media status polls answered `processing` before `succeeded`
DEFAULT_BOARD = "Soku Demo Board"


def user_id(subject: str) -> str:
    """The user's numeric id (the Account schema's `id`, `^\\d+$`), stable for the token's subject."""
    return str(int(hashlib.sha256(f"pinterest:{subject}".encode()).hexdigest()[:15], 16))


def _boards(state: SandboxState) -> dict[str, list[dict[str, Any]]]:
    with state.lock:
        return state.oauth.setdefault("pinterestBoards", {})


def add_board(state: SandboxState, subject: str, name: str, privacy: str = "PUBLIC") -> dict[str, Any]:
    """A board of the user's own (tests: an account with several boards)."""
    with state.lock:
        board = {"id": state.next_id(), "name": name, "privacy": privacy, "subject": subject,
                 "created_at": _iso(time.time())}
        _boards(state).setdefault(subject, []).append(board)
        return board


def boards_of(state: SandboxState, subject: str) -> list[dict[str, Any]]:
    """The user's boards; a user seen for the first time has one."""
    with state.lock:
        if subject not in _boards(state):
            add_board(state, subject, DEFAULT_BOARD)
        return list(_boards(state)[subject])


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _error(status: int, code: int, message: str, headers: dict | None = None) -> flask.Response:
    return flask.make_response({"code": code, "message": message}, status, headers or {})


def _s3_error(status: int, code: str, message: str) -> flask.Response:
    """S3's error document (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)."""
    return flask.make_response(f"<Error><Code>{code}</Code><Message>{message}</Message></Error>", status,
                               {"Content-Type": "application/xml"})


def _page(items: list[dict], default_size: int = 25) -> dict[str, Any] | flask.Response:
    """Bookmark paging: the bookmark is the next item's offset, opaque to callers."""
    args = flask.request.args
    try:
        size = int(args.get("page_size", default_size))
        start = int(base64.urlsafe_b64decode(args["bookmark"].encode()).decode()) if args.get("bookmark") else 0
    except (ValueError, TypeError):
        return _error(400, 1, "Invalid parameters: page_size or bookmark")
    if not 1 <= size <= 250:
        return _error(400, 1, "Invalid parameters: page_size must be between 1 and 250")
    chunk = items[start:start + size]
    more = start + size < len(items)
    return {"items": chunk, "bookmark": base64.urlsafe_b64encode(str(start + size).encode()).decode() if more else None}


def pin_json(post: dict[str, Any]) -> dict[str, Any]:
    """A recorded Pin as the Pin schema reads it."""
    media: dict[str, Any] = {"media_type": post["mediaType"]}
    return {"id": post["id"], "created_at": _iso(post["createdAt"]), "board_id": post["board_id"],
            "board_section_id": None, "title": post.get("title"), "description": post.get("description"),
            "link": post.get("link"), "alt_text": post.get("alt_text"), "dominant_color": post.get("dominant_color"),
            "parent_pin_id": None, "is_owner": True, "is_standard": True, "has_been_promoted": False,
            "creative_type": "VIDEO" if post["mediaType"] == "video" else
            ("CAROUSEL" if post["mediaType"] == "multiple_images" else "REGULAR"),
            "board_owner": {"username": post["subject"]}, "media": media}


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("pinterest", __name__, url_prefix="/pinterest")
    upload_url = f"{base_url}/pinterest/upload/"

    def unauthorized() -> flask.Response:
        return _error(401, 2, "Authentication failed.")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, unauthorized())

    def rate_limited(fault, operation):
        headers = {"Retry-After": str(fault.params["retry_after"])} if "retry_after" in fault.params else {}
        return _error(429, 8, "You have exceeded your rate limit. Try again later.", headers)

    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: _error(500, 1, "Something went wrong on our end. Sorry about that.")),
        "expired_token": answer(lambda: _error(401, 2, "Authentication failed: the access token has expired.")),
    }, authorized)

    def pins_of(board_id: str) -> list[dict[str, Any]]:
        with state.lock:
            return [p for p in reversed(state.posts) if p["platform"] == PLATFORM and p["board_id"] == board_id]

    def find_pin(pin_id: str) -> dict[str, Any] | None:
        with state.lock:
            return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == pin_id), None)

    # -- OAuth ---------------------------------------------------------------------------
    @bp.get("/web/oauth/")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID)

    @bp.post("/v5/oauth/token")
    def token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if flask.request.headers.get("Authorization") != expected:
            return _error(401, 2, "Authentication failed: invalid client credentials.")
        form = flask.request.form
        if form.get("grant_type") == "authorization_code":
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=CLIENT_ID,
                                      redirect_uri=form.get("redirect_uri"))
            if grant is None:
                return _error(400, 1, f"Invalid authorization code: {why}")
            boards = int(grant["options"].get("sandbox_boards") or 1)
            existing = len(boards_of(state, grant["subject"]))
            for n in range(existing, boards):
                add_board(state, grant["subject"], f"Board {n + 1}")
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], ACCESS_LIFETIME_S)
            scope = grant["scope"] or "boards:read,pins:read,pins:write,user_accounts:read"
            return {"access_token": access, "refresh_token": refresh, "response_type": "authorization_code",
                    "token_type": "bearer", "expires_in": ACCESS_LIFETIME_S,
                    "refresh_token_expires_in": REFRESH_LIFETIME_S,
                    "refresh_token_expires_at": int(time.time()) + REFRESH_LIFETIME_S, "scope": scope}
        if form.get("grant_type") != "refresh_token":
            return _error(400, 1, "Invalid parameters: unsupported grant_type")
        minted = state.refresh(PLATFORM, form.get("refresh_token", ""), lifetime_s=ACCESS_LIFETIME_S)
        if minted is None:
            return _error(400, 1, "Invalid refresh token")
        access, refresh, lifetime = minted
        return {"access_token": access, "refresh_token": refresh, "response_type": "refresh_token",
                "token_type": "bearer", "expires_in": lifetime, "refresh_token_expires_in": REFRESH_LIFETIME_S,
                "refresh_token_expires_at": int(time.time()) + REFRESH_LIFETIME_S,
                "scope": "boards:read,boards:write,pins:read,pins:write,user_accounts:read"}

    @bp.get("/v5/user_account")
    def user_account():
        _, who, refused = gate("user_account")
        if refused is not None:
            return refused
        from devstack.sandboxes.insights.common import account_counts

        counts = account_counts(state, PLATFORM, who)
        return {"account_type": "BUSINESS", "id": user_id(who), "username": who,
                "business_name": f"Sandbox Pinner {who}", "profile_image": f"{base_url}/pinterest/web/{who}.png",
                "website_url": "https://example.com", "about": "", "board_count": len(boards_of(state, who)),
                "pin_count": counts["posts"], "follower_count": counts["followers"],
                "following_count": counts["following"], "monthly_views": counts["followers"] * 12}

    # -- boards --------------------------------------------------------------------------------
    @bp.get("/v5/boards")
    def boards():
        _, who, refused = gate("boards")
        if refused is not None:
            return refused
        return _page([{"id": b["id"], "name": b["name"], "description": None, "privacy": b["privacy"],
                       "created_at": b["created_at"], "owner": {"username": who}} for b in boards_of(state, who)])

    @bp.get("/v5/boards/<board_id>/pins")
    def board_pins(board_id: str):
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        if not any(b["id"] == board_id for b in boards_of(state, who)):
            return _error(404, 40, "Board not found.")
        # The `lag` fault: a Pin just made may be missing from its board's listing for a while
        # (Pinterest documents no bound [unverified]); `GET /v5/pins/{id}` finds it.
        cutoff = listing_cutoff(fault)
        return _page([pin_json(p) for p in pins_of(board_id) if cutoff is None or p["createdAt"] <= cutoff])

    # -- Pins ------------------------------------------------------------------------------------
    @bp.post("/v5/pins")
    def create_pin():
        fault, who, refused = gate("create")
        if refused is not None:
            return refused
        body = flask.request.get_json(force=True, silent=True) or {}
        board_id = str(body.get("board_id") or "")
        if not board_id:
            return _error(400, 1, "Invalid parameters: board_id is required")
        if not any(b["id"] == board_id for b in boards_of(state, who)):
            return _error(404, 40, "Board not found.")
        for field, cap in (("description", MAX_DESCRIPTION), ("title", MAX_TITLE), ("alt_text", MAX_ALT_TEXT),
                           ("link", MAX_LINK)):
            if body.get(field) is not None and len(str(body[field])) > cap:
                return _error(400, 1, f"Invalid parameters: {field} is longer than {cap} characters")
        source = body.get("media_source") or {}
        kind = source.get("source_type")
        media: list[dict[str, Any]] = []
        if kind == "image_url":
            urls = [source.get("url")]
        elif kind == "multiple_image_urls":
            urls = [(i or {}).get("url") for i in source.get("items") or []]
            if not 2 <= len(urls) <= 5:
                return _error(400, 1, f"Invalid parameters: multiple_image_urls takes 2 to 5 items; got {len(urls)}")
        elif kind == "video_id":
            urls = []
            with state.lock:
                upload = state.media.get(f"pinterest:{source.get('media_id')}")
            if upload is None or upload["subject"] != who:
                return _error(400, 1, f"Invalid parameters: no media {source.get('media_id')}")
            if upload["status"] != "succeeded":
                return _error(400, 1, f"Invalid parameters: media {source.get('media_id')} is {upload['status']}")
            media.append({"mediaId": upload["id"], "sha256": upload.get("sha256"), "bytes": upload.get("bytes"),
                          "contentType": upload.get("contentType"),
                          "cover": source.get("cover_image_url") or source.get("cover_image_key_frame_time")})
        else:
            return _error(400, 1, "Invalid parameters: media_source.source_type is required")
        for url in urls:
            if not isinstance(url, str) or not url:
                return _error(400, 1, "Invalid parameters: media_source url is required")
            fetched, why = fetch_media(url, MAX_IMAGE_BYTES, IMAGE_TYPES, fingerprint=True)
            if fetched is None:
                return _error(400, 1, f"Sorry, we could not fetch the image: {why}")
            media.append(fetched)
        media_type = {"image_url": "image", "multiple_image_urls": "multiple_images", "video_id": "video"}[kind]
        post = state.record_post(PLATFORM, who, board_id=board_id, description=body.get("description"),
                                 title=body.get("title"), link=body.get("link"), alt_text=body.get("alt_text"),
                                 dominant_color=body.get("dominant_color"), mediaType=media_type, media=media)
        hold_if_asked(fault)
        return pin_json(post), 201

    @bp.get("/v5/pins/<pin_id>")
    def get_pin(pin_id: str):
        _, who, refused = gate("pin")
        if refused is not None:
            return refused
        post = find_pin(pin_id)
        if post is None or post["subject"] != who:
            return _error(404, 50, "Pin not found.")
        return pin_json(post)

    @bp.delete("/v5/pins/<pin_id>")
    def delete_pin(pin_id: str):
        _, who, refused = gate("delete")
        if refused is not None:
            return refused
        post = find_pin(pin_id)
        if post is None:
            return _error(404, 50, "Pin not found.")
        if post["subject"] != who:
            return _error(403, 29, "You are not permitted to access that resource.")
        state.delete_post(PLATFORM, lambda p: p is post)
        return "", 204

    # -- media uploads ---------------------------------------------------------------------------
    @bp.post("/v5/media")
    def register_media():
        fault, who, refused = gate("media")
        if refused is not None:
            return refused
        body = flask.request.get_json(force=True, silent=True) or {}
        if body.get("media_type") != "video":
            return _error(400, 1, "Invalid parameters: media_type must be video")
        media_id = state.next_id()
        key = f"uploads/{media_id[:2]}/{media_id[2:4]}/{secrets.token_hex(4)}:video:{media_id}"
        policy = base64.b64encode(f'{{"key":"{key}"}}'.encode()).decode()
        with state.lock:
            state.media[f"pinterest:{media_id}"] = {
                "id": media_id, "subject": who, "status": "registered", "key": key, "policy": policy, "polls": 0,
                "fails": fault is not None and fault.kind == "processing_failed"}
        return {"media_id": media_id, "media_type": "video", "upload_url": upload_url, "upload_parameters": {
            "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()), "x-amz-signature": secrets.token_hex(32),
            "x-amz-security-token": secrets.token_urlsafe(24), "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "key": key, "policy": policy, "x-amz-credential": "ASIASANDBOX/us-east-1/s3/aws4_request",
            "Content-Type": "multipart/form-data"}}, 201

    @bp.post("/upload/")
    def upload():
        """The S3 form upload: the signed fields, then the file; 204 No Content. The `forbidden`
        fault answers as S3 does a policy that expired (403 AccessDenied, XML)."""
        _, faulted = gate.fault("upload", forbidden=answer(lambda: _s3_error(403, "AccessDenied",
                                                                             "Invalid according to Policy: "
                                                                             "Policy expired.")))
        if faulted is not None:
            return faulted
        form, file = flask.request.form, flask.request.files.get("file")
        with state.lock:
            # Only Pinterest's own registrations: the sandboxes share `state.media`, where others
            # keep sets and lists of their own (TikTok's verified domains).
            target = next((m for k, m in state.media.items() if k.startswith("pinterest:")
                           and m.get("key") == form.get("key") and m.get("policy") == form.get("policy")), None)
        if target is None:
            return _s3_error(403, "AccessDenied", "Invalid according to Policy")
        if file is None:
            return _s3_error(400, "InvalidArgument", "POST requires exactly one file upload per request.")
        data = file.read()
        with state.lock:
            target.update(status="processing", bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                          contentType=file.mimetype, head=data[:16].hex())
        return "", 204

    @bp.get("/v5/media/<media_id>")
    def media_status(media_id: str):
        _, who, refused = gate("media_status")
        if refused is not None:
            return refused
        with state.lock:
            upload = state.media.get(f"pinterest:{media_id}")
            if upload is None or upload["subject"] != who:
                return _error(404, 3, "Media not found.")
            if upload["status"] == "processing":
                upload["polls"] += 1
                if upload["polls"] > PROCESSING_POLLS:
                    upload["status"] = "failed" if upload["fails"] else "succeeded"
            return {"media_id": media_id, "media_type": "video", "status": upload["status"]}

    # -- a Pin's page ----------------------------------------------------------------------------
    @bp.get("/web/pin/<pin_id>/")
    def web(pin_id: str):
        post = find_pin(pin_id)
        if post is None:
            return "Not found", 404
        return (f"<html><body><h1>{escape(post.get('title') or 'Pin')}</h1>"
                f"<p>{escape(post.get('description') or '')}</p></body></html>")

    # -- sandbox control -------------------------------------------------------------------------
    @bp.post("/__sandbox/boards")
    def new_board():
        body = flask.request.get_json(force=True)
        return add_board(state, str(body["subject"]), str(body.get("name") or "Another board"))

    return bp
