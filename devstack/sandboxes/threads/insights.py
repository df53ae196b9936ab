"""Threads metrics: a post's insights, a profile's followers (developers.facebook.com/docs/threads/insights).

- `GET /v1.0/{threads-media-id}/insights?metric=views,likes,replies,reposts,quotes,shares` →
  lifetime `values: [{value}]` rows.
- `GET /v1.0/{threads-user-id}/threads_insights?metric=followers_count` → `total_value: {value}`.
The token comes as `access_token` (the publisher sends it so); refusals use Graph's envelope.
"""

from __future__ import annotations

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

PLATFORM = "threads"


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("threads_insights", __name__, url_prefix="/threads")
    gate = Gate(state, PLATFORM, meta.answers(too_old=lambda: meta.no_longer_available("thread"),
                                              usage_type="threads"), meta.authorizer(state, PLATFORM))

    @bp.get("/v1.0/<media_id>/insights")
    def insights(media_id: str):
        post, refused = meta.callers_post(gate, POST_OPERATION, find_post(state, PLATFORM, media_id), media_id)
        if refused is not None:
            return refused
        c = post_counts_of(post)
        wanted, invalid = meta.wanted_metrics({"views": c["views"], "likes": c["likes"], "replies": c["comments"],
                                               "reposts": c["shares"], "quotes": c["quotes"],
                                               "shares": c["saves"]})
        return invalid if invalid is not None else meta.rows(media_id, wanted)

    @bp.get("/v1.0/<user_id>/threads_insights")
    def user_insights(user_id: str):
        _, who, refused = gate(ACCOUNT_OPERATION)
        if refused is not None:
            return refused
        if user_id not in (who, "me"):
            return graph.unknown_object(user_id)
        wanted, invalid = meta.wanted_metrics({"followers_count": account_counts(state, PLATFORM, who)["followers"]})
        return invalid if invalid is not None else meta.rows(who, wanted, total=True)

    return bp
