"""What the Meta sandboxes (Facebook, Instagram) share: Graph's error envelope and time format."""

from __future__ import annotations

import secrets
import time
from typing import Any

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
