"""X API v2 sandbox: OAuth 2.0 (authorize with PKCE, code and refresh grants, users/me, revoke),
chunked media upload with STATUS, tweets.

A tweet's `text` comes back the way X renders it, not as it was submitted
(`rendered_text`): that is what a reconciling lookup has to match. Each post
keeps the submitted `text` too, which X's duplicate-content check compares and
the tests read.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from datetime import datetime, timezone

import flask
from markupsafe import escape

from devstack.sandboxes import oauth
from devstack.sandboxes.core import Gate, SandboxState, answer, hold_if_asked, listing_cutoff, mint_tokens
from shared.text_counting import MAX_WEIGHTED_TWEET_LENGTH, x_weighted_length

PLATFORM = "x"
CLIENT_ID = "sbx-x-client-id"
CLIENT_SECRET = "sbx-x-client-secret"
ACCESS_LIFETIME_S = 7200
MAX_SEGMENT = 8 * 1024 * 1024
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_T_CO_ALPHABET = string.ascii_letters + string.digits


def _t_co() -> str:
    return "https://t.co/" + "".join(secrets.choice(_T_CO_ALPHABET) for _ in range(10))


def rendered_text(submitted: str, has_media: bool) -> str:
    """The `text` X returns for a tweet created with `submitted`.

    - Every link is wrapped: it becomes an https://t.co/<10 characters> link, and the
      original only survives in `entities.urls[].expanded_url` (X data dictionary,
      "Entities object": `url` is the "wrapped URL, corresponding to the value embedded
      directly into the raw Tweet text"). The sandbox wraps scheme-qualified URLs only;
      X also links bare domains.
    - `&`, `<` and `>` come back as `&amp;`, `&lt;`, `&gt;` (X's encoding note: angle
      brackets are entity-encoded; v2 does the same to `&`: kbravh.dev/html-entities-
      twitter-api-v2, twittercommunity.com/t/tweet-text-html-encoding-clarity/68810).
    - A tweet with attached photos, video or GIF ends with one more t.co link, to the
      media (dev.twitter.com "Upcoming changes to Tweets", 2016: "a URL at the end of
      Tweets generated from attaching photos, a video, GIF ...").
    """
    parts = []
    last = 0
    for match in _URL.finditer(submitted):
        parts.append(_escape_entities(submitted[last:match.start()]))
        url = match.group(0)
        trail = len(url) - len(url.rstrip(".,;:!?)'"))  # sentence punctuation is not part of the link
        parts.append(_t_co() + _escape_entities(url[len(url) - trail:] if trail else ""))
        last = match.end()
    parts.append(_escape_entities(submitted[last:]))
    text = "".join(parts)
    if has_media:
        text = f"{text} {_t_co()}" if text else _t_co()
    return text


def _escape_entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp()
    except ValueError:
        return None


# Refusals are RFC 7807 problems sent as `application/problem+json`: X's OpenAPI document
# (xdevplatform/xdk specs/openapi.json, version 2.167; devstack/contracts/facts/x.json) gives
# every operation's failures as `application/json` → `Error` {code, message} or
# `application/problem+json` → `Problem`, and X answers the latter. Where the document's
# Problem catalogue has the case, the problem is that one (`x_problem`: type
# `https://api.x.com/2/problems/<kind>` with the members its schema requires); the gateway's
# own refusals (401, 429, 503, the duplicate-content 403) are `about:blank` problems, as X
# sends them, which that catalogue does not list.
PROBLEM_JSON = "application/problem+json"
PROBLEMS = "https://api.x.com/2/problems/"


def _problem(status: int, title: str, detail: str, headers: dict | None = None):
    body = {"title": title, "detail": detail, "type": "about:blank", "status": status}
    return flask.make_response(body, status, {"Content-Type": PROBLEM_JSON, **(headers or {})})


def x_problem(status: int, kind: str, title: str, detail: str, **members: str):
    """A problem of the document's catalogue: `invalid-request` (InvalidRequestProblem: type,
    title, detail), `resource-not-found` (ResourceNotFoundProblem: + resource_type),
    `not-authorized-for-resource` (NotAuthorizedForResourceProblem: + resource_type)."""
    body = {"title": title, "detail": detail, "type": PROBLEMS + kind, "status": status, **members}
    return flask.make_response(body, status, {"Content-Type": PROBLEM_JSON})


def _invalid(detail: str, **members: str):
    return x_problem(400, "invalid-request", "Invalid Request", detail, **members)


def _fields(args, kind: str = "post") -> set[str]:
    """The fields asked for: the document names the parameter `post.fields` (`tweet.fields`
    before version 2.167, still read here)."""
    names = (f"{kind}.fields", "tweet.fields") if kind == "post" else (f"{kind}.fields",)
    return {f for name in names for f in args.get(name, "").split(",") if f}


def blueprint(state: SandboxState, web_base: str) -> flask.Blueprint:
    bp = flask.Blueprint("x", __name__, url_prefix="/x")

    def rate_limited(fault, operation):
        reset = int(time.time()) + int(fault.params.get("reset_in", 1))
        return _problem(429, "Too Many Requests", "Too Many Requests",
                        {"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})

    def subject():
        return state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))

    def authorized():
        who = subject()
        return (who, None) if who is not None else (None, _problem(401, "Unauthorized", "Unauthorized"))

    # hold and processing_failed are handled where they apply (the create, media processing).
    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: _problem(503, "Service Unavailable", "Service Unavailable")),
        "expired_token": answer(lambda: _problem(401, "Unauthorized", "Unauthorized")),
        "duplicate": answer(lambda: _problem(403, "Forbidden",
                                             "You are not allowed to create a Tweet with duplicate content.")),
    }, authorized)

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
        return oauth.consent(state, PLATFORM, CLIENT_ID, pkce="required")

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
        _, faulted = gate.fault("token")
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
        _, who, refused = gate("initialize")
        if refused is not None:
            return refused
        body = flask.request.get_json(force=True)
        media_id = state.next_id()
        with state.lock:
            state.media[media_id] = {"owner": who, "total": int(body["total_bytes"]), "received": {},
                                     "category": body.get("media_category"), "type": body.get("media_type"),
                                     "state": None, "polls": 0}
        return {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}}

    @bp.post("/2/media/upload/<media_id>/append")
    def append(media_id: str):
        fault, faulted = gate.fault("append")
        if faulted is not None:
            return faulted
        hold_if_asked(fault)  # a slow upload: the segment is stored after the wait
        media = state.media.get(media_id)
        if subject() is None or media is None or media["owner"] != subject():
            return _invalid("Unknown media id", parameter="id", value=media_id)
        index = int(flask.request.form["segment_index"])
        chunk = flask.request.files["media"].read()
        if len(chunk) > MAX_SEGMENT:
            return _invalid("Segment too large", parameter="media")
        if index > len(media["received"]):
            return _invalid(f"Segment {index} out of order", parameter="segment_index", value=str(index))
        media["received"][index] = len(chunk)
        return {"data": {"expires_at": int(time.time()) + 86400}}

    @bp.post("/2/media/upload/<media_id>/finalize")
    def finalize(media_id: str):
        fault, faulted = gate.fault("finalize")
        if faulted is not None:
            return faulted
        media = state.media.get(media_id)
        if subject() is None or media is None:
            return _invalid("Unknown media id", parameter="id", value=media_id)
        received = sum(media["received"].values())
        if received != media["total"]:
            return _invalid(f"Expected {media['total']} bytes, received {received}")
        if media["category"] == "tweet_video":
            media["state"] = "failed" if fault is not None and fault.kind == "processing_failed" else "pending"
            return {"data": {"id": media_id, "processing_info": {"state": "pending", "check_after_secs": 0}}}
        media["state"] = "succeeded"
        return {"data": {"id": media_id, "size": received}}

    @bp.post("/2/media/metadata")
    def metadata():
        """`POST /2/media/metadata` (X's OpenAPI document: CreateMediaMetadataRequest, `id` and
        `metadata.alt_text.text` of at most 1,000 characters; docs.x.com/x-api/media/media-metadata-create):
        the caller's own uploaded media only. Answers `{"data": {"id", "associated_metadata"}}`;
        the tweet that attaches the media carries the alt text (`__sandbox/posts`: `altTexts`)."""
        _, who, refused = gate("metadata")
        if refused is not None:
            return refused
        body = flask.request.get_json(force=True)
        media_id = str(body.get("id") or "")
        media = state.media.get(media_id)
        if media is None or media["owner"] != who:
            return _invalid(f"Media {media_id} was not found", parameter="id", value=media_id)
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if alt is not None and len(alt) > 1000:
            return _invalid("alt_text.text must be at most 1000 characters", parameter="metadata.alt_text.text")
        if alt is not None:
            media["altText"] = alt
        return {"data": {"id": media_id, "associated_metadata": body.get("metadata") or {}}}

    @bp.get("/2/media/upload")
    def status():
        _, faulted = gate.fault("status")
        if faulted is not None:
            return faulted
        media_id = flask.request.args.get("media_id", "")
        media = state.media.get(media_id)
        # `command` is optional (the document: `media_id` required, `command` enum [STATUS]).
        if flask.request.args.get("command", "STATUS") != "STATUS":
            return _invalid("command must be STATUS", parameter="command", value=flask.request.args["command"])
        if subject() is None or media is None:
            return _invalid("Unknown media id", parameter="media_id", value=media_id)
        media["polls"] += 1
        errors = None
        if media["state"] == "failed":
            # `processing_info` is {state, check_after_secs, progress_percent} and nothing else
            # (GetMediaUploadStatusResponseDataProcessingInfo: additionalProperties false): why
            # processing failed comes in the answer's `errors` (Problem), beside `data`.
            info = {"state": "failed"}
            errors = [{"type": PROBLEMS + "invalid-request", "title": "Invalid Request",
                       "detail": "Unsupported video codec", "parameter": "media_id", "value": media_id}]
        elif media["polls"] < 2:
            info = {"state": "in_progress", "check_after_secs": 0, "progress_percent": 50}
        else:
            media["state"] = "succeeded"
            info = {"state": "succeeded", "progress_percent": 100}
        answer_body = {"data": {"id": media_id, "processing_info": info}}
        if errors:
            answer_body["errors"] = errors
        return answer_body

    @bp.post("/2/tweets")
    def create():
        fault, who, refused = gate("create")
        if refused is not None:
            return refused
        body = flask.request.get_json(force=True)
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        # X counts the weighted length twitter-text computes (config v3: emoji sequences 2,
        # any URL 23, CJK 2); shared.text_counting agrees with twitter-text itself
        # (tests/test_text_counting.py). Past 280 X refuses the tweet.
        length = x_weighted_length(text)
        if length > MAX_WEIGHTED_TWEET_LENGTH:
            # An InvalidRequestProblem of X's OpenAPI document, as application/problem+json.
            return flask.make_response(
                {"type": "https://api.x.com/2/problems/invalid-request", "title": "Invalid Request",
                 "detail": f"Your Tweet text is too long: {length} weighted characters, at most "
                           f"{MAX_WEIGHTED_TWEET_LENGTH}. For more information on how X determines text "
                           "length see https://github.com/twitter/twitter-text.",
                 "status": 400, "parameter": "text"},
                400, {"Content-Type": "application/problem+json"})
        for media_id in media_ids:
            media = state.media.get(media_id)
            if media is None or media["owner"] != who or media["state"] != "succeeded":
                return _invalid(f"Media {media_id} is not ready", parameter="media.media_ids", value=media_id)
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        with state.lock:
            parent = None
            if reply_to is not None:
                parent = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == str(reply_to)), None)
                if parent is None:
                    # X's answer to a reply whose post is gone or hidden (its forum and client
                    # libraries quote it: 403, "You attempted to reply to a Tweet that is deleted
                    # or not visible to you.").
                    return _problem(403, "Forbidden",
                                    "You attempted to reply to a Tweet that is deleted or not visible to you.")
            # X refuses a tweet whose submitted text repeats one of the user's recent tweets.
            if any(p["platform"] == PLATFORM and p["subject"] == who and p["text"] == text for p in state.posts):
                return _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
            post = state.record_post(PLATFORM, who, text=text, rendered=rendered_text(text, bool(media_ids)),
                                     media=media_ids, url=f"{web_base}/x/web/i/web/status/",
                                     altTexts=[state.media[m].get("altText") for m in media_ids])
            post["url"] += post["id"]
            # Every post of a thread carries its first post's id as `conversation_id` (X's data
            # dictionary, Post object); a post that answers none starts its own conversation.
            post["conversationId"] = parent.get("conversationId", parent["id"]) if parent else post["id"]
            if parent is not None:
                post["inReplyTo"] = parent["id"]
        hold_if_asked(fault)
        return {"data": {"id": post["id"], "text": post["rendered"], "edit_history_tweet_ids": [post["id"]]}}, 201

    @bp.get("/2/users/<user_id>/tweets")
    def timeline(user_id: str):
        fault, faulted = gate.fault("lookup")
        if faulted is not None:
            return faulted
        # The `lag` fault: X's timelines and search are eventually consistent, so a tweet the
        # create made can be missing from this listing for a while (X documents no bound;
        # [unverified] reports put search/recent at 30 s to minutes) while X already refuses
        # the same text again as duplicate content.
        cutoff = listing_cutoff(fault)
        if subject() != user_id:
            return _problem(401, "Unauthorized", "Unauthorized")
        args = flask.request.args
        # Default fields are id, text and edit_history_tweet_ids; others only when asked for.
        wanted = set(DEFAULT_TWEET_FIELDS) | _fields(args)
        start, end = _parse_time(args.get("start_time")), _parse_time(args.get("end_time"))
        limit = max(5, min(int(args.get("max_results", "10")), 100))
        with state.lock:
            mine = [p for p in reversed(state.posts) if p["platform"] == PLATFORM and p["subject"] == user_id
                    and (start is None or p["createdAt"] >= start) and (end is None or p["createdAt"] <= end)
                    and (cutoff is None or p["createdAt"] <= cutoff)]
            tweets = [{k: v for k, v in {
                "id": p["id"], "text": p.get("rendered", p["text"]), "edit_history_tweet_ids": [p["id"]],
                "author_id": p["subject"],
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(p["createdAt"])),
                "conversation_id": p.get("conversationId", p["id"]),
            }.items() if k in wanted} for p in mine]
        # Newest first, `max_results` a page; `meta.next_token` while more remain, passed back as
        # `pagination_token` (docs.x.com, GET /2/users/:id/tweets: Pagination).
        offset = int(args.get("pagination_token") or 0)
        page = tweets[offset:offset + limit]
        meta = {"result_count": len(page)}
        if page:  # as X answers (tweepy's cassettes/test_client_get_users_tweets.yaml: newest_id, oldest_id)
            meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if offset + limit < len(tweets):
            meta["next_token"] = str(offset + limit)
        return {"data": page, "meta": meta} if page else {"meta": {"result_count": 0}}

    @bp.delete("/2/tweets/<tweet_id>")
    def delete(tweet_id: str):
        """`DELETE /2/tweets/:id` (docs.x.com/x-api/posts/manage-tweets, "Delete a Post"): the author's
        token → 200 `{"data": {"deleted": true}}`. An id X does not know (never posted, or deleted
        already) → 404 with the `resource-not-found` problem (docs.x.com/x-api/fundamentals/
        response-codes-and-errors); someone else's tweet, or a token without permission (the
        `forbidden` fault) → 403 [wording unverified]. The `hold` fault delays the answer."""
        fault, who, refused = gate("delete", forbidden=answer(
            lambda: _problem(403, "Forbidden", "You are not permitted to perform this action.")))
        if refused is not None:
            return refused
        hold_if_asked(fault)  # a slow answer: lets the tests overlap two deletions
        with state.lock:
            post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == tweet_id), None)
            if post is None:
                # ResourceNotFoundProblem: type, title, detail and resource_type required.
                return x_problem(404, "resource-not-found", "Not Found Error",
                                 f"Could not find tweet with id: [{tweet_id}].", resource_type="tweet",
                                 parameter="id", value=tweet_id, resource_id=tweet_id)
            if post["subject"] != who:
                return x_problem(403, "not-authorized-for-resource", "Forbidden",
                                 "You are not allowed to delete a Tweet you did not author.",
                                 resource_type="tweet", resource_id=tweet_id)
            state.delete_post(PLATFORM, lambda p: p is post)
        return {"data": {"deleted": True}}

    @bp.get("/web/i/web/status/<post_id>")
    def web(post_id: str):
        post = next((p for p in state.posts if p["platform"] == PLATFORM and p["id"] == post_id), None)
        if post is None:
            return "Not found", 404
        return f"<html><body><h1>X sandbox post {post_id}</h1><p>{escape(post['text'])}</p></body></html>"

    return bp
