"""X API v2 metrics: a post's `public_metrics`, a user's `public_metrics`.

- `GET /2/tweets/:id?tweet.fields=public_metrics` (docs.x.com/x-api/posts/post-lookup-by-post-id;
  data dictionary "Tweet object": `public_metrics.{retweet_count, reply_count, like_count,
  quote_count, bookmark_count, impression_count}`). An unknown or deleted post answers 200 with
  `errors: [{value, detail, title: "Not Found Error", resource_type: "tweet", parameter: "id",
  resource_id, type: "https://api.twitter.com/2/problems/resource-not-found"}]` and no `data`
  (X's partial-error format, docs.x.com "Error handling").
- `GET /2/users/:id?user.fields=public_metrics` (…/users/user-lookup-by-id: `followers_count,
  following_count, tweet_count, listed_count, like_count`).
- Refusals are RFC 7807-style problems `{title, detail, type, status}`: 401 Unauthorized, 403
  "client-forbidden" for a token without the needed scope, 429 with `x-rate-limit-reset`.

Held to X's OpenAPI document (xdevplatform/xdk specs/openapi.json, version 2.167;
devstack/contracts/facts/x.json): the field lists are asked for as `post.fields` (`tweet.fields`
before, still read); the metrics are named `PostPublicMetrics` {repost_count, reply_count,
like_count, quote_count, bookmark_count, impression_count} and `UserPublicMetrics`
{followers_count, following_count, post_count, listed_count, like_count}, all but the last
required; problems come as `application/problem+json`, and a missing post's partial error is the
document's ResourceNotFoundProblem (`https://api.x.com/2/problems/resource-not-found`).
"""

from __future__ import annotations

import time

import flask

from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)

PLATFORM = "x"


def _problem(status: int, title: str, detail: str, kind: str = "about:blank", headers: dict | None = None):
    return flask.make_response({"title": title, "detail": detail, "type": kind, "status": status}, status,
                               {"Content-Type": "application/problem+json", **(headers or {})})


def _not_found(post_id: str):
    return {"errors": [{"value": post_id, "detail": f"Could not find tweet with id: [{post_id}].",
                        "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
                        "resource_id": post_id, "type": "https://api.x.com/2/problems/resource-not-found"}]}


def _fields(args, kind: str) -> set[str]:
    names = (f"{kind}.fields", "tweet.fields") if kind == "post" else (f"{kind}.fields",)
    return {f for name in names for f in args.get(name, "").split(",") if f}


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("x_insights", __name__, url_prefix="/x")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, _problem(401, "Unauthorized", "Unauthorized"))

    def rate_limited(fault, operation):
        reset = int(time.time()) + int(fault.params.get("reset_in", 60))
        return _problem(429, "Too Many Requests", "Too Many Requests",
                        headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})

    forbidden = answer(lambda: _problem(
        403, "Forbidden", "You are not permitted to perform this action.",
        "https://api.twitter.com/2/problems/client-forbidden"))
    gate = Gate(state, PLATFORM, {
        "rate_limit": rate_limited,
        "server_error": answer(lambda: _problem(503, "Service Unavailable", "Service Unavailable")),
        "expired_token": answer(lambda: _problem(401, "Unauthorized", "Unauthorized")),
        "missing_scope": forbidden,
    }, authorized)

    @bp.get("/2/tweets/<post_id>")
    def tweet(post_id: str):
        fault, who, refused = gate(POST_OPERATION)
        if refused is not None:
            return refused
        post = find_post(state, PLATFORM, post_id)
        if post is None or (fault is not None and fault.kind == "not_found"):
            return _not_found(post_id)
        wanted = _fields(flask.request.args, "post")
        out = {"id": post["id"], "text": post.get("rendered", post.get("text", "")),
               "edit_history_tweet_ids": [post["id"]]}
        if "public_metrics" in wanted:
            c = post_counts_of(post)
            out["public_metrics"] = {"repost_count": c["shares"], "reply_count": c["comments"],
                                     "like_count": c["likes"], "quote_count": c["quotes"],
                                     "bookmark_count": c["bookmarks"], "impression_count": c["views"]}
        return {"data": out}

    @bp.get("/2/users/<user_id>")
    def user(user_id: str):
        _, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        out = {"id": user_id, "name": f"Sandbox user {user_id}", "username": user_id}
        if "public_metrics" in _fields(flask.request.args, "user"):
            c = account_counts(state, PLATFORM, user_id)
            out["public_metrics"] = {"followers_count": c["followers"], "following_count": c["following"],
                                     "post_count": c["posts"], "listed_count": c["followers"] // 50,
                                     "like_count": c["following"] * 3}
        return {"data": out}

    return bp
