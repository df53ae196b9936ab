"""Threads API sandbox: containers that pull media by URL, status polling, threads_publish.

Implements what the Threads publisher calls, as reference/platform-apis.md §4
describes: `POST /v1.0/{user}/threads` (TEXT | IMAGE | VIDEO | CAROUSEL, the
media really fetched from its URL), `GET /v1.0/{id}` (a container's
`status,error_message`, progressing IN_PROGRESS → FINISHED over a few polls,
or ERROR / EXPIRED; a published post's `permalink`),
`POST /v1.0/{user}/threads_publish`, `GET /v1.0/{user}/threads_publishing_limit`,
`GET /v1.0/{user}/threads` and `GET /refresh_access_token`. The connect flow:
`GET /web/oauth/authorize` (threads.net; devstack/sandboxes/oauth.py),
`POST /oauth/access_token` (code → 1-hour token), `GET /access_token`
(`th_exchange_token` → 60 days) and `GET /v1.0/me`. Errors use the
Graph envelope `{error: {message, type, code, error_subcode, fbtrace_id}}`.

Fault operations: `token`, `publishing_limit`, `container`, `status`, `create`
(threads_publish; `hold` applies here), `permalink`, `lookup`. Besides the
common kinds: `processing_failed` on `container` (the container ends in ERROR),
`expired` on `status` (the container is reported EXPIRED from then on) and
`quota_exhausted` on `publishing_limit` (the profile's quota reads as used up).
"""

from __future__ import annotations

import secrets
import time
import unicodedata

import flask
from markupsafe import escape

from devstack.sandboxes import oauth

from devstack.sandboxes.meta_graph import containers
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens
from devstack.sandboxes.meta_graph import graph_page
from devstack.sandboxes.media_urls import fetch_media

PLATFORM = "threads"
CLIENT_ID = "1000000000000003"
CLIENT_SECRET = "sbx-threads-app-secret"
SHORT_LIVED_S = 3600
MAX_TEXT = 500
QUOTA_TOTAL = 250  # read when called (the soak in bench/ raises it)
QUOTA_WINDOW_S = 86400
CONTAINER_TTL_S = 24 * 3600
LONG_LIVED_S = 60 * 24 * 3600
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_VIDEO_BYTES = 1024 * 1024 * 1024
# Status polls a container answers IN_PROGRESS before it is FINISHED.
POLLS_IN_PROGRESS = {"TEXT": 0, "IMAGE": 1, "VIDEO": 2, "CAROUSEL": 0}
# How a published post's media_type reads when listed.
LISTED_TYPE = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "VIDEO": "VIDEO", "CAROUSEL": "CAROUSEL_ALBUM"}


def threads_length(text: str) -> int:
    """The reference's count: characters, except that emojis count as their UTF-8 bytes."""
    total = 0
    for char in text:
        emoji = unicodedata.category(char) == "So" or ord(char) >= 0x1F000
        total += len(char.encode("utf-8")) if emoji else 1
    return total


def _unknown_for_delete(media_id: str):
    return _error(400, f"Unsupported delete request. Object with ID '{media_id}' does not exist, cannot be loaded "
                       "due to missing permissions, or does not support this operation", 100, 33)


def _error(status: int, message: str, code: int, subcode: int | None = None,
           kind: str = "THApiException", headers: dict | None = None, **extra):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": secrets.token_urlsafe(9)}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return flask.make_response({"error": error}, status, headers or {})


def _invalid_token(token: str | None):
    parts = (token or "").split(".")
    if len(parts) == 5 and parts[3].isdigit() and int(parts[3]) <= time.time():
        when = time.strftime("%A, %d-%b-%y %H:%M:%S UTC", time.gmtime(int(parts[3])))
        return _error(400, f"Error validating access token: Session has expired on {when}.", 190, 463,
                      kind="OAuthException")
    return _error(400, "Error validating access token: The session has been invalidated because the user "
                       "changed their password or Threads has changed the session for security reasons.",
                  190, 460, kind="OAuthException")


