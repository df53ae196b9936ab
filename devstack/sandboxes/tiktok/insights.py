"""TikTok API v2 metrics: `video/query` and the stats fields of `user/info`.

- `POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count` with
  `{"filters": {"video_ids": [...]}}` (≤20) → `data.videos[]`, only the user's own videos
  (developers.tiktok.com/doc/tiktok-api-v2-video-query; scope `video.list`).
- `GET /v2/user/info/?fields=follower_count,following_count,likes_count,video_count`
  (…/doc/tiktok-api-v2-get-user-info; scope `user.info.stats`). The publishing sandbox serves
  the basic fields on the same path: the hook takes only requests asking for a stats field.
Every answer is wrapped `{data, error: {code, message, log_id}}`; refusals: 401
`scope_not_authorized` ("The user did not authorize the scope required for completing this
request."), 401 `access_token_invalid`, 429 `rate_limit_exceeded`, 500 `internal_error`.
"""

from __future__ import annotations

import flask

from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)
from devstack.sandboxes.tiktok.publish import _error, _invalid_token, _ok

PLATFORM = "tiktok"
_STATS = ("follower_count", "following_count", "likes_count", "video_count")
_VIDEO_FIELDS = {"view_count": "views", "like_count": "likes", "comment_count": "comments", "share_count": "shares"}


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("tiktok_insights", __name__, url_prefix="/tiktok")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, _invalid_token())

    gate = Gate(state, PLATFORM, {
        "rate_limit": answer(lambda: _error(429, "rate_limit_exceeded",
                                            "API rate limit was exceeded, only a certain number of requests "
                                            "allowed per minute.")),
        "server_error": answer(lambda: _error(500, "internal_error", "Something went wrong. Please try again.")),
        "expired_token": answer(_invalid_token),
        "missing_scope": answer(lambda: _error(401, "scope_not_authorized", "The user did not authorize the "
                                                    "scope required for completing this request.")),
    }, authorized)

    @bp.post("/v2/video/query/")
    def video_query():
        fault, who, refused = gate(POST_OPERATION)
        if refused is not None:
            return refused
        fields = [f for f in (flask.request.args.get("fields") or "").split(",") if f]
        ids = [str(i) for i in ((flask.request.get_json(silent=True) or {}).get("filters") or {}).get("video_ids")
               or []]
        if not fields or not ids or len(ids) > 20:
            return _error(400, "invalid_params", "fields and 1-20 filters.video_ids are required")
        videos = []
        for video_id in ids:
            post = find_post(state, PLATFORM, video_id)
            if post is None or post["subject"] != who or (fault is not None and fault.kind == "not_found"):
                continue  # not the user's (or gone): left out, as TikTok does
            c = post_counts_of(post)
            row = {"id": video_id, "title": post.get("title") or "", "create_time": int(post["createdAt"])}
            row |= {name: c[key] for name, key in _VIDEO_FIELDS.items()}
            videos.append({k: v for k, v in row.items() if k in fields})
        return _ok({"videos": videos, "cursor": 0, "has_more": False})

    @bp.before_app_request
    def user_stats():
        request = flask.request
        if request.method != "GET" or request.path != "/tiktok/v2/user/info/":
            return None
        fields = set((request.args.get("fields") or "").split(","))
        if not fields & set(_STATS):
            return None  # the basic fields: the publishing sandbox answers
        _, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        c = account_counts(state, PLATFORM, who)
        user = {"open_id": who, "follower_count": c["followers"], "following_count": c["following"],
                "likes_count": c["followers"] * 7, "video_count": c["posts"]}
        return _ok({"user": {k: v for k, v in user.items() if k in fields}})

    return bp
