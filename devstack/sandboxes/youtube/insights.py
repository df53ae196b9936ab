"""YouTube Data API v3 statistics: `videos.list` and `channels.list` with `part=statistics`.

- `GET /youtube/v3/videos?part=statistics&id=…` → `items[].statistics.{viewCount, likeCount,
  favoriteCount, commentCount}`, counts as strings (developers.google.com/youtube/v3/docs/videos);
  an unknown or deleted id is simply missing from `items`.
- `GET /youtube/v3/channels?part=statistics&mine=true` → `statistics.{viewCount, subscriberCount,
  hiddenSubscriberCount, videoCount}` (…/docs/channels); with the fault `hidden_subscribers` the
  channel hides its count, and `subscriberCount` is left out as YouTube does.
Refusals in Google's error format (`google.google_error`): 403 `insufficientPermissions`
("Request had insufficient authentication scopes."), 403 `quotaExceeded`, 401 `authError`.
Both paths are the publishing sandbox's too (its `videos.list` serves processing status, its
`channels.list` the uploads playlist): the hook takes only requests whose `part` asks for
`statistics`.
"""

from __future__ import annotations

import secrets

import flask

from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.youtube.google import google_error
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)
from devstack.sandboxes.youtube import channel_id

PLATFORM = "youtube"


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("youtube_insights", __name__, url_prefix="/youtube")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        if who is not None:
            return who, None
        return None, google_error(401, "authError", "Invalid Credentials", location="Authorization")

    gate = Gate(state, PLATFORM, {
        "rate_limit": answer(lambda: google_error(
            403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota.",
            domain="youtube.quota")),
        "server_error": answer(lambda: google_error(503, "backendError", "Backend Error")),
        "expired_token": answer(lambda: google_error(401, "authError", "Invalid Credentials",
                                                     location="Authorization")),
        "missing_scope": answer(lambda: google_error(403, "insufficientPermissions",
                                                     "Request had insufficient authentication scopes.")),
    }, authorized)

    def videos():
        fault, who, refused = gate(POST_OPERATION)
        if refused is not None:
            return refused
        items = []
        for video_id in [i for i in (flask.request.args.get("id") or "").split(",") if i]:
            post = find_post(state, PLATFORM, video_id)
            if post is None or post["subject"] != who or (fault is not None and fault.kind == "not_found"):
                continue
            c = post_counts_of(post)
            items.append({"kind": "youtube#video", "etag": secrets.token_urlsafe(12), "id": video_id,
                          "statistics": {"viewCount": str(c["views"]), "likeCount": str(c["likes"]),
                                         "favoriteCount": "0", "commentCount": str(c["comments"])}})
        return {"kind": "youtube#videoListResponse", "etag": secrets.token_urlsafe(12), "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}

    def channels():
        if flask.request.args.get("mine") != "true":
            return None  # other filters: the publishing sandbox answers (and refuses) them
        fault, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        c = account_counts(state, PLATFORM, who)
        hidden = fault is not None and fault.kind == "hidden_subscribers"
        stats = {"viewCount": str(c["followers"] * 40), "hiddenSubscriberCount": hidden,
                 "videoCount": str(c["posts"])}
        if not hidden:
            stats["subscriberCount"] = str(c["followers"])
        return {"kind": "youtube#channelListResponse", "etag": secrets.token_urlsafe(12),
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                "items": [{"kind": "youtube#channel", "etag": secrets.token_urlsafe(12), "id": channel_id(who),
                           "statistics": stats}]}

    @bp.before_app_request
    def statistics():
        request = flask.request
        if request.method != "GET" or "statistics" not in (request.args.get("part") or "").split(","):
            return None
        if request.path == "/youtube/youtube/v3/videos":
            return videos()
        if request.path == "/youtube/youtube/v3/channels":
            return channels()
        return None

    return bp
