"""The data-deletion status as a page, for the person who follows Meta's link in a browser
(Meta asks for "a human-readable explanation of the status"); API clients get the JSON."""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Request, Response

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Soku: data deletion request</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
dt{{font-weight:600}}</style></head>
<body><h1>Data deletion request</h1><p>{message}</p>
<dl><dt>Confirmation code</dt><dd><code>{code}</code></dd><dt>Status</dt><dd>{status}</dd>
<dt>Requested</dt><dd>{requested}</dd><dt>Completed</dt><dd>{completed}</dd></dl></body></html>
"""


def wants_page(request: Request) -> bool:
    """A browser (it asks for HTML before JSON); curl, SDKs and `*/*` get JSON."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def deletion_status_page(report: dict[str, Any]) -> Response:
    body = PAGE.format(message=escape(report["message"]), code=escape(report["confirmationCode"]),
                       status=escape(report["status"]), requested=escape(report["requestedAt"] or "-"),
                       completed=escape(report["completedAt"] or "not yet"))
    response = Response(body, status=200, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
