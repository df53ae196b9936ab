"""X API v2 sandbox: OAuth 2.0 (authorize with PKCE, code and refresh grants, users/me, revoke),
chunked media upload with STATUS, tweets."""

from __future__ import annotations

import time

import flask
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import SandboxState, hold_if_asked, mint_tokens

PLATFORM = "x"
CLIENT_ID = "sbx-x-client-id"
CLIENT_SECRET = "sbx-x-client-secret"
ACCESS_LIFETIME_S = 7200
MAX_SEGMENT = 8 * 1024 * 1024


def _problem(status: int, title: str, detail: str, headers: dict | None = None):
    body = {"title": title, "detail": detail, "type": "about:blank", "status": status}
    return flask.make_response(body, status, headers or {})


def blueprint(state: SandboxState, web_base: str) -> flask.Blueprint:
    bp = flask.Blueprint("x", __name__, url_prefix="/x")

    def fault_response(operation: str):
        fault = state.take_fault(PLATFORM, operation)
        if fault is None or fault.kind == "hold":
            return fault, None
        if fault.kind == "rate_limit":
            reset = int(time.time()) + int(fault.params.get("reset_in", 1))
            return fault, _problem(429, "Too Many Requests", "Too Many Requests",
                                   {"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
        if fault.kind == "server_error":
            return fault, _problem(503, "Service Unavailable", "Service Unavailable")
        if fault.kind == "expired_token":
            return fault, _problem(401, "Unauthorized", "Unauthorized")
        if fault.kind == "duplicate":
            return fault, _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        return fault, None  # processing_failed is handled where media is processed

    def subject():
        return state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))

    def client_refused():
        """Confidential clients authenticate with HTTP Basic; a public client names itself."""
        basic = flask.request.authorization
        if basic is not None:
            if (basic.username, basic.password) != (CLIENT_ID, CLIENT_SECRET):
                return {"error": "unauthorized_client", "error_description": "Invalid client credentials"}, 401
            return None
        if flask.request.form.get("client_id") != CLIENT_ID:
            return {"error": "invalid_client", "error_description": "Missing valid authorization header"}, 401
        return None

    @bp.get("/web/i/oauth2/authorize")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID, pkce=True)

    @bp.post("/2/oauth2/revoke")
    def revoke():
        if (refused := client_refused()) is not None:
            return refused
        who = oauth.subject_of_token(PLATFORM, flask.request.form.get("token"))
        if who is not None:
            oauth.revoke(state, PLATFORM, who)
        return {"revoked": True}

    @bp.get("/2/users/me")
    def me():
        who = subject()
        if who is None:
            return _problem(401, "Unauthorized", "Unauthorized")
        return {"data": {"id": who, "name": f"Sandbox user {who}", "username": who}}

    @bp.post("/2/oauth2/token")
    def token():
        _, faulted = fault_response("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("grant_type") == "authorization_code":
            if (refused := client_refused()) is not None:
                return refused
            grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=CLIENT_ID,
                                      redirect_uri=form.get("redirect_uri"), code_verifier=form.get("code_verifier"))
            if grant is None:
                return {"error": "invalid_request", "error_description": why}, 400
            access, refresh, _ = mint_tokens(PLATFORM, grant["subject"], ACCESS_LIFETIME_S)
            return {"token_type": "bearer", "access_token": access, "refresh_token": refresh,
                    "expires_in": ACCESS_LIFETIME_S, "scope": grant["scope"]}
        if form.get("grant_type") != "refresh_token":
            return {"error": "invalid_request", "error_description": "Unsupported grant_type"}, 400
        minted = state.refresh(PLATFORM, form.get("refresh_token", ""))
        if minted is None:
            return {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}, 400
        access, refresh, lifetime = minted
        return {"token_type": "bearer", "access_token": access, "refresh_token": refresh,
                "expires_in": lifetime, "scope": "tweet.read tweet.write users.read offline.access media.write"}

    @bp.post("/2/media/upload/initialize")
    def initialize():
        _, faulted = fault_response("initialize")
        if faulted is not None:
            return faulted
        who = subject()
        if who is None:
            return _problem(401, "Unauthorized", "Unauthorized")
        body = flask.request.get_json(force=True)
        media_id = state.next_id()
        with state.lock:
            state.media[media_id] = {"owner": who, "total": int(body["total_bytes"]), "received": {},
                                     "category": body.get("media_category"), "type": body.get("media_type"),
                                     "state": None, "polls": 0}
        return {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}}

    @bp.post("/2/media/upload/<media_id>/append")
    def append(media_id: str):
        _, faulted = fault_response("append")
        if faulted is not None:
            return faulted
        media = state.media.get(media_id)
        if subject() is None or media is None or media["owner"] != subject():
            return _problem(400, "Bad Request", "Unknown media id")
        index = int(flask.request.form["segment_index"])
        chunk = flask.request.files["media"].read()
        if len(chunk) > MAX_SEGMENT:
            return _problem(400, "Bad Request", "Segment too large")
        if index > len(media["received"]):
            return _problem(400, "Bad Request", f"Segment {index} out of order")
        media["received"][index] = len(chunk)
        return {"data": {"expires_at": int(time.time()) + 86400}}

    @bp.post("/2/media/upload/<media_id>/finalize")
    def finalize(media_id: str):
        fault, faulted = fault_response("finalize")
        if faulted is not None:
            return faulted
        media = state.media.get(media_id)
        if subject() is None or media is None:
            return _problem(400, "Bad Request", "Unknown media id")
        received = sum(media["received"].values())
        if received != media["total"]:
            return _problem(400, "Bad Request", f"Expected {media['total']} bytes, received {received}")
        if media["category"] == "tweet_video":
            media["state"] = "failed" if fault is not None and fault.kind == "processing_failed" else "pending"
            return {"data": {"id": media_id, "processing_info": {"state": "pending", "check_after_secs": 0}}}
        media["state"] = "succeeded"
        return {"data": {"id": media_id, "size": received}}

    @bp.get("/2/media/upload")
    def status():
        _, faulted = fault_response("status")
        if faulted is not None:
            return faulted
        media = state.media.get(flask.request.args.get("media_id", ""))
        if subject() is None or media is None or flask.request.args.get("command") != "STATUS":
            return _problem(400, "Bad Request", "Unknown media id")
        media["polls"] += 1
        if media["state"] == "failed":
            info = {"state": "failed", "error": {"code": 1, "name": "InvalidMedia",
                                                  "message": "Unsupported video codec"}}
        elif media["polls"] < 2:
            info = {"state": "in_progress", "check_after_secs": 0, "progress_percent": 50}
        else:
            media["state"] = "succeeded"
            info = {"state": "succeeded", "progress_percent": 100}
        return {"data": {"id": flask.request.args["media_id"], "processing_info": info}}

    @bp.post("/2/tweets")
    def create():
        fault, faulted = fault_response("create")
        if faulted is not None:
            return faulted
        who = subject()
        if who is None:
            return _problem(401, "Unauthorized", "Unauthorized")
        body = flask.request.get_json(force=True)
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        for media_id in media_ids:
            media = state.media.get(media_id)
            if media is None or media["owner"] != who or media["state"] != "succeeded":
                return _problem(400, "Invalid Request", f"Media {media_id} is not ready")
        with state.lock:
            if any(p["platform"] == PLATFORM and p["subject"] == who and p["text"] == text for p in state.posts):
                return _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
            post = state.record_post(PLATFORM, who, text=text, media=media_ids,
                                     url=f"{web_base}/x/web/i/web/status/")
            post["url"] += post["id"]
        hold_if_asked(fault)
        return {"data": {"id": post["id"], "text": text}}, 201

    @bp.get("/2/users/<user_id>/tweets")
    def timeline(user_id: str):
        _, faulted = fault_response("lookup")
        if faulted is not None:
            return faulted
        if subject() != user_id:
            return _problem(401, "Unauthorized", "Unauthorized")
        with state.lock:
            tweets = [{"id": p["id"], "text": p["text"],
                       "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(p["createdAt"]))}
                      for p in reversed(state.posts) if p["platform"] == PLATFORM and p["subject"] == user_id]
        return {"data": tweets[:20], "meta": {"result_count": len(tweets[:20])}}

    @bp.get("/web/i/web/status/<post_id>")
    def web(post_id: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)
        if post is None:
            return "Not found", 404
        return f"<html><body><h1>X sandbox post {post_id}</h1><p>{escape(post['text'])}</p></body></html>"

    return bp
