"""Facebook Pages metrics: a Page post's engagement fields and insights, a Page's followers.

- `GET /{post-id}?fields=reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares`
  → `reactions.summary.total_count`, `comments.summary.total_count`, `shares.count` (Graph API
  reference, Page Post and its `reactions` / `comments` edges with `summary=total_count`).
- `GET /{post-id}/insights?metric=post_media_view,post_total_media_view_unique,post_clicks`
  (Page Insights reference; `post_impressions`, `post_impressions_unique` and the other
  impressions metrics were deprecated in 2025 and answer an invalid-metric error, as here).
- `GET /{page-id}?fields=followers_count,fan_count` (Page reference).
Node reads share the path of the publishing sandbox's `/<version>/<node>`: the hook below takes
only those asking for these fields.
"""

from __future__ import annotations

import re

import flask

from devstack.sandboxes import meta_graph as graph
from devstack.sandboxes.core import Gate, SandboxState
from devstack.sandboxes.meta_graph import insights as meta
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)

PLATFORM = "facebook"
_NODE = re.compile(r"^/facebook/(v\d+\.\d+)/([^/]+)$")
_POST_FIELDS = ("reactions", "comments", "shares")
_PAGE_FIELDS = ("followers_count", "fan_count")


def _fields() -> set[str]:
    # `reactions.summary(total_count).limit(0)` names the `reactions` field.
    return {f.split(".", 1)[0].split("{", 1)[0] for f in (flask.request.args.get("fields") or "").split(",") if f}


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("facebook_insights", __name__, url_prefix="/facebook")
    gate = Gate(state, PLATFORM, meta.answers(too_old=lambda: meta.no_longer_available("post"),
                                              usage_type="pages"), meta.authorizer(state, PLATFORM))

    def post_of(post_id: str, who: str):
        post = find_post(state, PLATFORM, post_id)
        return post if post is not None and post["subject"] == who else None

    @bp.get("/<version>/<post_id>/insights")
    def insights(version: str, post_id: str):
        if (bad := graph.bad_version(version)) is not None:
            return bad
        fault, who, refused = gate(POST_OPERATION)
        if refused is not None:
            return refused
        post = post_of(post_id, who)
        if post is None or (fault is not None and fault.kind == "not_found"):
            return graph.unknown_object(post_id)
        c = post_counts_of(post)
        wanted, invalid = meta.wanted_metrics({"post_media_view": c["views"],
                                               "post_total_media_view_unique": c["reach"],
                                               "post_clicks": c["clicks"]})
        return invalid if invalid is not None else meta.rows(post_id, wanted)

    @bp.before_app_request
    def node_metrics():
        request = flask.request
        match = _NODE.match(request.path) if request.method == "GET" else None
        fields = _fields() if match else set()
        if not fields & set(_POST_FIELDS + _PAGE_FIELDS):
            return None  # not a metrics read: the publishing sandbox answers it
        node = match.group(2)
        post = find_post(state, PLATFORM, node)
        if fields & set(_POST_FIELDS) and (post is not None or not fields & set(_PAGE_FIELDS)):
            post, refused = meta.callers_post(gate, POST_OPERATION, post, node)
            if refused is not None:
                return refused
            c = post_counts_of(post)
            out = {"id": node}
            if "reactions" in fields:
                out["reactions"] = {"data": [], "summary": {"total_count": c["likes"], "viewer_reaction": "NONE"}}
            if "comments" in fields:
                out["comments"] = {"data": [], "summary": {"order": "ranked", "total_count": c["comments"],
                                                           "can_comment": True}}
            if "shares" in fields and c["shares"]:
                out["shares"] = {"count": c["shares"]}  # absent until shared once, as Graph leaves it
            return out
        _, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        if node not in (who, "me"):
            return graph.unknown_object(node)
        c = account_counts(state, PLATFORM, who)
        out = {"id": who}
        if "followers_count" in fields:
            out["followers_count"] = c["followers"]
        if "fan_count" in fields:
            out["fan_count"] = c["followers"] * 9 // 10  # Page likes: fewer than followers
        return out

    return bp
