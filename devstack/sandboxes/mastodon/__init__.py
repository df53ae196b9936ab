"""A Mastodon server (API 4.3): Soku's app registration, OAuth (consent at once, PKCE), the
account, the server's limits, async media, statuses with Idempotency-Key, their listing,
reading and deleting. Served under `/mastodon`: the server's root URL is `<base>/mastodon`,
the `instanceUrl` a user names when connecting.

Each root is a server of its own: its apps, limits, media and idempotency keys are kept per
root (the tests run a second server by mounting this blueprint on another port with the same
SandboxState). Its refusals use Mastodon's envelope `{"error": "..."}` (docs.joinmastodon.org/
entities/Error/), `error_description` beside it on the OAuth endpoints.

What it checks as a server would (docs.joinmastodon.org/methods/...):
- apps: `redirect_uris` required; the authorize URL's `client_id`, `redirect_uri` and `scope`
  must be the app's; the token endpoint checks `client_id`/`client_secret`, the code (single
  use, 10 minutes) and the PKCE verifier when a challenge was sent (4.3.0);
- statuses: the server's `max_characters`, counted the server's way (a link 23, the content
  warning included; its own count, not Soku's), 422 past it; media must be the caller's and
  processed (422 "Cannot attach files that have not finished processing"), at most 4, no video
  among images; `Idempotency-Key` (per account, for 1 hour): the same key answers the status it
  made, which is what makes a re-sent create one status;
- media: `POST /api/v2/media` answers 200 with `url` for an image, 202 with `url: null` for a
  video (or any file while a `processing` fault lasts), then `GET /api/v1/media/:id` answers 206
  until processed (after `polls` polls, 2 by default), then 200.

Steer it: `sandbox_user=<name>` on the authorize URL (who consents), faults on platform
`mastodon` (operations `apps`, `token`, `authorize`, `media`, `media_status`, `create`,
`lookup`, `delete`, `metrics`, `account_metrics`; kinds `rate_limit` (params `reset_in`),
`server_error`, `expired_token`, `hold` (create: the status is made, the answer waits),
`lag` (lookup), `processing` (media: params `polls`), `processing_failed` (media), `not_found`);
`POST <root>/__sandbox/limits {"max_characters": 100}` sets the server's limits;
`GET <root>/__sandbox/apps` lists the apps registered.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import flask
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens
from devstack.sandboxes.mastodon.formatting import render_html, server_length
from devstack.sandboxes.mastodon.insights import account_counts, status_counts

PLATFORM = "mastodon"
VERSION = "4.3.0"
TOKEN_LIFETIME_S = 10 * 365 * 24 * 3600  # Mastodon's tokens do not expire; the sandbox's last ten years
IDEMPOTENCY_TTL_S = 3600  # "Idempotency keys are stored for up to 1 hour" (methods/statuses/#create)
DEFAULT_LIMITS = {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23,
                  "image_size_limit": 16 * 1024 * 1024, "video_size_limit": 99 * 1024 * 1024}
SUPPORTED_TYPES = ("image/jpeg", "image/png", "image/gif", "image/heic", "image/heif", "image/webp", "image/avif",
                   "video/webm", "video/mp4", "video/quicktime", "video/ogg", "audio/mpeg", "audio/ogg")
VISIBILITIES = ("public", "unlisted", "private", "direct")


def _error(status: int, message: str, headers: dict | None = None) -> flask.Response:
    return flask.make_response({"error": message}, status, headers or {})


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(epoch * 1000) % 1000:03d}Z"


def account_id(subject: str) -> str:
    """Mastodon account ids are numeric strings; the sandbox derives one from the username."""
    return str(int(hashlib.sha256(f"mastodon-account:{subject}".encode()).hexdigest()[:13], 16))


def blueprint(state: SandboxState, base_url: str) -> flask.Blueprint:
    bp = flask.Blueprint("mastodon", __name__, url_prefix="/mastodon")
    root = f"{base_url}/mastodon"
    host = root.split("://", 1)[1].split("/", 1)[0]

    def server() -> dict[str, Any]:
        """This server's own records (reset with the sandbox state)."""
        with state.lock:
            return state.oauth.setdefault(f"mastodon:{root}", {
                "apps": {}, "idempotency": {}, "limits": dict(DEFAULT_LIMITS), "usernames": {}})

    def rate_limited(fault, operation):
        reset = datetime.now(timezone.utc) + timedelta(seconds=float(fault.params.get("reset_in", 1)))
        # docs.joinmastodon.org/api/rate-limits/: X-RateLimit-Reset is an ISO 8601 timestamp.
        return _error(429, "Too many requests", {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                                 "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")})

    def subject() -> str | None:
        return state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))

    def authorized():
        who = subject()
        if who is None:
            return None, _error(401, "The access token is invalid")
        with state.lock:  # the account exists on this server from its first call (a seeded token too)
            server()["usernames"][account_id(who)] = who
        return who, None

    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: flask.make_response(
            "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", 503,
            {"Content-Type": "text/html"})),
        "expired_token": answer(lambda: _error(401, "The access token was revoked")),
        "not_found": answer(lambda: _error(404, "Record not found")),
    }, authorized)

    def form() -> dict[str, Any]:
        if flask.request.is_json:
            return flask.request.get_json(force=True) or {}
        return flask.request.form.to_dict(flat=True)

    def account_entity(who: str) -> dict[str, Any]:
        with state.lock:
            statuses = sum(1 for p in state.posts if p["platform"] == PLATFORM and p["subject"] == who
                           and p.get("instance") == root)
        server()["usernames"][account_id(who)] = who
        return {"id": account_id(who), "username": who, "acct": who, "display_name": f"Sandbox {who}",
                "locked": False, "bot": False, "created_at": "2024-01-01T00:00:00.000Z", "note": "",
                "url": f"{root}/@{who}", "avatar": f"{root}/avatars/original/missing.png",
                **account_counts(who, statuses)}

    def media_entity(media: dict[str, Any]) -> dict[str, Any]:
        ready = media["state"] == "processed"
        return {"id": media["id"], "type": media["type"], "url": f"{root}/media/{media['id']}" if ready else None,
                "preview_url": f"{root}/media/{media['id']}/small" if ready else None, "remote_url": None,
                "text_url": None, "meta": {}, "description": media.get("description"), "blurhash": None}

    def status_entity(post: dict[str, Any]) -> dict[str, Any]:
        with state.lock:
            media = [dict(state.media[f"mastodon:{m}"]) for m in post["media"] if f"mastodon:{m}" in state.media]
        parent = post.get("inReplyTo")
        return {"id": post["id"], "created_at": _iso(post["createdAt"]), "in_reply_to_id": parent,
                "in_reply_to_account_id": account_id(post["inReplyToSubject"]) if parent else None, "sensitive": post["sensitive"], "spoiler_text": post["spoiler_text"],
                "visibility": post["visibility"], "language": post["language"], "uri": post["uri"],
                "url": post["url"], "content": post["content"], "reblog": None, "edited_at": None,
                "account": account_entity(post["subject"]), "media_attachments": [media_entity(m) for m in media],
                "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None, **status_counts(post)}

    def find(status_id: str) -> dict[str, Any] | None:
        with state.lock:
            return next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == status_id
                         and p.get("instance") == root), None)

    # -- apps and OAuth (methods/apps/, methods/oauth/) -----------------------------------
    @bp.post("/api/v1/apps")
    def create_app():
        _, faulted = gate.fault("apps")
        if faulted is not None:
            return faulted
        body = form()
        redirect = body.get("redirect_uris")
        redirects = redirect if isinstance(redirect, list) else str(redirect or "").split()
        if not body.get("client_name"):
            return _error(422, "Validation failed: Application name can't be blank")
        if not redirects:
            return _error(422, "Validation failed: Redirect URI can't be blank")
        app = {"id": str(len(server()["apps"]) + 1), "name": body["client_name"], "website": body.get("website"),
               "scopes": str(body.get("scopes") or "read").split(), "redirect_uris": redirects,
               "redirect_uri": "\n".join(redirects), "client_id": secrets.token_urlsafe(32),
               "client_secret": secrets.token_urlsafe(32), "client_secret_expires_at": 0,
               "vapid_key": secrets.token_urlsafe(48), "registeredAt": time.time()}
        with state.lock:
            server()["apps"][app["client_id"]] = app
        return {k: v for k, v in app.items() if k != "registeredAt"}

    def app_of(client_id: str | None) -> dict[str, Any] | None:
        return server()["apps"].get(client_id or "")

    @bp.get("/oauth/authorize")
    def authorize():
        args = flask.request.args
        app = app_of(args.get("client_id"))
        if app is None:
            return _page(400, "Client authentication failed due to unknown client, no client authentication "
                              "included, or unsupported authentication method.")
        if args.get("redirect_uri") not in app["redirect_uris"]:
            return _page(400, "The redirect uri included is not valid.")
        if not set((args.get("scope") or "read").split()) <= set(app["scopes"]):
            return _page(400, "The requested scope is invalid, unknown, or malformed.")
        # PKCE since 4.3.0: a challenge, when sent, binds the code to its verifier.
        return oauth.consent(state, PLATFORM, app["client_id"], pkce="optional")

    @bp.post("/oauth/token")
    def token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        body = form()
        app = app_of(body.get("client_id"))
        if app is None or body.get("client_secret") != app["client_secret"]:
            return flask.make_response({"error": "invalid_client", "error_description": "Client authentication "
                                        "failed due to unknown client, no client authentication included, or "
                                        "unsupported authentication method."}, 401)
        if body.get("grant_type") != "authorization_code":
            return flask.make_response({"error": "unsupported_grant_type", "error_description": "The authorization "
                                        "grant type is not supported by the authorization server."}, 400)
        grant, why = oauth.redeem(state, PLATFORM, body.get("code"), client_id=app["client_id"],
                                  redirect_uri=body.get("redirect_uri"), code_verifier=body.get("code_verifier"))
        if grant is None:
            return flask.make_response({"error": "invalid_grant", "error_description": why}, 400)
        access, _, _ = mint_tokens(PLATFORM, grant["subject"], TOKEN_LIFETIME_S)
        return {"access_token": access, "token_type": "Bearer", "scope": grant["scope"],
                "created_at": int(time.time())}

    @bp.post("/oauth/revoke")
    def revoke():
        body = form()
        app = app_of(body.get("client_id"))
        if app is None or body.get("client_secret") != app["client_secret"]:
            return flask.make_response({"error": "unauthorized_client", "error_description": "You are not "
                                        "authorized to revoke this token"}, 403)
        who = oauth.subject_of_token(PLATFORM, body.get("token"))
        if who is not None:
            oauth.revoke(state, PLATFORM, who)
        return {}

    @bp.get("/api/v1/accounts/verify_credentials")
    def verify_credentials():
        _, who, refused = gate("account_metrics")
        if refused is not None:
            return refused
        return account_entity(who)

    @bp.get("/api/v2/instance")
    def instance():
        limits = server()["limits"]
        return {"domain": host, "title": "Soku sandbox", "version": VERSION, "source_url":
                "https://github.com/mastodon/mastodon", "description": "A Mastodon server for Soku's tests",
                "usage": {"users": {"active_month": 1}}, "languages": ["en"],
                "configuration": {
                    "urls": {"streaming": root.replace("http", "ws", 1)},
                    "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                    "statuses": {"max_characters": limits["max_characters"],
                                 "max_media_attachments": limits["max_media_attachments"],
                                 "characters_reserved_per_url": limits["characters_reserved_per_url"]},
                    "media_attachments": {"supported_mime_types": list(SUPPORTED_TYPES),
                                          "image_size_limit": limits["image_size_limit"],
                                          "image_matrix_limit": 33177600,
                                          "video_size_limit": limits["video_size_limit"],
                                          "video_frame_rate_limit": 120, "video_matrix_limit": 8294400},
                    "polls": {"max_options": 4, "max_characters_per_option": 50}},
                "registrations": {"enabled": False, "approval_required": False}}

    # -- media (methods/media/) -------------------------------------------------------------
    @bp.post("/api/v2/media")
    def upload():
        fault, who, refused = gate("media")
        if refused is not None:
            return refused
        file = flask.request.files.get("file")
        if file is None:
            return _error(422, "Validation failed: File can't be blank")
        data = file.read()
        kind = (file.mimetype or "").split("/")[0]
        if file.mimetype not in SUPPORTED_TYPES:
            return _error(422, f"Validation failed: File content type is invalid ({file.mimetype})")
        limits = server()["limits"]
        if len(data) > limits["video_size_limit" if kind == "video" else "image_size_limit"]:
            return _error(422, "Validation failed: File file size must be less than the limit")
        if fault is not None and fault.kind == "processing_failed":
            return _error(422, "Validation failed: File could not be processed")
        polls = 0
        if kind == "video":
            polls = 2
        if fault is not None and fault.kind == "processing":
            polls = int(fault.params.get("polls", 2))
        media = {"id": state.next_id(), "owner": who, "instance": root, "type": "video" if kind == "video" else "image",
                 "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "contentType": file.mimetype,
                 "description": flask.request.form.get("description"), "pollsLeft": polls,
                 "state": "processed" if polls == 0 else "processing", "polls": 0}
        with state.lock:
            state.media[f"mastodon:{media['id']}"] = media
        # 200 when processed at once, 202 "the file is still processing" (methods/media/#v2).
        return flask.make_response(media_entity(media), 200 if polls == 0 else 202)

    @bp.get("/api/v1/media/<media_id>")
    def media_status(media_id: str):
        _, who, refused = gate("media_status")
        if refused is not None:
            return refused
        with state.lock:
            media = state.media.get(f"mastodon:{media_id}")
            if media is None or media["owner"] != who or media["instance"] != root:
                return _error(404, "Record not found")
            media["polls"] += 1
            if media["state"] == "processing":
                media["pollsLeft"] -= 1
                if media["pollsLeft"] <= 0:
                    media["state"] = "processed"
                    return media_entity(media)  # processed by this poll: 200 with its url
                return flask.make_response(media_entity(media), 206)  # "Partial content": still processing
            return media_entity(media)

    # -- statuses (methods/statuses/, methods/accounts/#statuses) ---------------------------
    @bp.post("/api/v1/statuses")
    def create_status():
        fault, who, refused = gate("create")
        if refused is not None:
            return refused
        key = flask.request.headers.get("Idempotency-Key")
        body = form()
        text = str(body.get("status") or "")
        spoiler = str(body.get("spoiler_text") or "")
        media_ids = body.get("media_ids") or flask.request.form.getlist("media_ids[]")
        media_ids = [str(m) for m in (media_ids if isinstance(media_ids, list) else [media_ids])]
        with state.lock:
            remembered = server()["idempotency"].get((who, key)) if key else None
            if remembered and remembered["until"] > time.time() and (post := find(remembered["status"])):
                # PostStatusService#idempotency_duplicate: the status this key made, not another.
                post["idempotentReplays"] = post.get("idempotentReplays", 0) + 1
                return status_entity(post)
        limits = server()["limits"]
        if not text.strip() and not media_ids:
            return _error(422, "Validation failed: Text can't be blank")
        visibility = body.get("visibility") or "public"
        if visibility not in VISIBILITIES:
            return _error(422, f"Validation failed: Visibility is not included in the list ({visibility})")
        used = server_length(text, spoiler, limits["characters_reserved_per_url"])
        if used > limits["max_characters"]:
            return _error(422, f"Validation failed: Text character limit of {limits['max_characters']} exceeded")
        if len(media_ids) > limits["max_media_attachments"]:
            return _error(422, "Validation failed: Media attachments too many")
        with state.lock:
            attached = [state.media.get(f"mastodon:{m}") for m in media_ids]
        if any(m is None or m["owner"] != who or m["instance"] != root for m in attached):
            return _error(422, "Validation failed: Media attachments are not yours")
        if any(m["state"] != "processed" for m in attached):
            return _error(422, "Cannot attach files that have not finished processing. Try again in a moment!")
        if len(attached) > 1 and any(m["type"] == "video" for m in attached):
            return _error(422, "Cannot attach a video to a post that already contains images")
        sensitive = body.get("sensitive")
        sensitive = sensitive in (True, "true", "1") or bool(spoiler)  # a content warning marks it sensitive
        parent = None
        if body.get("in_reply_to_id"):
            # Api::V1::StatusesController#create: `Status.find(in_reply_to_id)`, and a status that is
            # not there answers 404 with `statuses.errors.in_reply_not_found`.
            parent = find(str(body["in_reply_to_id"]))
            if parent is None:
                return _error(404, "The status you are trying to reply to does not appear to exist.")
        with state.lock:
            post = state.record_post(PLATFORM, who, instance=root, status=text, spoiler_text=spoiler,
                                     visibility=visibility, sensitive=sensitive,
                                     language=body.get("language") or "en", media=media_ids,
                                     idempotency_key=key, content=render_html(text))
            post["uri"] = f"{root}/users/{who}/statuses/{post['id']}"
            post["url"] = f"{root}/@{who}/{post['id']}"
            if parent is not None:
                post["inReplyTo"], post["inReplyToSubject"] = parent["id"], parent["subject"]
            if key:
                server()["idempotency"][(who, key)] = {"status": post["id"], "until": time.time() + IDEMPOTENCY_TTL_S}
        hold_if_asked(fault)  # the status is made; the answer is what waits
        return status_entity(post)

    @bp.get("/api/v1/statuses/<status_id>")
    def read_status(status_id: str):
        _, who, refused = gate("metrics")
        if refused is not None:
            return refused
        post = find(status_id)
        if post is None:
            return _error(404, "Record not found")
        return status_entity(post)

    @bp.delete("/api/v1/statuses/<status_id>")
    def delete_status(status_id: str):
        fault, who, refused = gate("delete")
        if refused is not None:
            return refused
        post = find(status_id)
        if post is None or post["subject"] != who:
            return _error(404, "Record not found")
        gone = state.delete_post(PLATFORM, lambda p: p["id"] == status_id and p.get("instance") == root)
        hold_if_asked(fault)
        # The deleted status, with its source `text` for "delete and redraft" (methods/statuses/#delete).
        return status_entity(gone) | {"text": gone["status"]}

    @bp.get("/api/v1/accounts/<account>/statuses")
    def account_statuses(account: str):
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        cutoff = listing_cutoff(fault)  # the `lag` fault: the newest statuses not listed yet
        owner = server()["usernames"].get(account)
        if owner is None:
            return _error(404, "Record not found")
        args = flask.request.args
        limit = max(1, min(int(args.get("limit", "20")), 40))
        max_id = args.get("max_id")
        with state.lock:
            mine = [p for p in state.posts if p["platform"] == PLATFORM and p["subject"] == owner
                    and p.get("instance") == root and (cutoff is None or p["createdAt"] <= cutoff)
                    and (not max_id or int(p["id"]) < int(max_id))]
        mine.sort(key=lambda p: int(p["id"]), reverse=True)  # newest first, as ids grow with time
        page = mine[:limit]
        response = flask.make_response(flask.jsonify([status_entity(p) for p in page]))
        if len(mine) > limit:
            older = f"{root}/api/v1/accounts/{account}/statuses?max_id={page[-1]['id']}"
            response.headers["Link"] = f'<{older}>; rel="next"'
        return response

    @bp.get("/@<username>/<status_id>")
    def web(username: str, status_id: str):
        post = find(status_id)
        if post is None:
            return _page(404, "The page you are looking for isn't here.")
        warning = f"<p><strong>{escape(post['spoiler_text'])}</strong></p>" if post["spoiler_text"] else ""
        return flask.make_response(f"<html><body>{warning}{post['content']}</body></html>", 200,
                                   {"Content-Type": "text/html; charset=utf-8"})

    # -- steering ---------------------------------------------------------------------
    @bp.post("/__sandbox/limits")
    def set_limits():
        with state.lock:
            server()["limits"].update({k: int(v) for k, v in (flask.request.get_json(force=True) or {}).items()
                                       if k in DEFAULT_LIMITS})
        return server()["limits"]

    @bp.get("/__sandbox/apps")
    def list_apps():
        with state.lock:
            return {"apps": [{k: app[k] for k in ("id", "name", "scopes", "redirect_uris", "client_id")}
                             for app in server()["apps"].values()]}

    return bp


def _page(status: int, message: str) -> flask.Response:
    return flask.make_response(f"<html><body><h1>Mastodon</h1><p>{escape(message)}</p></body></html>", status,
                               {"Content-Type": "text/html; charset=utf-8"})
