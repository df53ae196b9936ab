"""Google's API conventions, as the YouTube sandbox answers them: the error envelope
`{"error": {code, message, errors: [{message, domain, reason}], status}}` and RFC 3339 times."""

from __future__ import annotations

import time
from typing import Any

import flask

_STATUS_TEXT = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

def google_error(status: int, reason: str, message: str, *, domain: str = "global",
                 location: str | None = None, headers: dict | None = None) -> flask.Response:
    detail: dict[str, Any] = {"message": message, "domain": domain, "reason": reason}
    if location:
        detail.update(location=location, locationType="parameter" if location != "Authorization" else "header")
    body = {"error": {"code": status, "message": message, "errors": [detail],
                      "status": _STATUS_TEXT.get(status, "UNKNOWN")}}
    return flask.make_response(body, status, headers or {})


def _rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