def _timestamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def blueprint(state: SandboxState, web_base: str) -> flask.Blueprint:
    bp = flask.Blueprint("threads", __name__, url_prefix="/threads")

    def rate_limited():
        usage = '{"call_count":100,"total_cputime":12,"total_time":14}'
        return _error(400, "Application request limit reached", 4, kind="OAuthException",
                      headers={"X-App-Usage": usage}, is_transient=True)

    def _duplicate():
        return _error(400, "Duplicate post: this profile already published the same text.", 506,
                      error_user_title="Duplicate post",
                      error_user_msg="You already posted this. Try sharing something different.")

    def token() -> str | None:
        return (flask.request.args.get("access_token") or flask.request.form.get("access_token")
                or flask.request.headers.get("Authorization"))

    def authorized(user_id: str | None = None):
        """(subject, None) for a valid token acting on its own profile, else (None, error response)."""
        raw = token()
        who = state.subject_of(PLATFORM, raw)
        if who is None:
            return None, _invalid_token(raw.split(" ", 1)[-1] if raw else None)
        if user_id is not None and user_id not in (who, "me"):
            return None, _error(400, f"Unsupported request - object with ID '{user_id}' does not exist, cannot "
                                     "be loaded due to missing permissions, or does not support this operation",
                                100, 33)
        return who, None

    # hold, processing_failed, expired and quota_exhausted are left to the routes they apply to.
    gate = Gate(state, PLATFORM, {
        "rate_limit": answer(rate_limited),
        "server_error": answer(lambda: _error(503, "Service temporarily unavailable", 2, kind="OAuthException",
                                              is_transient=True)),
        "expired_token": answer(lambda: _invalid_token(f"sbx-at.{PLATFORM}.x.1.0")),
        "duplicate": answer(_duplicate),
    }, authorized)

    def posts_of(who: str, since: float = 0.0) -> list[dict]:
        return containers.posts_of(state, PLATFORM, who, since)

    def permalink(post: dict) -> str:
        return f"{web_base}/threads/web/@{post['subject']}/post/{post['id']}"

    def fetch(url: str, kind: str) -> tuple[dict | None, str | None]:
        """GET the media like Threads' crawler does: (what arrived, or why it could not)."""
        if kind == "VIDEO":
            return fetch_media(url, MAX_VIDEO_BYTES, "video/")
        return fetch_media(url, MAX_IMAGE_BYTES, "image/")

    @bp.get("/web/oauth/authorize")
    def oauth_consent():
        return oauth.consent(state, PLATFORM, CLIENT_ID)

    @bp.post("/oauth/access_token")
    def exchange_code():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        form = flask.request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _error(400, "Error validating client secret.", 1, kind="OAuthException")
        if form.get("grant_type") != "authorization_code":
            return _error(400, "Invalid parameter: grant_type must be authorization_code", 100, kind="OAuthException")
        grant, why = oauth.redeem(state, PLATFORM, form.get("code"), client_id=form.get("client_id"),
                                  redirect_uri=form.get("redirect_uri"))
        if grant is None:
            return _error(400, f"Error validating verification code. {why}", 100, 36007, kind="OAuthException")
        access, _, _ = mint_tokens(PLATFORM, grant["subject"], SHORT_LIVED_S)
        return {"access_token": access, "user_id": grant["subject"]}

    @bp.get("/access_token")
    def long_lived():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        if flask.request.args.get("grant_type") != "th_exchange_token":
            return _error(400, "Invalid parameter: grant_type must be th_exchange_token", 100, kind="OAuthException")
        if flask.request.args.get("client_secret") != CLIENT_SECRET:
            return _error(400, "Error validating client secret.", 1, kind="OAuthException")
        who, refused = authorized()
        if refused is not None:
            return refused
        access, _, _ = mint_tokens(PLATFORM, who, LONG_LIVED_S)
        return {"access_token": access, "token_type": "bearer", "expires_in": LONG_LIVED_S}

    @bp.get("/v1.0/me")
    def me():
        who, refused = authorized()
        if refused is not None:
            return refused
        row = {"id": who, "username": who, "name": f"Sandbox user {who}"}
        fields = set(flask.request.args.get("fields", "id").split(",")) | {"id"}
        return {k: v for k, v in row.items() if k in fields}

    @bp.get("/refresh_access_token")
    def refresh_token():
        _, faulted = gate.fault("token")
        if faulted is not None:
            return faulted
        if flask.request.args.get("grant_type") != "th_refresh_token":
            return _error(400, "Invalid parameter: grant_type must be th_refresh_token", 100, kind="OAuthException")
        who, refused = authorized()
        if refused is not None:
            return refused  # an expired (or revoked) token cannot be refreshed: reconnect
        access, _, _ = mint_tokens(PLATFORM, who, LONG_LIVED_S)
        return {"access_token": access, "token_type": "bearer", "expires_in": LONG_LIVED_S}

    @bp.get("/v1.0/<user_id>/threads_publishing_limit")
    def publishing_limit(user_id: str):
        fault, who, refused = gate("publishing_limit", user_id)
        if refused is not None:
            return refused
        return containers.publishing_limit(len(posts_of(who, time.time() - QUOTA_WINDOW_S)), fault,
                                           quota_total=QUOTA_TOTAL, window_s=QUOTA_WINDOW_S,
                                           wanted=flask.request.args.get("fields", "quota_usage,config").split(","))

    @bp.post("/v1.0/<user_id>/threads")
    def create_container(user_id: str):
        fault, who, refused = gate("container", user_id)
        if refused is not None:
            return refused
        args = flask.request.form.to_dict() | flask.request.args.to_dict()
        media_type = (args.get("media_type") or "").upper()
        text = args.get("text") or ""
        carousel_item = (args.get("is_carousel_item") or "false").lower() == "true"
        if media_type not in POLLS_IN_PROGRESS:
            return _error(400, "Invalid parameter: media_type must be one of TEXT, IMAGE, VIDEO, CAROUSEL", 100)
        if threads_length(text) > MAX_TEXT:
            return _error(400, f"Invalid parameter: text must be at most {MAX_TEXT} characters", 100)
        if media_type == "TEXT" and (not text.strip() or carousel_item):
            return _error(400, "Invalid parameter: text is required for a TEXT post, which cannot be a carousel item",
                          100)
        if media_type == "CAROUSEL" and carousel_item:
            return _error(400, "Invalid parameter: a carousel cannot be a carousel item", 100)
        container = {"platform": PLATFORM, "kind": "container", "owner": who, "mediaType": media_type,
                     "text": text, "carouselItem": carousel_item, "createdAt": time.time(), "polls": 0,
                     "status": "IN_PROGRESS", "error": None, "media": [], "children": []}
        if args.get("reply_to_id"):
            # A reply: "You are the owner of the root thread post", or hold keyword-search /
            # mentions permissions, which the sandbox grants no one (developers.facebook.com/
            # documentation/threads/retrieve-and-manage-replies/create-replies).
            parent = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == args["reply_to_id"]),
                          None)
            if parent is None:
                return _error(400, f"Invalid parameter: reply_to_id {args['reply_to_id']!r} does not exist", 100, 33)
            root = next((p for p in state.posts if p["platform"] == PLATFORM
                         and p["id"] == parent.get("rootId", parent["id"])), parent)
            if root["subject"] != who:
                return _error(403, "Application does not have permission for this action", 10)
            container["replyTo"], container["rootId"] = parent["id"], root["id"]
        if media_type in ("IMAGE", "VIDEO"):
            field = "image_url" if media_type == "IMAGE" else "video_url"
            url = args.get(field)
            if not url:
                return _error(400, f"Invalid parameter: {field} is required for {media_type}", 100)
            fetched, problem = fetch(url, media_type)
            if fetched is None and media_type == "IMAGE":
                return _error(400, f"The media could not be fetched from this URI: {url} ({problem})", 9004, 2207052)
            if fetched is None:
                container["error"] = "FAILED_DOWNLOADING_VIDEO"  # video downloads fail asynchronously
            else:
                container["media"] = [fetched]
        if media_type == "CAROUSEL":
            ids = [c for c in (args.get("children") or "").split(",") if c]
            if not 2 <= len(ids) <= 20:
                return _error(400, "Invalid parameter: a carousel takes 2 to 20 children", 100)
            for child_id in ids:
                child = state.media.get(child_id)
                if (child is None or child.get("platform") != PLATFORM or child["owner"] != who
                        or not child["carouselItem"]):
                    return _error(400, f"Invalid parameter: {child_id} is not a carousel item of this profile", 100)
                if child["status"] != "FINISHED":
                    return _error(400, f"The media is not ready for publishing: child {child_id} is "
                                       f"{child['status']}", 9007, 2207027)
            container["children"] = ids
            container["media"] = [m for c in ids for m in state.media[c]["media"]]
        if fault is not None and fault.kind == "processing_failed":
            container["error"] = "FAILED_PROCESSING_VIDEO" if media_type == "VIDEO" else "UNKNOWN"
        container_id = state.next_id()
        with state.lock:
            state.media[container_id] = container
        return {"id": container_id}

    @bp.get("/v1.0/<object_id>")
    def read_object(object_id: str):
        container = state.media.get(object_id)
        operation = "status" if container is not None and container.get("platform") == PLATFORM else "permalink"
        fault, who, refused = gate(operation)
        if refused is not None:
            return refused
        fields = flask.request.args.get("fields", "id").split(",")
        if operation == "status":
            if container["owner"] != who:
                return _error(400, f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33)
            with state.lock:
                containers.advance(container, fault, POLLS_IN_PROGRESS[container["mediaType"]], CONTAINER_TTL_S)
                row = {"id": object_id, "status": container["status"]}
                if container["status"] == "ERROR":
                    row["error_message"] = container["error"]
            return {k: v for k, v in row.items() if k in fields or k == "id"}
        post = next((p for p in posts_of(who) if p["id"] == object_id), None)
        if post is None:
            return _error(400, f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33)
        row = {"id": post["id"], "permalink": post["url"], "text": post["text"], "media_type": post["mediaType"],
               "timestamp": _timestamp(post["createdAt"]), "username": post["subject"]}
        return {k: v for k, v in row.items() if k in fields or k == "id"}

    @bp.post("/v1.0/<user_id>/threads_publish")
    def publish(user_id: str):
        fault, who, refused = gate("create", user_id)
        if refused is not None:
            return refused
        creation_id = flask.request.args.get("creation_id") or flask.request.form.get("creation_id") or ""
        container = state.media.get(creation_id)
        if container is None or container.get("platform") != PLATFORM or container["owner"] != who:
            return _error(400, f"Invalid parameter: creation_id {creation_id!r} is not a container of this profile",
                          100)
        with state.lock:
            why = containers.unpublishable(container, ttl_s=CONTAINER_TTL_S, quota_total=QUOTA_TOTAL,
                                           used=len(posts_of(who, time.time() - QUOTA_WINDOW_S)))
            if why == "carousel_item":
                return _error(400, "Invalid parameter: a carousel item cannot be published on its own", 100)
            if why == "expired":
                return _error(400, "The media container has expired; create a new one", 9007, 2207008)
            if why == "published":
                return _error(400, "The media container has already been published", 9007, 2207027)
            if why == "not_ready":
                return _error(400, f"The media is not ready for publishing, please wait for a moment "
                                   f"(status {container['status']})", 9007, 2207027)
            if why == "quota":
                return _error(400, f"The user has reached the publishing limit of {QUOTA_TOTAL} posts in 24 hours",
                              9, 2207042)
            text = container["text"]
            if text.strip() and any(p["text"] == text for p in posts_of(who)):
                return _duplicate()
            post = state.record_post(PLATFORM, who, text=text, mediaType=container["mediaType"],
                                     media=container["media"], children=container["children"],
                                     containerId=creation_id, url="",
                                     **{k: container[k] for k in ("replyTo", "rootId") if k in container})
            post["url"] = permalink(post)
            container["status"] = "PUBLISHED"
        hold_if_asked(fault)
        return {"id": post["id"]}

    @bp.get("/v1.0/<user_id>/threads")
    def profile_threads(user_id: str):
        fault, who, refused = gate("lookup", user_id)
        if refused is not None:
            return refused
        # The `lag` fault: a profile's threads listing catches up after a publish, so a post
        # just made can be missing here for a while (Meta documents no bound [unverified])
        # though `GET /{threads-media-id}` already answers it.
        cutoff = listing_cutoff(fault)
        since = flask.request.args.get("since", "0")
        fields = flask.request.args.get("fields", "id").split(",")

        def render(post: dict) -> dict:
            row = {"id": post["id"], "permalink": post["url"], "timestamp": _timestamp(post["createdAt"]),
                   "media_type": LISTED_TYPE[post["mediaType"]]}
            if post["text"]:
                row["text"] = post["text"]
            return {k: v for k, v in row.items() if k in fields or k == "id"}

        # Newest first, cursor-paged, `limit` default 25 and at most 100 (Threads API, user threads).
        # The profile's own threads: its replies are another edge (`/{user}/replies`).
        listed = [p for p in reversed(posts_of(who, float(since) if since.isdigit() else 0.0))
                  if (cutoff is None or p["createdAt"] <= cutoff) and "replyTo" not in p]
        return graph_page(listed, render)

    @bp.get("/v1.0/<media_id>/replies")
    def replies(media_id: str):
        """`GET /{threads-media-id}/replies`: the top-level replies to a post, newest first unless
        `reverse=false`, cursor-paged (developers.facebook.com/documentation/threads/reference/
        reply-management); `is_reply_owned_by_me` says which are the caller's."""
        fault, who, refused = gate("lookup")
        if refused is not None:
            return refused
        cutoff = listing_cutoff(fault)
        if not any(p["platform"] == PLATFORM and p["id"] == media_id for p in state.posts):
            return _error(400, f"Unsupported get request. Object with ID '{media_id}' does not exist", 100, 33)
        fields = flask.request.args.get("fields", "id").split(",")

        def render(post: dict) -> dict:
            row = {"id": post["id"], "permalink": post["url"], "timestamp": _timestamp(post["createdAt"]),
                   "text": post["text"], "username": post["subject"], "is_reply": True,
                   "is_reply_owned_by_me": post["subject"] == who, "replied_to": {"id": post["replyTo"]},
                   "root_post": {"id": post["rootId"]}}
            return {k: v for k, v in row.items() if k in fields or k == "id"}

        with state.lock:
            listed = [p for p in state.posts if p["platform"] == PLATFORM and p.get("replyTo") == media_id
                      and (cutoff is None or p["createdAt"] <= cutoff)]
        newest_first = flask.request.args.get("reverse", "true").lower() != "false"
        return graph_page(list(reversed(listed)) if newest_first else listed, render)

    @bp.delete("/v1.0/<media_id>")
    def delete(media_id: str):
        """`DELETE /{threads-media-id}` → `{"success": true, "deleted_id": …}` (developers.facebook.com/
        docs/threads/posts/delete-posts: the profile's own posts, with the `threads_delete`
        permission). An id the profile has no post under (never posted, deleted already) → Graph's
        code 100 / subcode 33; the `forbidden` fault stands for a token without `threads_delete`:
        403 code 10 [status unverified]. The `cannot_load` fault answers code 100 / subcode 33 while
        the post exists, as Graph's "cannot be loaded due to missing permissions" covers."""
        _, who, refused = gate("delete", forbidden=answer(lambda: _error(
            403, "(#10) Application does not have permission for this action", 10, kind="OAuthException")),
            cannot_load=answer(lambda: _unknown_for_delete(media_id)))
        if refused is not None:
            return refused
        with state.lock:
            post = next((p for p in posts_of(who) if p["id"] == media_id), None)
            if post is None:
                return _unknown_for_delete(media_id)
            state.delete_post(PLATFORM, lambda p: p is post)
        return {"success": True, "deleted_id": media_id}

    @bp.get("/web/@<user>/post/<post_id>")
    def web(user: str, post_id: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id
                     and p["subject"] == user), None)
        if post is None:
            return "Not found", 404
        media = "".join(f"<li>{escape(m['contentType'])}, {m['bytes']} bytes</li>" for m in post["media"])
        return (f"<html><body><h1>Threads sandbox post {post_id}</h1><p>@{escape(user)}</p>"
                f"<p>{escape(post['text'])}</p><ul>{media}</ul></body></html>")

    return bp
