"""Pinterest metrics: a Pin's analytics (`GET /v5/pins/{pin_id}/analytics`, the OpenAPI's
pins/analytics). `start_date`, `end_date` (YYYY-MM-DD, the start at most 90 days back) and
`metric_types` are required; the answer is keyed by app type (`all`) with `daily_metrics`,
`summary_metrics` and `lifetime_metrics` (TOTAL_COMMENTS, TOTAL_REACTIONS). An account's counts
are on `GET /v5/user_account` (the publishing sandbox serves it).
"""

from __future__ import annotations

from datetime import date, timedelta

import flask

from devstack.sandboxes.core import Gate, SandboxState, answer
from devstack.sandboxes.insights.common import POST_OPERATION, find_post, post_counts_of

PLATFORM = "pinterest"
SUMMARY = {"IMPRESSION": "views", "SAVE": "saves", "PIN_CLICK": "clicks", "OUTBOUND_CLICK": "reach"}
LIFETIME = {"TOTAL_COMMENTS": "comments", "TOTAL_REACTIONS": "likes"}
KNOWN = {"SAVE_RATE", "USER_FOLLOW", "PROFILE_VISIT", *SUMMARY, *LIFETIME}


def figures(post: dict) -> dict[str, int]:
    """The Pin's figures as the analytics route answers them (tests compare with these)."""
    c = post_counts_of(post)
    return {name: c[key] for name, key in (SUMMARY | LIFETIME).items()}


def _error(status: int, code: int, message: str):
    return flask.make_response({"code": code, "message": message}, status)


def blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("pinterest_insights", __name__, url_prefix="/pinterest")

    def authorized():
        who = state.subject_of(PLATFORM, flask.request.headers.get("Authorization"))
        return (who, None) if who is not None else (None, _error(401, 2, "Authentication failed."))

    gate = Gate(state, PLATFORM, {
        "rate_limit": answer(lambda: _error(429, 8, "You have exceeded your rate limit. Try again later.")),
        "server_error": answer(lambda: _error(500, 1, "Something went wrong on our end. Sorry about that.")),
        "expired_token": answer(lambda: _error(401, 2, "Authentication failed: the access token has expired.")),
        "missing_scope": answer(lambda: _error(403, 29, "You are not permitted to access that resource.")),
        "not_found": answer(lambda: _error(404, 50, "Pin not found.")),
    }, authorized)

    @bp.get("/v5/pins/<pin_id>/analytics")
    def analytics(pin_id: str):
        _, who, refused = gate(POST_OPERATION)
        if refused is not None:
            return refused
        args = flask.request.args
        try:
            start, end = date.fromisoformat(args["start_date"]), date.fromisoformat(args["end_date"])
        except (KeyError, ValueError):
            return _error(400, 1, "Invalid parameters: start_date and end_date (YYYY-MM-DD) are required")
        if start < date.today() - timedelta(days=90) or end < start:
            return _error(400, 1, "Invalid parameters: start_date cannot be more than 90 days back")
        wanted = [m for m in (args.get("metric_types") or "").split(",") if m]
        if not wanted or any(m not in KNOWN for m in wanted):
            return _error(400, 1, "Invalid parameters: metric_types")
        post = find_post(state, PLATFORM, pin_id)
        if post is None or post["subject"] != who:
            return _error(404, 50, "Pin not found.")
        values = figures(post)
        return {"all": {"daily_metrics": [],
                        "summary_metrics": {m: values[m] for m in wanted if m in SUMMARY},
                        "lifetime_metrics": {m: values[m] for m in wanted if m in LIFETIME}}}

    return bp
