"""What the Meta sandboxes (Facebook, Instagram, Threads) share: Graph's error envelope, time format
and cursor paging."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any, Callable
from urllib.parse import urlencode

import flask


def graph_error(status: int, code: int, message: str, *, subcode: int | None = None,
                kind: str = "OAuthException", transient: bool = False, user_title: str | None = None,
                user_msg: str | None = None, headers: dict | None = None) -> flask.Response:
    """`{"error": {message, type, code, error_subcode?, is_transient, fbtrace_id, …}}` as Graph sends it."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "is_transient": transient,
                             "fbtrace_id": secrets.token_urlsafe(8)}
    if subcode is not None:
        error["error_subcode"] = subcode
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    return flask.make_response({"error": error}, status, headers or {})


def graph_time(epoch: float) -> str:
    """Graph's timestamps: `2026-11-25T01:02:03+0000`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch))


def graph_page(items: list[dict[str, Any]], render: Callable[[dict[str, Any]], dict[str, Any]], *,
               default_limit: int = 25, max_limit: int = 100) -> dict[str, Any]:
    """One page of a cursor-paginated edge, as Graph pages it (developers.facebook.com,
    Graph API "Paginated Results": cursor-based pagination): `limit` objects (capped by the
    edge), `paging.cursors.before/after` opaque strings that point at an object, and
    `paging.next` only while there is more to read. `after` from the request resumes right
    after the object its cursor points at, so objects added meanwhile do not shift pages.
    `items` are in the edge's order (newest first); `render` makes each one's row."""
    args = flask.request.values
    limit = max(1, min(int(args.get("limit") or default_limit), max_limit))
    start = 0
    if args.get("after"):
        try:
            after_id = base64.urlsafe_b64decode(str(args["after"]).encode()).decode()
        except (ValueError, UnicodeDecodeError):
            after_id = None
        ids = [str(item["id"]) for item in items]
        if after_id not in ids:
            return graph_error(400, 100, "(#100) Invalid cursor: the object it pointed at is gone")
        start = ids.index(after_id) + 1
    page = items[start:start + limit]
    body: dict[str, Any] = {"data": [render(item) for item in page]}
    if page:
        body["paging"] = {"cursors": {"before": _cursor(page[0]), "after": _cursor(page[-1])}}
        if start + limit < len(items):
            query = {k: v for k, v in flask.request.args.items() if k != "before"}
            query["after"] = _cursor(page[-1])
            body["paging"]["next"] = f"{flask.request.base_url}?{urlencode(query)}"
    return body


def _cursor(item: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(str(item["id"]).encode()).decode()
