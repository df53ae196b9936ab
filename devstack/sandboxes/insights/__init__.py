"""The platforms' metrics endpoints (insights, public metrics, statistics): each platform's
sandbox package has an `insights.py` (devstack/sandboxes/<name>/insights.py), registered here.

Each module is a second Flask blueprint under the platform's existing URL prefix, so the
publishing sandboxes stay as they are. Where a metrics read shares its path with a read the
publishing sandbox already serves (Graph node reads with `fields=`, YouTube `videos.list` /
`channels.list` with `part=statistics`, TikTok `user/info` with stats fields), the module answers
it from an app-level `before_request` hook that takes only the metrics variant and leaves the
rest to the publishing sandbox.

Figures are deterministic (`common.post_counts`): derived from a hash of the post id and growing
with the minutes since the post was recorded, so they never go down. A post the sandbox never
recorded, or one deleted since, gets the platform's not-found answer. Faults: operation
`metrics` (a post's metrics) or `account_metrics`, kinds `missing_scope`, `too_old`,
`not_found`, `rate_limit`, `server_error`, `expired_token` (each in the platform's error shape).
"""

from __future__ import annotations

import flask

from devstack.sandboxes.core import SandboxState
from devstack.sandboxes.facebook import insights as facebook
from devstack.sandboxes.instagram import insights as instagram
from devstack.sandboxes.linkedin import insights as linkedin
from devstack.sandboxes.pinterest import insights as pinterest
from devstack.sandboxes.threads import insights as threads
from devstack.sandboxes.tiktok import insights as tiktok
from devstack.sandboxes.x import insights as x
from devstack.sandboxes.youtube import insights as youtube


def register(app: flask.Flask, state: SandboxState) -> None:
    for module in (x, facebook, instagram, threads, linkedin, youtube, tiktok, pinterest):
        app.register_blueprint(module.blueprint(state))
    # Instagram Login's accounts (no Facebook Page) read theirs on graph.instagram.com.
    app.register_blueprint(instagram.blueprint(state, "/instagram_login/graph", "instagram_login",
                                               "instagram_login_insights"))
