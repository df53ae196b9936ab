"""The public OAuth callback: `GET /oauth/{platform}/callback`, where platforms send the user.

A browser lands here, not an API client, so the answer is a redirect to the web
app (`SOKU_OAUTH_RETURN_URL?status=connected&platform=x&accounts=x_1` or
`…?status=error&platform=x&error=<code>&message=…`) or, without one configured,
a small HTML page saying what happened. Like the media downloads it does not go
through `Api.handle` (no API key, no JSON): the state's signature is checked
before any I/O, so forged requests cost nothing.
"""

from __future__ import annotations

import logging
import re

from flask import Request, Response
from markupsafe import escape

from shared.config import get_settings
from shared.errors import MethodNotAllowedError, NotFoundError, SokuError
from shared.platforms import ALIASES, RULES
from shared.services.connections import flow
from shared.services.connections.base import with_query
from shared.services.connections.errors import ConnectError
from shared.web.request_context import bind, request_id_for
from shared.web.responses import error_response, finish

log = logging.getLogger("soku.connections")

PATH = re.compile(r"^/oauth/(?P<platform>[a-z_]{1,32})/callback/?$")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;
padding:0 1rem;color:#222}}h1{{font-size:1.4rem}}code{{background:#f3f3f3;padding:0 .3em}}</style></head>
<body><h1>{title}</h1><p>{message}</p>{extra}<p>You can close this window.</p></body></html>
"""


def handle(request: Request) -> Response:
    request_id = request_id_for(request)
    with bind(request, request_id):
        return _handle(request, request_id)


def _handle(request: Request, request_id: str) -> Response:
    try:
        match = PATH.match(request.path)
        if match is None or ALIASES.get(match["platform"]) is None:
            raise NotFoundError(f"No route for {request.method} {request.path}")
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowedError(f"Method {request.method} is not allowed on {request.path}; allowed: GET",
                                        headers={"Allow": "GET"})
    except SokuError as error:
        return finish(error_response(error, request_id), request_id)
    platform = match["platform"]
    try:
        connected = flow.complete(platform, request.args)
    except ConnectError as error:
        log.info("oauth callback for %s refused: %s", platform, error.code)
        return finish(_failure(platform, error), request_id)
    except Exception:  # noqa: BLE001 - a page, not a stack trace; details go to the log
        log.exception("oauth callback for %s failed (request %s)", platform, request_id)
        error = ConnectError("internal_error", "Soku could not finish connecting the account. Try again.")
        return finish(_failure(platform, error), request_id)
    return finish(_success(connected), request_id)


def _secure(response: Response) -> Response:
    # The page needs no scripts and must not leak the callback URL (its code) to anyone.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _redirect(params: dict) -> Response:
    response = Response(status=302)
    response.headers["Location"] = with_query(get_settings().oauth_return_url, params)
    return _secure(response)


def _page(status: int, title: str, message: str, extra: str = "") -> Response:
    body = PAGE.format(title=escape(title), message=escape(message), extra=extra)
    return _secure(Response(body, status=status, mimetype="text/html"))


def _success(connected: flow.Connected) -> Response:
    ids = [a["accountId"] for a in connected.accounts]
    if get_settings().oauth_return_url:
        return _redirect({"status": "connected", "platform": connected.platform.value, "accounts": ",".join(ids)})
    name = RULES[connected.platform].display_name
    items = "".join(f"<li>{escape(a['displayName'] or a['accountId'])}: <code>{escape(a['accountId'])}</code></li>"
                    for a in connected.accounts)
    return _page(200, f"{name} connected",
                 f"Soku can now post to {len(ids)} {name} account{'s' if len(ids) != 1 else ''}. "
                 "Use the accountId below in post.content.platform.", f"<ul>{items}</ul>")


def _failure(platform: str, error: ConnectError) -> Response:
    if get_settings().oauth_return_url:
        return _redirect({"status": "error", "platform": platform, "error": error.code, "message": error.message})
    return _page(error.status, "Account not connected", error.message,
                 f"<p>Error code: <code>{escape(error.code)}</code></p>")
