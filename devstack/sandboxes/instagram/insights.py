"""Instagram metrics: a media's insights, an account's counts (Graph API, Facebook Login).

- `GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved,total_interactions`
  (IG Media Insights reference: `impressions`, `plays`, `clips_replays_count` and `video_views` are
  deprecated since v22.0 / 21 Apr 2025 and answer an invalid-metric error here; media posted
  before the account became a business account: code 100 / subcode 2108006; "(#10) Not enough
  viewers for the media to show insights" when few accounts saw it, as the fault
  `not_enough_viewers`).
- `GET /{ig-user-id}?fields=followers_count,follows_count,media_count` (IG User reference).
The node read shares the publishing sandbox's `/<version>/<node>` path: the hook takes only reads
asking for those fields. `/<version>/<media>/insights` outranks its `/<version>/<node>/<edge>`
(a static path part wins in Werkzeug's matcher).
"""

from __future__ import annotations

import re

import flask

from devstack.sandboxes import meta_graph as graph
from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.meta_graph import insights as meta
from devstack.sandboxes.insights.common import (
    ACCOUNT_OPERATION,
    POST_OPERATION,
    account_counts,
    find_post,
    post_counts_of,
)

PLATFORM = "instagram"
_USER_FIELDS = ("followers_count", "follows_count", "media_count")


def _too_old():
    return graph.graph_error(
        400, 100, "(#100) Media Posted Before Business Account Conversion", subcode=2108006,
        user_title="Media Posted Before Business Account Conversion",
        user_msg="The media was posted before the most recent time that the user's account was "
                 "converted to a business account from a personal account.")


def blueprint(state: SandboxState, prefix: str = "/instagram", token_platform: str = PLATFORM,
              name: str = "instagram_insights") -> flask.Blueprint:
    """The metrics on the Graph host at `prefix`, for the tokens of `token_platform`: Facebook
    Login's (`/instagram`, Page tokens) or Instagram Login's (`/instagram_login/graph`,
    graph.instagram.com: IG Media Insights lists both logins, developers.facebook.com/
    documentation/instagram-platform/reference/instagram-media/insights)."""
    bp = flask.Blueprint(name, __name__, url_prefix=prefix)
    node_path = re.compile(rf"^{re.escape(prefix)}/(v\d+\.\d+)/([^/]+)$")
    gate = Gate(state, PLATFORM, meta.answers(too_old=_too_old, usage_type="instagram") | {
        "not_enough_viewers": answer(lambda: graph.graph_error(
            400, 10, "(#10) Not enough viewers for the media to show insights",
            user_msg="Not enough viewers for the media to show insights"))},
        meta.authorizer(state, token_platform))

    @bp.get("/<version>/<media_id>/insights")
    def insights(version: str, media_id: str):
        if (bad := graph.bad_version(version)) is not None:
            return bad
        post, refused = meta.callers_post(gate, POST_OPERATION, find_post(state, PLATFORM, media_id), media_id)
        if refused is not None:
            return refused
        c = post_counts_of(post)
        wanted, invalid = meta.wanted_metrics({
            "views": c["views"], "reach": c["reach"], "likes": c["likes"], "comments": c["comments"],
            "shares": c["shares"], "saved": c["saves"],
            "total_interactions": c["likes"] + c["comments"] + c["shares"] + c["saves"]})
        return invalid if invalid is not None else meta.rows(media_id, wanted)

    @bp.before_app_request
    def user_counts():
        request = flask.request
        match = node_path.match(request.path) if request.method == "GET" else None
        fields = set((request.args.get("fields") or "").split(",")) if match else set()
        if not fields & set(_USER_FIELDS):
            return None  # not a metrics read: the publishing sandbox answers it
        _, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        node = match.group(2)
        if node not in (who, "me"):
            return graph.unknown_object(node)
        c = account_counts(state, PLATFORM, who)
        values = {"followers_count": c["followers"], "follows_count": c["following"], "media_count": c["posts"]}
        return {"id": who} | {k: v for k, v in values.items() if k in fields}

    return bp
