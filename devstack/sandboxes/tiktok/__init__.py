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
non-private post), `inbox` (status: the publish ends SEND_TO_USER_INBOX, in the creator's inbox
and not posted), `expired` (upload: the session is gone, as after its hour),
`processing_failed` (create or upload; params `reason`, default
`file_format_check_failed`).

The inits and the chunked upload are in devstack/sandboxes/tiktok/publish.py.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import flask
from markupsafe import escape

from devstack.sandboxes import oauth

from devstack.sandboxes.tiktok import publish as tiktok_publish
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, mint_tokens
from devstack.sandboxes.tiktok.publish import check_chunks  # noqa: F401 (tests import it from here)
from devstack.sandboxes.tiktok.publish import _error, _invalid_token, _log_id, _ok, _too_many_posts

PLATFORM = "tiktok"
CLIENT_KEY = "sbx-tiktok-client-key"
CLIENT_SECRET = "sbx-tiktok-client-secret"
ACCESS_LIFETIME_S = 24 * 3600
REFRESH_LIFETIME_S = 365 * 24 * 3600

DAILY_POST_CAP = 15  # read when called (the soak in bench/ raises it)
PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
RATE_LIMITS = {"creator_info": 20, "init": 6, "status": 30}  # per access token per minute
POLLS_PROCESSING = 1  # status polls answering PROCESSING_* once the media is complete
DEFAULT_VERIFIED_DOMAINS = ("127.0.0.1", "localhost")


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
    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, _invalid_token())

    # hold, processing_failed, expired and unaudited are left to the routes they apply to.
    gate = Gate(state, PLATFORM, {
        "rate_limit": answer(lambda: _error(429, "rate_limit_exceeded",
                                            "The API rate limit was exceeded. Please try again later.")),
        "server_error": answer(lambda: _error(500, "internal_error", "Something went wrong. Please try again later.")),
        "expired_token": answer(_invalid_token),
        # [unverified] TikTok documents no duplicate-content code
        "duplicate": answer(lambda: _error(403, "duplicate_post",
                                           "This content was already posted to this account. Change it and try again.")),
        "too_many_posts": answer(_too_many_posts),
    }, authorized)

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
    def client_refused(form):
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client", "error_description": "Client key or secret is incorrect.",
                    "log_id": _log_id()}, 401
        return None

    @bp.post("/v2/oauth/token/")
    def token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if (refused := client_refused(form)) is not None:
            return refused
        if form.get("grant_type") == "authorization_code":
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=form.get("client_key"),
                                      redirect_uri=form.get("redirect_uri"), code_verifier=form.get("code_verifier"))
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
        return oauth.consent(state, PLATFORM, CLIENT_KEY, client_param="client_key", pkce="optional")

    @bp.post("/v2/oauth/revoke/")
    def revoke():
        _, faulted = gate.fault("revoke")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if (refused := client_refused(form)) is not None:
            return refused
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
        _, who, refused = gate("creator_info")
        if refused is not None:
            return refused
        limited = rate_limited("creator_info")
        if limited is not None:
            return limited
        return _ok({k: v for k, v in profile(who).items() if k != "unaudited"})

    tiktok_publish.register(bp, state, gate, web_base, rate_limited=rate_limited, profile=profile, sessions=sessions,
                            posts_today=posts_today, daily_cap=lambda: DAILY_POST_CAP,
                            domain_verified=domain_verified, new_publish=new_publish, complete=complete)

    # -- status ------------------------------------------------------------------------
    @bp.post("/v2/post/publish/status/fetch/")
    def status():
        fault, who, refused = gate("status")
        if refused is not None:
            return refused
        limited = rate_limited("status")
        if limited is not None:
            return limited
        body = flask.request.get_json(silent=True) or {}
        entry = sessions().get(str(body.get("publish_id") or ""))
        if entry is None or entry["owner"] != who:
            return _error(400, "invalid_params", "publish_id does not exist")
        with state.lock:
            if fault is not None and fault.kind == "inbox":
                # SEND_TO_USER_INBOX: TikTok delivered the video to the creator's inbox, where they
                # finish (or drop) it in the app; it is not posted. The status value and its meaning:
                # developers.tiktok.com/doc/content-posting-api-reference-get-video-status.
                entry["inbox"] = True
            if entry["status"] in ("PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD") and "completedAt" in entry:
                entry["polls"] += 1
                if entry["polls"] > POLLS_PROCESSING:
                    entry["status"] = ("FAILED" if entry["failReason"] else
                                       "SEND_TO_USER_INBOX" if entry.get("inbox") else "PUBLISH_COMPLETE")
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
